// The walking network as a graph: every walkable road line is cut at the vertices it shares with
// another line (junctions) and at its ends; each piece becomes an edge with its length in metres on
// the WGS-84 ellipsoid (geo/measure, the model straight-line distances use).
// Roads with broken geometry are skipped and counted. The in-memory graph for searches (CSR,
// snapping, shortest paths) is graph.ts; synthetic.ts makes large test graphs.
import type { LineString, MultiLineString, Position } from 'geojson';
import { distanceM } from '../measure';

export interface NetworkRoad {
	sourceId: string;
	geometry: LineString | MultiLineString;
}

export interface NetworkNode {
	key: string;
	lon: number;
	lat: number;
}

export interface NetworkEdge {
	roadSourceId: string;
	from: string;
	to: string;
	lengthM: number;
	coordinates: Position[];
}

export interface WalkNetwork {
	nodes: NetworkNode[];
	edges: NetworkEdge[];
	/** Roads left out for broken geometry: a coordinate not finite or out of range, or no line of two distinct points. */
	skipped: number;
}

/** Vertices closer than ~1 cm are the same junction (OSM shares node ids; files may not). */
export const nodeKey = (p: Position) => `${p[0].toFixed(7)},${p[1].toFixed(7)}`;

function linesOf(road: NetworkRoad): Position[][] {
	return road.geometry.type === 'LineString' ? [road.geometry.coordinates] : road.geometry.coordinates;
}

const validPosition = (p: Position) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;

/** A road whose every line has at least two valid positions, one of them distinct from the first. */
function hasUsableGeometry(road: NetworkRoad): boolean {
	const g = road.geometry as { type?: string; coordinates?: unknown } | null;
	if (!g || (g.type !== 'LineString' && g.type !== 'MultiLineString') || !Array.isArray(g.coordinates)) return false;
	const lines = linesOf(road);
	if (lines.length === 0) return false;
	return lines.every((line) => Array.isArray(line) && line.length >= 2 && line.every(validPosition) && line.some((p) => nodeKey(p) !== nodeKey(line[0])));
}

export function buildWalkNetwork(allRoads: NetworkRoad[]): WalkNetwork {
	const roads = allRoads.filter(hasUsableGeometry);
	const uses = new Map<string, number>();
	for (const road of roads) {
		for (const line of linesOf(road)) {
			const seen = new Set<string>();
			line.forEach((p, i) => {
				const key = nodeKey(p);
				// A line's ends always split; a vertex it passes twice (a loop) counts as a junction.
				const weight = i === 0 || i === line.length - 1 ? 2 : seen.has(key) ? 2 : 1;
				seen.add(key);
				uses.set(key, (uses.get(key) ?? 0) + weight);
			});
		}
	}
	const nodes = new Map<string, NetworkNode>();
	const edges: NetworkEdge[] = [];
	const addNode = (p: Position) => {
		const key = nodeKey(p);
		if (!nodes.has(key)) nodes.set(key, { key, lon: p[0], lat: p[1] });
		return key;
	};
	for (const road of roads) {
		for (const line of linesOf(road)) {
			if (line.length < 2) continue;
			let piece: Position[] = [line[0]];
			let length = 0;
			for (let i = 1; i < line.length; i++) {
				length += distanceM(line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]);
				piece.push(line[i]);
				const isJunction = (uses.get(nodeKey(line[i])) ?? 0) > 1;
				if (isJunction || i === line.length - 1) {
					const from = addNode(piece[0]);
					const to = addNode(line[i]);
					if (from !== to || length > 0) {
						edges.push({ roadSourceId: road.sourceId, from, to, lengthM: length, coordinates: piece });
					}
					piece = [line[i]];
					length = 0;
				}
			}
		}
	}
	return { nodes: [...nodes.values()], edges, skipped: allRoads.length - roads.length };
}

// Walking-network distances for coverage rules with the walk metric: buildings and facilities are
// snapped to the walk graph once per graph, then one multi-source search per category.
// Polygon facilities (parks) are entered from every vertex of their boundary, so the walk ends at
// the boundary, not the centroid.
import type { Position } from 'geojson';
import type { BuildingSet, CoverageFacility } from '../../../geo/coverage';
import { networkNearest, snapPoints, type SnapResult, type WalkGraph } from '../../../geo/network/graph';
import type { Db } from './db';
import { getWalkGraph } from './network';

/** Farther than this from any walkable way, a building or facility is reported, not attached. */
export const MAX_SNAP_M = 250;

let snapped: { graph: WalkGraph; buildings: BuildingSet; snap: SnapResult } | null = null;

function facilityEntrances(facilities: CoverageFacility[]): { lon: number[]; lat: number[]; owner: number[] } {
	// owner: which facility an entrance belongs to (the search reports the nearest entrance).
	const lon: number[] = [];
	const lat: number[] = [];
	const owner: number[] = [];
	const add = (p: Position, f: number) => {
		lon.push(p[0]);
		lat.push(p[1]);
		owner.push(f);
	};
	facilities.forEach((f, i) => {
		const g = f.geometry;
		if (g.type === 'Point') add(g.coordinates, i);
		else if (g.type === 'MultiPoint') g.coordinates.forEach((p) => add(p, i));
		else if (g.type === 'Polygon') g.coordinates[0].forEach((p) => add(p, i));
		else if (g.type === 'MultiPolygon') g.coordinates.forEach((poly) => poly[0].forEach((p) => add(p, i)));
		else if (g.type === 'LineString') g.coordinates.forEach((p) => add(p, i));
	});
	return { lon, lat, owner };
}

export interface WalkNearest {
	distanceM: Float64Array;
	nearest: Int32Array;
	unsnappedBuildings: number;
}

/** Null when no walk network has been built (no walkable roads imported). */
export async function walkNearestDistances(
	db: Db,
	buildings: BuildingSet,
	facilities: CoverageFacility[],
	maxM: number
): Promise<WalkNearest | null> {
	const graph = await getWalkGraph(db);
	if (graph.edgeCount === 0) return null;
	if (!snapped || snapped.graph !== graph || snapped.buildings !== buildings) {
		snapped = { graph, buildings, snap: snapPoints(graph, buildings.lon, buildings.lat, MAX_SNAP_M) };
	}
	const entrances = facilityEntrances(facilities);
	const sources = snapPoints(graph, entrances.lon, entrances.lat, MAX_SNAP_M);
	const { distanceM, source } = networkNearest(graph, sources, snapped.snap, maxM);
	const nearest = source.map((s) => (s >= 0 ? entrances.owner[s] : -1));
	return { distanceM, nearest, unsnappedBuildings: snapped.snap.unsnapped.length };
}

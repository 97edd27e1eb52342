// Ring repairs and checks for polygons (after conversion to WGS-84).
import { kinks } from '@turf/kinks';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { ringsOf } from './positions';

const samePosition = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

function closeRing(ring: Position[]): Position[] {
	if (ring.length === 0 || samePosition(ring[0], ring[ring.length - 1])) return ring;
	return [...ring, ring[0]];
}

/** Closes every unclosed ring; returns the (possibly new) geometry and how many rings were closed. */
export function closeRings(geometry: Geometry): { geometry: Geometry; closedRings: number } {
	const closedRings = ringsOf(geometry).filter((ring) => ring.length > 0 && !samePosition(ring[0], ring[ring.length - 1])).length;
	if (closedRings === 0) return { geometry, closedRings };
	if (geometry.type === 'Polygon') {
		return { geometry: { type: 'Polygon', coordinates: geometry.coordinates.map(closeRing) } satisfies Polygon, closedRings };
	}
	const multi = geometry as MultiPolygon;
	return {
		geometry: { type: 'MultiPolygon', coordinates: multi.coordinates.map((polygon) => polygon.map(closeRing)) } satisfies MultiPolygon,
		closedRings
	};
}

/** The first ring with fewer than 4 positions (a closed triangle needs 4), or null. */
export function findDegenerateRing(geometry: Geometry): { ringNumber: number; positions: number } | null {
	const rings = ringsOf(geometry);
	const at = rings.findIndex((ring) => ring.length < 4);
	return at === -1 ? null : { ringNumber: at + 1, positions: rings[at].length };
}

/** A line part with fewer than 2 positions, or null. */
export function findDegenerateLine(geometry: Geometry): { positions: number } | null {
	const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
	const short = lines.find((line) => line.length < 2);
	return short ? { positions: short.length } : null;
}

/**
 * turf.kinks compares every segment with every other one (O(n²)). Above this many vertices we do not
 * check and let the server run ST_MakeValid anyway (cheap, and a no-op on valid geometry).
 */
export const MAX_VERTICES_FOR_KINKS = 5000;

/** Repeated consecutive vertices look like touching segments to turf.kinks; drop them before checking. */
function withoutRepeatedVertices(ring: Position[]): Position[] {
	return ring.filter((position, i) => i === 0 || !samePosition(position, ring[i - 1]));
}

export type SelfIntersection = { kind: 'found'; at: Position } | { kind: 'too-large-to-check'; vertices: number } | null;

/** Where a polygon's rings cross themselves or each other (turf.kinks), or null when they do not. */
export function findSelfIntersection(geometry: Geometry): SelfIntersection {
	if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return null;
	const vertices = ringsOf(geometry).reduce((sum, ring) => sum + ring.length, 0);
	if (vertices > MAX_VERTICES_FOR_KINKS) return { kind: 'too-large-to-check', vertices };
	const cleaned: Polygon | MultiPolygon =
		geometry.type === 'Polygon'
			? { type: 'Polygon', coordinates: geometry.coordinates.map(withoutRepeatedVertices) }
			: { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map(withoutRepeatedVertices)) };
	const found = kinks(cleaned).features[0];
	return found ? { kind: 'found', at: found.geometry.coordinates } : null;
}

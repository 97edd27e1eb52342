// How often a polygon's boundary crosses itself, counted up to a limit in about linear time.
// The server repairs self-intersecting polygons with ST_MakeValid, whose cost grows with the number
// of crossings: a scribbled 6,000-vertex ring with thousands of crossings takes minutes, and can
// exhaust the embedded engine's memory. Such a shape is not a boundary anyone can use anyway, so the
// importer refuses it (naming the feature) instead of handing it to the database.
import type { Geometry, Position } from 'geojson';
import { ringsOf } from '../validate';

/** More crossings than this and a polygon is refused rather than repaired. */
export const MAX_SELF_INTERSECTIONS = 500;
/** Segment pairs examined before giving up and calling the shape too complex. */
export const PAIR_BUDGET = 20_000_000;

interface Segments {
	x0: Float64Array;
	y0: Float64Array;
	x1: Float64Array;
	y1: Float64Array;
	/** Ring number of each segment, and its position in the ring, to skip neighbours. */
	ring: Int32Array;
	at: Int32Array;
	ringLength: Int32Array;
}

function segmentsOf(rings: Position[][]): Segments {
	const n = rings.reduce((sum, r) => sum + Math.max(0, r.length - 1), 0);
	const s: Segments = {
		x0: new Float64Array(n),
		y0: new Float64Array(n),
		x1: new Float64Array(n),
		y1: new Float64Array(n),
		ring: new Int32Array(n),
		at: new Int32Array(n),
		ringLength: new Int32Array(rings.length)
	};
	let k = 0;
	rings.forEach((ring, r) => {
		s.ringLength[r] = Math.max(0, ring.length - 1);
		for (let i = 0; i + 1 < ring.length; i++, k++) {
			s.x0[k] = ring[i][0];
			s.y0[k] = ring[i][1];
			s.x1[k] = ring[i + 1][0];
			s.y1[k] = ring[i + 1][1];
			s.ring[k] = r;
			s.at[k] = i;
		}
	});
	return s;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

/** Consecutive segments of one ring (including last–first) share a vertex by construction. */
function neighbours(s: Segments, a: number, b: number): boolean {
	if (s.ring[a] !== s.ring[b]) return false;
	const d = Math.abs(s.at[a] - s.at[b]);
	return d <= 1 || d === s.ringLength[s.ring[a]] - 1;
}

/** A proper crossing: each segment's ends lie strictly on opposite sides of the other. */
function cross(s: Segments, a: number, b: number): boolean {
	const o1 = orient(s.x0[a], s.y0[a], s.x1[a], s.y1[a], s.x0[b], s.y0[b]);
	const o2 = orient(s.x0[a], s.y0[a], s.x1[a], s.y1[a], s.x1[b], s.y1[b]);
	if (o1 === 0 || o2 === 0 || o1 === o2) return false;
	const o3 = orient(s.x0[b], s.y0[b], s.x1[b], s.y1[b], s.x0[a], s.y0[a]);
	const o4 = orient(s.x0[b], s.y0[b], s.x1[b], s.y1[b], s.x1[a], s.y1[a]);
	return o3 !== 0 && o4 !== 0 && o3 !== o4;
}

/**
 * Proper crossings between the segments of a (Multi)Polygon's rings, counted up to `limit`: returns a
 * number ≤ limit, or `limit + 1` when there are more (or when the shape is too tangled to count within
 * the budget of `pairBudget` segment pairs, cells included). 0 for other geometry types.
 */
export function countSelfIntersections(geometry: Geometry, limit = MAX_SELF_INTERSECTIONS, pairBudget = PAIR_BUDGET): number {
	if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return 0;
	const s = segmentsOf(ringsOf(geometry));
	const n = s.x0.length;
	if (n < 4) return 0;
	let minX = Infinity,
		minY = Infinity,
		maxX = -Infinity,
		maxY = -Infinity;
	for (let k = 0; k < n; k++) {
		minX = Math.min(minX, s.x0[k], s.x1[k]);
		maxX = Math.max(maxX, s.x0[k], s.x1[k]);
		minY = Math.min(minY, s.y0[k], s.y1[k]);
		maxY = Math.max(maxY, s.y0[k], s.y1[k]);
	}
	// A uniform grid of about n cells; each segment goes into every cell its bounding box touches.
	const side = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n))));
	const w = (maxX - minX) / side || 1;
	const h = (maxY - minY) / side || 1;
	const cell = (v: number, min: number, size: number) => Math.min(side - 1, Math.max(0, Math.floor((v - min) / size)));
	const cells = new Map<number, number[]>();
	let budget = pairBudget;
	for (let k = 0; k < n; k++) {
		const cx0 = cell(Math.min(s.x0[k], s.x1[k]), minX, w),
			cx1 = cell(Math.max(s.x0[k], s.x1[k]), minX, w);
		const cy0 = cell(Math.min(s.y0[k], s.y1[k]), minY, h),
			cy1 = cell(Math.max(s.y0[k], s.y1[k]), minY, h);
		budget -= (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
		if (budget < 0) return limit + 1;
		for (let cx = cx0; cx <= cx1; cx++) {
			for (let cy = cy0; cy <= cy1; cy++) {
				const key = cx * side + cy;
				const list = cells.get(key);
				if (list) list.push(k);
				else cells.set(key, [k]);
			}
		}
	}
	const found = new Set<number>();
	for (const list of cells.values()) {
		budget -= (list.length * (list.length - 1)) / 2;
		if (budget < 0) return limit + 1;
		for (let i = 0; i < list.length; i++) {
			for (let j = i + 1; j < list.length; j++) {
				const a = list[i],
					b = list[j];
				if (neighbours(s, a, b) || !cross(s, a, b)) continue;
				found.add(a * n + b); // the same pair can meet in several cells
				if (found.size > limit) return limit + 1;
			}
		}
	}
	return found.size;
}

// Clipping in tile pixel space against the buffered tile square, on flat coordinate arrays
// [x0, y0, x1, y1, …]. Rings are open (the closing vertex is implicit) throughout geo/tiles.
//
// Why not geojson-vt: it tiles a whole dataset into an in-memory index (built for the browser) and
// clips in projected 0–1 space before any rounding; here one database query yields exactly the
// features of one tile, which need one projection and one clip each.
import { clipSegmentRange } from '../clip';

export interface ClipBox {
	min: number;
	max: number;
}

/** Bounding box of a flat coordinate array. */
export function flatBounds(coords: ArrayLike<number>): [number, number, number, number] {
	let x0 = Infinity,
		y0 = Infinity,
		x1 = -Infinity,
		y1 = -Infinity;
	for (let i = 0; i < coords.length; i += 2) {
		const x = coords[i],
			y = coords[i + 1];
		if (x < x0) x0 = x;
		if (x > x1) x1 = x;
		if (y < y0) y0 = y;
		if (y > y1) y1 = y;
	}
	return [x0, y0, x1, y1];
}

export function insideBox(b: [number, number, number, number], box: ClipBox): boolean {
	return b[0] >= box.min && b[1] >= box.min && b[2] <= box.max && b[3] <= box.max;
}

export function outsideBox(b: [number, number, number, number], box: ClipBox): boolean {
	return b[2] < box.min || b[3] < box.min || b[0] > box.max || b[1] > box.max;
}

/**
 * Sutherland–Hodgman against the four box edges. Exact for convex rings (most grids and blocks);
 * a concave ring that leaves and re-enters the box keeps a zero-width seam along the box edge, in
 * the buffer, outside the visible tile — drawn identically.
 */
export function clipRing(ring: ArrayLike<number>, box: ClipBox): number[] {
	let out: ArrayLike<number> = ring;
	for (let edge = 0; edge < 4 && out.length >= 6; edge++) out = clipRingEdge(out, edge, box);
	return out.length >= 6 ? Array.from(out) : [];
}

// edge 0: x ≥ min, 1: x ≤ max, 2: y ≥ min, 3: y ≤ max
function clipRingEdge(ring: ArrayLike<number>, edge: number, box: ClipBox): number[] {
	const axis = edge < 2 ? 0 : 1;
	const limit = edge % 2 === 0 ? box.min : box.max;
	const keep = (v: number) => (edge % 2 === 0 ? v >= limit : v <= limit);
	const out: number[] = [];
	const n = ring.length;
	let px = ring[n - 2],
		py = ring[n - 1];
	let pIn = keep(axis === 0 ? px : py);
	for (let i = 0; i < n; i += 2) {
		const cx = ring[i],
			cy = ring[i + 1];
		const cIn = keep(axis === 0 ? cx : cy);
		if (cIn !== pIn) {
			const [ix, iy] = intersect(px, py, cx, cy, axis, limit);
			out.push(ix, iy);
		}
		if (cIn) out.push(cx, cy);
		px = cx;
		py = cy;
		pIn = cIn;
	}
	return out;
}

function intersect(ax: number, ay: number, bx: number, by: number, axis: number, limit: number): [number, number] {
	if (axis === 0) {
		const t = (limit - ax) / (bx - ax);
		return [limit, ay + (by - ay) * t];
	}
	const t = (limit - ay) / (by - ay);
	return [ax + (bx - ax) * t, limit];
}

/** Liang–Barsky per segment: the parts of a line inside the box (each at least two vertices). */
export function clipLine(line: number[], box: ClipBox): number[][] {
	const parts: number[][] = [];
	let current: number[] = [];
	for (let i = 0; i + 3 < line.length; i += 2) {
		const seg = clipSegment(line[i], line[i + 1], line[i + 2], line[i + 3], box);
		if (!seg) {
			if (current.length >= 4) parts.push(current);
			current = [];
			continue;
		}
		const [x0, y0, x1, y1, enteredInside, leftInside] = seg;
		if (current.length === 0 || !enteredInside) {
			if (current.length >= 4) parts.push(current);
			current = [x0, y0];
		}
		current.push(x1, y1);
		if (!leftInside) {
			if (current.length >= 4) parts.push(current);
			current = [];
		}
	}
	if (current.length >= 4) parts.push(current);
	return parts;
}

/** [x0, y0, x1, y1, startUnclipped, endUnclipped] or null when the segment misses the box. */
function clipSegment(ax: number, ay: number, bx: number, by: number, box: ClipBox): [number, number, number, number, boolean, boolean] | null {
	const range = clipSegmentRange(ax, ay, bx, by, box.min, box.min, box.max, box.max);
	if (!range) return null;
	const [t0, t1] = range;
	const dx = bx - ax,
		dy = by - ay;
	return [ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy, t0 === 0, t1 === 1];
}

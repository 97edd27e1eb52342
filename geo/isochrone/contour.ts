// Walking isochrones (see ./index.ts): marching squares.

import type { Polygon, MultiPolygon, Position } from 'geojson';
import { deg7 } from './options';
import type { Grid } from './raster';

// Edges of the square (i, j)…(i+1, j+1), counter-clockwise: 0 bottom, 1 right, 2 top, 3 left;
// corners 0 (i, j), 1 (i+1, j), 2 (i+1, j+1), 3 (i, j+1). Each case lists its segments as pairs
// (from edge, to edge), with the inside on the left. Saddles (5, 10): [separated, joined].
const CASES: number[][] = [
	[], [0, 3], [1, 0], [1, 3], [2, 1], [], [2, 0], [2, 3],
	[3, 2], [0, 2], [], [1, 2], [3, 1], [0, 1], [3, 0], []
]; // prettier-ignore
const SADDLE_SEPARATED: Record<number, number[]> = { 5: [0, 3, 2, 1], 10: [1, 0, 3, 2] };
const SADDLE_JOINED: Record<number, number[]> = { 5: [0, 1, 2, 3], 10: [3, 0, 1, 2] };

let nextBuf = new Int32Array(0);

/** Traces the field's buffer-radius line into a (Multi)Polygon in longitude/latitude, with its area in m². */
export function traceField(
	field: Float64Array,
	grid: Grid,
	lon0: number,
	lat0: number,
	kx: number,
	ky: number
): { geometry: Polygon | MultiPolygon; areaM2: number } {
	const { w, h, radius, x0, y0, cell } = grid;
	const r2 = radius * radius;
	if (nextBuf.length < 2 * w * h) nextBuf = new Int32Array(2 * w * h).fill(-1);
	const next = nextBuf;
	const starts: number[] = [];
	// edge id: 2·(j·w + i) for the horizontal edge from sample (i, j), +1 for the vertical one
	const edgeId = (i: number, j: number, side: number) =>
		side === 0 ? 2 * (j * w + i) : side === 1 ? 2 * (j * w + i + 1) + 1 : side === 2 ? 2 * ((j + 1) * w + i) : 2 * (j * w + i) + 1;
	const f = (idx: number) => radius - Math.sqrt(field[idx]);
	for (let j = 0; j < h - 1; j++) {
		for (let i = 0; i < w - 1; i++) {
			const s = j * w + i;
			const c = (field[s] < r2 ? 1 : 0) | (field[s + 1] < r2 ? 2 : 0) | (field[s + w + 1] < r2 ? 4 : 0) | (field[s + w] < r2 ? 8 : 0);
			if (c === 0 || c === 15) continue;
			let segs = CASES[c];
			if (c === 5 || c === 10) {
				const centre = f(s) + f(s + 1) + f(s + w + 1) + f(s + w);
				segs = centre > 0 ? SADDLE_JOINED[c] : SADDLE_SEPARATED[c];
			}
			for (let q = 0; q < segs.length; q += 2) {
				const from = edgeId(i, j, segs[q]);
				next[from] = edgeId(i, j, segs[q + 1]);
				starts.push(from);
			}
		}
	}
	// Rings: follow the segments; crossing points interpolated along each edge.
	const point = (id: number): [number, number] => {
		const v = id >> 1;
		const i = v % w;
		const j = (v - i) / w;
		const a = f(v);
		const b = id & 1 ? f(v + w) : f(v + 1);
		// (a sample beyond the buffer's reach has no distance: the line is next to the other one)
		let t = a === -Infinity ? 0.99 : b === -Infinity ? 0.01 : a / (a - b);
		if (!(t >= 0.01)) t = 0.01;
		else if (t > 0.99) t = 0.99;
		return id & 1 ? [i, j + t] : [i + t, j];
	};
	const rings: { pts: number[][]; area: number }[] = [];
	for (const start of starts) {
		if (next[start] < 0) continue;
		const pts: number[][] = [];
		let id = start;
		while (next[id] >= 0) {
			pts.push(point(id));
			const n = next[id];
			next[id] = -1;
			id = n;
		}
		pts.push(pts[0]);
		rings.push({ pts, area: ringArea(pts) });
	}
	for (const id of starts) next[id] = -1; // (all cleared already unless a ring failed to close)
	// Exterior rings run counter-clockwise (area > 0), holes clockwise; each hole to the smallest exterior holding it.
	const shells = rings.filter((r) => r.area > 0).sort((a, b) => a.area - b.area);
	const holesOf = shells.map(() => [] as number[][][]);
	for (const hole of rings) {
		if (hole.area >= 0) continue;
		const [px, py] = hole.pts[0];
		const k = shells.findIndex((s) => pointInRing(px, py, s.pts));
		if (k >= 0) holesOf[k].push(hole.pts);
	}
	const toLonLat = (ring: number[][]): Position[] => {
		const out: Position[] = [];
		for (const [gx, gy] of ring) {
			const lon = deg7(lon0 + (x0 + gx * cell) / kx);
			const lat = deg7(lat0 + (y0 + gy * cell) / ky);
			const last = out[out.length - 1];
			if (!last || last[0] !== lon || last[1] !== lat) out.push([lon, lat]);
		}
		return out;
	};
	let area = 0;
	const polygons: Position[][][] = [];
	shells.forEach((shell, k) => {
		area += shell.area + holesOf[k].reduce((s, hp) => s + ringArea(hp), 0);
		polygons.push([toLonLat(shell.pts), ...holesOf[k].map(toLonLat)].filter((r) => r.length >= 4));
	});
	const areaM2 = Math.max(0, area) * cell * cell;
	if (polygons.length === 1) return { geometry: { type: 'Polygon', coordinates: polygons[0] }, areaM2 };
	return { geometry: { type: 'MultiPolygon', coordinates: polygons }, areaM2 };
}

/** Signed area (counter-clockwise positive) of a closed ring. */
function ringArea(ring: number[][]): number {
	let a = 0;
	for (let i = 0; i < ring.length - 1; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
	return a / 2;
}

function pointInRing(x: number, y: number, ring: number[][]): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

/** Area (m²) of the union of circles of radius D around the centres (exact for one circle). */
export function circlesArea(centres: number[][], D: number): number {
	if (centres.length === 1) return Math.PI * D * D;
	let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity; // prettier-ignore
	for (const [x, y] of centres) {
		minX = Math.min(minX, x - D);
		maxX = Math.max(maxX, x + D);
		minY = Math.min(minY, y - D);
		maxY = Math.max(maxY, y + D);
	}
	const cell = D / 64;
	let n = 0;
	for (let y = minY + cell / 2; y < maxY; y += cell) {
		for (let x = minX + cell / 2; x < maxX; x += cell) {
			for (const [cx, cy] of centres) {
				if ((x - cx) ** 2 + (y - cy) ** 2 <= D * D) {
					n++;
					break;
				}
			}
		}
	}
	return n * cell * cell;
}

/** Samples inside the isochrone (within the buffer radius) and within D of a centre. */
export function cellsInsideCircles(field: Float64Array, grid: Grid, centres: number[][], D: number): number {
	const { x0, y0, cell, w, h, radius } = grid;
	const r2 = radius * radius;
	const D2 = D * D;
	let n = 0;
	if (centres.length === 1) {
		const [cx, cy] = centres[0];
		const j0 = Math.max(0, Math.ceil((cy - D - y0) / cell));
		const j1 = Math.min(h - 1, Math.floor((cy + D - y0) / cell));
		for (let j = j0; j <= j1; j++) {
			const dy = y0 + j * cell - cy;
			const half = Math.sqrt(Math.max(0, D2 - dy * dy));
			const i0 = Math.max(0, Math.ceil((cx - half - x0) / cell));
			const i1 = Math.min(w - 1, Math.floor((cx + half - x0) / cell));
			for (let i = i0, s = j * w + i0; i <= i1; i++, s++) if (field[s] < r2) n++;
		}
		return n;
	}
	for (let j = 0; j < h; j++) {
		const y = y0 + j * cell;
		for (let i = 0; i < w; i++) {
			if (!(field[j * w + i] < r2)) continue;
			const x = x0 + i * cell;
			for (const [cx, cy] of centres) {
				if ((x - cx) ** 2 + (y - cy) ** 2 <= D2) {
					n++;
					break;
				}
			}
		}
	}
	return n;
}

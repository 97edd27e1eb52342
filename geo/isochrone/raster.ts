// Walking isochrones (see ./index.ts): raster.

import type { CheckedOptions } from './options';
import { type Reach, intervals, subtract } from './reach';

export interface Grid {
	/** Sample (0, 0) in the local frame (m); sample (i, j) is at (x0 + i·cell, y0 + j·cell). */
	x0: number;
	y0: number;
	cell: number;
	w: number;
	h: number;
	/** Buffer radius, and how far from a piece samples must get a distance (radius + 1 cell). */
	radius: number;
	reach: number;
}

export function makeGrid(r: Reach, maxBudget: number, o: CheckedOptions): Grid {
	let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity; // prettier-ignore
	const buf: number[] = [];
	const { xs, ys, cum } = r;
	for (let k = 0; k < r.edges.length; k++) {
		const n = intervals(r, k, maxBudget, buf);
		if (n === 0) continue;
		const s0 = buf[0];
		const s1 = buf[2 * n - 1];
		// vertices inside [s0, s1] and the interpolated ends bound the pieces
		for (let j = r.vStart[k]; j < r.vStart[k + 1]; j++) {
			let x = xs[j];
			let y = ys[j];
			if (cum[j] < s0 || cum[j] > s1) {
				// clamp to the piece: the nearest end of [s0, s1] on this vertex's side
				const s = cum[j] < s0 ? s0 : s1;
				const p = pointAt(r, k, s);
				x = p[0];
				y = p[1];
			}
			if (x < minX) minX = x;
			if (x > maxX) maxX = x;
			if (y < minY) minY = y;
			if (y > maxY) maxY = y;
		}
	}
	if (!Number.isFinite(minX)) minX = maxX = minY = maxY = 0;
	const radius = o.bufferM;
	const span = Math.max(maxX - minX, maxY - minY) + 2 * radius;
	const cell = Math.max(o.cellM, span / (o.maxGridCells - 8));
	// Samples one cell beyond the buffer line need their distance (for the interpolation); a square
	// holding the line has all its corners within one cell of an inside corner, or is no saddle.
	const reach = radius + 1.01 * cell;
	const margin = reach + cell;
	const x0 = minX - margin;
	const y0 = minY - margin;
	const w = Math.ceil((maxX + margin - x0) / cell) + 1;
	const h = Math.ceil((maxY + margin - y0) / cell) + 1;
	return { x0, y0, cell, w, h, radius, reach };
}

const pointBuf = [0, 0];
/** The point s metres along reach edge k (local frame); shares one result array. */
function pointAt(r: Reach, k: number, s: number): number[] {
	const v0 = r.vStart[k];
	const v1 = r.vStart[k + 1];
	for (let j = v0; j < v1 - 1; j++) {
		if (s <= r.cum[j + 1] || j === v1 - 2) {
			const len = r.cum[j + 1] - r.cum[j];
			const u = len > 0 ? Math.min(1, Math.max(0, (s - r.cum[j]) / len)) : 0;
			pointBuf[0] = r.xs[j] + u * (r.xs[j + 1] - r.xs[j]);
			pointBuf[1] = r.ys[j] + u * (r.ys[j + 1] - r.ys[j]);
			return pointBuf;
		}
	}
	pointBuf[0] = r.xs[v0];
	pointBuf[1] = r.ys[v0];
	return pointBuf;
}

/**
 * Lowers the field (squared distance to the nearest reached piece) with one straight piece, over the
 * samples within `reach` of its bounding box. Each row splits into the samples whose nearest point of
 * the piece is its first end, an inner point, or its last end — so no clamping in the loops.
 */
function stampSegment(field: Float64Array, grid: Grid, x1: number, y1: number, x2: number, y2: number): void {
	const { x0, y0, cell, w, h, reach } = grid;
	const i0 = Math.max(0, Math.floor((Math.min(x1, x2) - reach - x0) / cell));
	const i1 = Math.min(w - 1, Math.ceil((Math.max(x1, x2) + reach - x0) / cell));
	const j0 = Math.max(0, Math.floor((Math.min(y1, y2) - reach - y0) / cell));
	const j1 = Math.min(h - 1, Math.ceil((Math.max(y1, y2) + reach - y0) / cell));
	const dx = x2 - x1;
	const dy = y2 - y1;
	const len2 = dx * dx + dy * dy;
	const inv = len2 > 0 ? 1 / len2 : 0;
	const beta = cell * dx * inv; // u grows by beta per column
	for (let j = j0; j <= j1; j++) {
		const py = y0 + j * cell - y1;
		const row = j * w;
		// u(i) = alpha + beta·i: the position of sample i's projection along the piece
		const alpha = ((x0 - x1) * dx + py * dy) * inv;
		let lo: number;
		let hi: number;
		let leftIsFirst: boolean;
		if (len2 === 0) {
			lo = i1 + 1;
			hi = i1;
			leftIsFirst = true;
		} else if (beta > 0) {
			lo = Math.ceil(-alpha / beta);
			hi = Math.floor((1 - alpha) / beta);
			leftIsFirst = true;
		} else if (beta < 0) {
			lo = Math.ceil((1 - alpha) / beta);
			hi = Math.floor(-alpha / beta);
			leftIsFirst = false;
		} else if (alpha >= 0 && alpha <= 1) {
			lo = i0;
			hi = i1;
			leftIsFirst = true;
		} else {
			lo = i1 + 1;
			hi = i1;
			leftIsFirst = alpha < 0;
		}
		if (lo < i0) lo = i0;
		if (hi > i1) hi = i1;
		if (lo > i1 + 1) lo = i1 + 1;
		// left of lo: nearest to one end
		const lx = leftIsFirst ? x1 : x2;
		const lyy = leftIsFirst ? py * py : (py - dy) * (py - dy);
		for (let i = i0; i < lo; i++) {
			const ex = x0 + i * cell - lx;
			const d2 = ex * ex + lyy;
			const v = field[row + i];
			field[row + i] = d2 < v ? d2 : v;
		}
		// lo…hi: nearest to an inner point (the perpendicular distance)
		if (hi >= lo) {
			const c1 = cell * dy;
			let cross = (x0 + lo * cell - x1) * dy - py * dx;
			for (let i = lo; i <= hi; i++, cross += c1) {
				const d2 = cross * cross * inv;
				const v = field[row + i];
				field[row + i] = d2 < v ? d2 : v;
			}
		}
		// right of hi: nearest to the other end
		const rx = leftIsFirst ? x2 : x1;
		const ryy = leftIsFirst ? (py - dy) * (py - dy) : py * py;
		for (let i = Math.max(i0, hi + 1, lo); i <= i1; i++) {
			const ex = x0 + i * cell - rx;
			const d2 = ex * ex + ryy;
			const v = field[row + i];
			field[row + i] = d2 < v ? d2 : v;
		}
	}
}

/** Stamps the pieces of every edge walked within B but not within `previous` (-1: none before). */
export function addReached(r: Reach, grid: Grid, field: Float64Array, previous: number, B: number): void {
	const cur: number[] = [];
	const prev: number[] = [];
	const diff: number[] = [];
	const { xs, ys, cum } = r;
	for (let k = 0; k < r.edges.length; k++) {
		const n = intervals(r, k, B, cur);
		if (n === 0) continue;
		const p = previous >= 0 ? intervals(r, k, previous, prev) : 0;
		const m = p > 0 ? subtract(cur, n, prev, p, diff) : n;
		const list = p > 0 ? diff : cur;
		for (let q = 0; q < m; q++) {
			const s0 = list[2 * q];
			const s1 = list[2 * q + 1];
			const v0 = r.vStart[k];
			const v1 = r.vStart[k + 1];
			for (let j = v0; j < v1 - 1; j++) {
				const a = cum[j];
				const b = cum[j + 1];
				if (b < s0 || a > s1) continue;
				const len = b - a;
				const u0 = len > 0 ? Math.max(0, (s0 - a) / len) : 0;
				const u1 = len > 0 ? Math.min(1, (s1 - a) / len) : 0;
				const dx = xs[j + 1] - xs[j];
				const dy = ys[j + 1] - ys[j];
				stampSegment(field, grid, xs[j] + u0 * dx, ys[j] + u0 * dy, xs[j] + u1 * dx, ys[j] + u1 * dy);
				if (b >= s1) break;
			}
		}
	}
}

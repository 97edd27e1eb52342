// Walking isochrones (see ./index.ts): reached edges.

import type { WalkGraph, SearchSpace, SnapResult } from '../network/graph';

export interface Reach {
	/** Edges touched by the search (an end within the budget) or holding a source. */
	edges: number[];
	/** Per reached edge: distance at its from / to node (Infinity when not reached), its length (m). */
	da: Float64Array;
	db: Float64Array;
	len: Float64Array;
	/** Sources on reached edges: position along the edge (m) and the walk to the edge (m). */
	srcOnEdge: Map<number, { s: number; off: number }[]>;
	/** Per reached edge: range of its vertices in xs/ys/cum. */
	vStart: Uint32Array;
	xs: Float64Array;
	ys: Float64Array;
	/** Metres along the edge at each vertex (scaled to the edge's stored length). */
	cum: Float64Array;
}

export function collectReach(g: WalkGraph, ws: SearchSpace, sources: SnapResult, srcIdx: number[], maxBudget: number): Reach {
	const stamp = ws.nextEdgeStamp();
	const mark = ws.edgeMark;
	const edges: number[] = [];
	const { offsets, adjEdge } = g;
	for (let i = 0; i < ws.touchedCount; i++) {
		const u = ws.touched[i];
		for (let a = offsets[u]; a < offsets[u + 1]; a++) {
			const e = adjEdge[a];
			if (mark[e] !== stamp) {
				mark[e] = stamp;
				edges.push(e);
			}
		}
	}
	const srcOnEdge = new Map<number, { s: number; off: number }[]>();
	for (const i of srcIdx) {
		const e = sources.edge[i];
		if (sources.offsetM[i] > maxBudget) continue;
		if (mark[e] !== stamp) {
			mark[e] = stamp;
			edges.push(e);
		}
		const list = srcOnEdge.get(e) ?? [];
		list.push({ s: sources.t[i] * g.edgeLength[e], off: sources.offsetM[i] });
		srcOnEdge.set(e, list);
	}
	const n = edges.length;
	const da = new Float64Array(n);
	const db = new Float64Array(n);
	const len = new Float64Array(n);
	const vStart = new Uint32Array(n + 1);
	let nv = 0;
	for (let k = 0; k < n; k++) {
		const e = edges[k];
		da[k] = ws.dist[g.edgeFrom[e]];
		db[k] = ws.dist[g.edgeTo[e]];
		len[k] = g.edgeLength[e];
		vStart[k] = nv;
		nv += g.edgeCoordOffsets[e + 1] - g.edgeCoordOffsets[e];
	}
	vStart[n] = nv;
	return { edges, da, db, len, srcOnEdge, vStart, xs: new Float64Array(nv), ys: new Float64Array(nv), cum: new Float64Array(nv) };
}

export function projectReach(g: WalkGraph, r: Reach, lon0: number, lat0: number, kx: number, ky: number): void {
	const c = g.edgeCoords;
	const { xs, ys, cum } = r;
	for (let k = 0; k < r.edges.length; k++) {
		const e = r.edges[k];
		const k0 = g.edgeCoordOffsets[e];
		const n = g.edgeCoordOffsets[e + 1] - k0;
		const v0 = r.vStart[k];
		let total = 0;
		for (let j = 0; j < n; j++) {
			const x = (c[2 * (k0 + j)] - lon0) * kx;
			const y = (c[2 * (k0 + j) + 1] - lat0) * ky;
			if (j > 0) total += Math.hypot(x - xs[v0 + j - 1], y - ys[v0 + j - 1]);
			xs[v0 + j] = x;
			ys[v0 + j] = y;
			cum[v0 + j] = total;
		}
		// positions along the edge are metres of its stored length
		const scale = total > 0 ? r.len[k] / total : 0;
		for (let j = 0; j < n; j++) cum[v0 + j] *= scale;
	}
}

/**
 * The walked intervals of reach edge k within budget B, as [s0, s1, …] (metres along the edge),
 * sorted and merged; returns how many.
 */
export function intervals(r: Reach, k: number, B: number, out: number[]): number {
	const L = r.len[k];
	let n = 0;
	if (r.da[k] <= B) {
		out[0] = 0;
		out[1] = Math.min(L, B - r.da[k]);
		n = 1;
	}
	if (r.db[k] <= B) {
		out[2 * n] = Math.max(0, L - (B - r.db[k]));
		out[2 * n + 1] = L;
		n++;
	}
	const src = r.srcOnEdge.size ? r.srcOnEdge.get(r.edges[k]) : undefined;
	if (src) {
		for (const { s, off } of src) {
			if (off > B) continue;
			out[2 * n] = Math.max(0, s - (B - off));
			out[2 * n + 1] = Math.min(L, s + (B - off));
			n++;
		}
	}
	if (n <= 1) return n;
	for (let i = 1; i < n; i++) {
		const a = out[2 * i];
		const b = out[2 * i + 1];
		let j = i - 1;
		while (j >= 0 && out[2 * j] > a) {
			out[2 * j + 2] = out[2 * j];
			out[2 * j + 3] = out[2 * j + 1];
			j--;
		}
		out[2 * j + 2] = a;
		out[2 * j + 3] = b;
	}
	let m = 0;
	for (let i = 1; i < n; i++) {
		if (out[2 * i] <= out[2 * m + 1]) out[2 * m + 1] = Math.max(out[2 * m + 1], out[2 * i + 1]);
		else {
			m++;
			out[2 * m] = out[2 * i];
			out[2 * m + 1] = out[2 * i + 1];
		}
	}
	return m + 1;
}

/**
 * The parts of the intervals `cur` (n of them) outside `prev` (p of them, sorted, disjoint), written to
 * out. Shared end points may be repeated: stamping a piece twice changes nothing.
 */
export function subtract(cur: number[], n: number, prev: number[], p: number, out: number[]): number {
	let m = 0;
	for (let i = 0; i < n; i++) {
		let a = cur[2 * i];
		const b = cur[2 * i + 1];
		let cut = false;
		for (let j = 0; j < p; j++) {
			const pa = prev[2 * j];
			const pb = prev[2 * j + 1];
			if (pb < a || pa > b) continue;
			if (pa > a) {
				out[2 * m] = a;
				out[2 * m + 1] = pa;
				m++;
			}
			if (pb >= a) {
				a = pb;
				cut = true;
			}
		}
		if (a < b || (a === b && !cut)) {
			out[2 * m] = a;
			out[2 * m + 1] = b;
			m++;
		}
	}
	return m;
}

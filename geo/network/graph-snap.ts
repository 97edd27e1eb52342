// The walking network graph (see ./graph.ts): snapping.

import type { WalkGraph, SnapResult } from './graph-types';
import { graphBounds, radixOrder, segmentM } from './graph-build';
import { metresPerDegree } from './graph-frame';

/** Segments bucketed by the grid cells their bounding boxes overlap (CSR: cellStart → segment ids). */
interface SnapIndex {
	lon0: number;
	lat0: number;
	/** Cell size in degrees of longitude / latitude. */
	cellLon: number;
	cellLat: number;
	nx: number;
	ny: number;
	cellStart: Uint32Array;
	cellSeg: Uint32Array;
	/** Per segment: its edge and the coordinate pair index of its first point. Segments from
	 * mainSegs on belong to dropped components (coordinates in islandCoords). */
	segEdge: Uint32Array;
	segStart: Uint32Array;
	mainSegs: number;
}

const snapIndexes = new WeakMap<WalkGraph, SnapIndex>();
/** Grid cell size (m): about one block, a few segments per cell. */
const SNAP_CELL_M = 50;

/** The segment grid of a graph, built on first use and kept with the graph. */
export function snapIndex(g: WalkGraph): SnapIndex | null {
	if (g.edgeCount === 0) return null;
	let idx = snapIndexes.get(g);
	if (idx) return idx;
	const ic = g.islandCoords ?? new Float64Array(0);
	const io = g.islandCoordOffsets ?? new Uint32Array(1);
	const islandEdges = io.length - 1;
	let [lon0, lat0, lon1, lat1] = graphBounds(g)!;
	for (let i = 0; i < ic.length; i += 2) {
		lon0 = Math.min(lon0, ic[i]);
		lon1 = Math.max(lon1, ic[i]);
		lat0 = Math.min(lat0, ic[i + 1]);
		lat1 = Math.max(lat1, ic[i + 1]);
	}
	const mainSegs = g.edgeCoordOffsets[g.edgeCount] - g.edgeCount;
	const segs = mainSegs + io[islandEdges] - islandEdges;
	const { kx, ky } = metresPerDegree((lat0 + lat1) / 2);
	// cells of about SNAP_CELL_M, but never many more cells than segments
	let cellM = SNAP_CELL_M;
	const spanX = (lon1 - lon0) * kx;
	const spanY = (lat1 - lat0) * ky;
	while ((spanX / cellM + 1) * (spanY / cellM + 1) > Math.max(1024, 2 * segs)) cellM *= 1.5;
	const cellLon = cellM / kx;
	const cellLat = cellM / ky;
	const nx = Math.floor((lon1 - lon0) / cellLon) + 1;
	const ny = Math.floor((lat1 - lat0) / cellLat) + 1;
	const segEdge = new Uint32Array(segs);
	const segStart = new Uint32Array(segs);
	let s = 0;
	for (let e = 0; e < g.edgeCount; e++) {
		for (let k = g.edgeCoordOffsets[e]; k < g.edgeCoordOffsets[e + 1] - 1; k++) {
			segEdge[s] = e;
			segStart[s++] = k;
		}
	}
	for (let e = 0; e < islandEdges; e++) {
		for (let k = io[e]; k < io[e + 1] - 1; k++) {
			segEdge[s] = g.edgeCount + e;
			segStart[s++] = k;
		}
	}
	const cellStart = new Uint32Array(nx * ny + 1);
	const forCells = (seg: number, fn: (cell: number) => void) => {
		const k = segStart[seg];
		const c = seg < mainSegs ? g.edgeCoords : ic;
		const x0 = c[2 * k], y0 = c[2 * k + 1], x1 = c[2 * k + 2], y1 = c[2 * k + 3]; // prettier-ignore
		const i0 = Math.floor((Math.min(x0, x1) - lon0) / cellLon);
		const i1 = Math.floor((Math.max(x0, x1) - lon0) / cellLon);
		const j0 = Math.floor((Math.min(y0, y1) - lat0) / cellLat);
		const j1 = Math.floor((Math.max(y0, y1) - lat0) / cellLat);
		for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) fn(j * nx + i);
	};
	for (let q = 0; q < segs; q++) forCells(q, (cell) => cellStart[cell + 1]++);
	for (let i = 0; i < nx * ny; i++) cellStart[i + 1] += cellStart[i];
	const fill = cellStart.slice(0, nx * ny);
	const cellSeg = new Uint32Array(cellStart[nx * ny]);
	for (let q = 0; q < segs; q++) forCells(q, (cell) => (cellSeg[fill[cell]++] = q));
	idx = { lon0, lat0, cellLon, cellLat, nx, ny, cellStart, cellSeg, segEdge, segStart, mainSegs };
	snapIndexes.set(g, idx);
	return idx;
}

/**
 * Attaches each point to the nearest edge (its projection on the edge's polyline); points farther
 * than maxSnapM from every edge are listed in `unsnapped`, not attached. Ties go to the lower segment.
 */
export function snapPoints(g: WalkGraph, lon: ArrayLike<number>, lat: ArrayLike<number>, maxSnapM: number): SnapResult {
	const count = lon.length;
	const edge = new Int32Array(count).fill(-1);
	const t = new Float64Array(count);
	const offsetM = new Float64Array(count).fill(Infinity);
	const unsnapped: number[] = [];
	const idx = snapIndex(g);
	const usable = (i: number) => {
		const x = lon[i];
		const y = lat[i];
		return Number.isFinite(x) && Number.isFinite(y) && Math.abs(y) <= 90 && Math.abs(x) <= 180;
	};
	if (!idx || !(maxSnapM >= 0)) {
		for (let i = 0; i < count; i++) unsnapped.push(i);
		return { edge, t, offsetM, unsnapped };
	}
	const { lon0, lat0, cellLon, cellLat, nx, ny, cellStart, cellSeg, segEdge, segStart, mainSegs } = idx;
	const mc = g.edgeCoords;
	const ic = g.islandCoords ?? mc;
	const islands: number[] = [];
	// Points in cell order: neighbouring points read the same cells and segments.
	const keys = new Uint32Array(count);
	for (let i = 0; i < count; i++) {
		if (!usable(i)) continue;
		const ci = Math.min(nx - 1, Math.max(0, Math.floor((lon[i] - lon0) / cellLon)));
		const cj = Math.min(ny - 1, Math.max(0, Math.floor((lat[i] - lat0) / cellLat)));
		keys[i] = cj * nx + ci;
	}
	const order = radixOrder(keys);
	// the nearest segment so far (squared metres), shared with scanCell
	let best = Infinity;
	let bestSeg = -1;
	let bestU = 0;
	const scanCell = (cell: number, px: number, py: number, kx: number, ky: number) => {
		for (let q = cellStart[cell]; q < cellStart[cell + 1]; q++) {
			const sg = cellSeg[q];
			const k = segStart[sg];
			const c = sg < mainSegs ? mc : ic;
			const ax = (c[2 * k] - px) * kx;
			const ay = (c[2 * k + 1] - py) * ky;
			const dx = (c[2 * k + 2] - px) * kx - ax;
			const dy = (c[2 * k + 3] - py) * ky - ay;
			const len2 = dx * dx + dy * dy;
			let u = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
			if (u < 0) u = 0;
			else if (u > 1) u = 1;
			const qx = ax + u * dx;
			const qy = ay + u * dy;
			const d2 = qx * qx + qy * qy;
			if (d2 < best || (d2 === best && sg < bestSeg)) {
				best = d2;
				bestSeg = sg;
				bestU = u;
			}
		}
	};
	for (let oi = 0; oi < count; oi++) {
		const i = order[oi];
		if (!usable(i)) {
			unsnapped.push(i);
			continue;
		}
		const px = lon[i];
		const py = lat[i];
		const { kx, ky } = metresPerDegree(py);
		best = Infinity;
		bestSeg = -1;
		bestU = 0;
		const ownI = Math.floor((px - lon0) / cellLon);
		const ownJ = Math.floor((py - lat0) / cellLat);
		if (ownI >= 0 && ownI < nx && ownJ >= 0 && ownJ < ny) scanCell(ownJ * nx + ownI, px, py, kx, ky);
		// then the cells within one cell of the point, then twice as far, … up to maxSnapM; a cell
		// farther from the point than the best so far cannot hold anything nearer
		let r = Math.min(maxSnapM, Math.min(cellLon * kx, cellLat * ky));
		for (;;) {
			const i0 = Math.max(0, Math.floor((px - r / kx - lon0) / cellLon));
			const i1 = Math.min(nx - 1, Math.floor((px + r / kx - lon0) / cellLon));
			const j0 = Math.max(0, Math.floor((py - r / ky - lat0) / cellLat));
			const j1 = Math.min(ny - 1, Math.floor((py + r / ky - lat0) / cellLat));
			for (let cj = j0; cj <= j1; cj++) {
				const cy0 = lat0 + cj * cellLat;
				const gy = (py < cy0 ? cy0 - py : py > cy0 + cellLat ? py - cy0 - cellLat : 0) * ky;
				for (let ci = i0; ci <= i1; ci++) {
					if (ci === ownI && cj === ownJ) continue;
					const cx0 = lon0 + ci * cellLon;
					const gx = (px < cx0 ? cx0 - px : px > cx0 + cellLon ? px - cx0 - cellLon : 0) * kx;
					if (gx * gx + gy * gy > best) continue;
					scanCell(cj * nx + ci, px, py, kx, ky);
				}
			}
			// every segment within r of the point lies in a scanned cell: the best within r is final
			if (best <= r * r || r >= maxSnapM) break;
			r = Math.min(maxSnapM, 2 * r);
		}
		if (bestSeg < 0 || best > maxSnapM * maxSnapM) {
			unsnapped.push(i);
			continue;
		}
		if (bestSeg >= mainSegs) {
			unsnapped.push(i);
			islands.push(i);
			continue;
		}
		const e = segEdge[bestSeg];
		edge[i] = e;
		offsetM[i] = Math.sqrt(best);
		t[i] = fractionAlong(g, e, segStart[bestSeg], bestU, kx, ky);
	}
	unsnapped.sort((a, b) => a - b);
	islands.sort((a, b) => a - b);
	return { edge, t, offsetM, unsnapped, islands };
}

/**
 * Fraction of edge e's length at parameter u of its segment starting at coordinate pair k, measured in
 * the point's local frame (kx, ky metres per degree): over an edge's few dozen metres the same
 * proportion as along the sphere to a millionth.
 */
function fractionAlong(g: WalkGraph, e: number, k: number, u: number, kx: number, ky: number): number {
	const c = g.edgeCoords;
	let before = 0;
	let total = 0;
	for (let j = g.edgeCoordOffsets[e]; j < g.edgeCoordOffsets[e + 1] - 1; j++) {
		const d = Math.hypot((c[2 * j + 2] - c[2 * j]) * kx, (c[2 * j + 3] - c[2 * j + 1]) * ky);
		if (j < k) before += d;
		else if (j === k) before += u * d;
		total += d;
	}
	return total > 0 ? Math.min(1, Math.max(0, before / total)) : 0;
}

/** The point at fraction t along edge e (interpolated along its polyline). */
export function pointOnEdge(g: WalkGraph, e: number, t: number): [number, number] {
	const c = g.edgeCoords;
	const k0 = g.edgeCoordOffsets[e];
	const k1 = g.edgeCoordOffsets[e + 1] - 1;
	let total = 0;
	for (let j = k0; j < k1; j++) total += segmentM(c[2 * j], c[2 * j + 1], c[2 * j + 2], c[2 * j + 3]);
	let want = t * total;
	for (let j = k0; j < k1; j++) {
		const d = segmentM(c[2 * j], c[2 * j + 1], c[2 * j + 2], c[2 * j + 3]);
		if (want <= d || j === k1 - 1) {
			const u = d > 0 ? Math.min(1, want / d) : 0;
			return [c[2 * j] + u * (c[2 * j + 2] - c[2 * j]), c[2 * j + 1] + u * (c[2 * j + 3] - c[2 * j + 1])];
		}
		want -= d;
	}
	return [c[2 * k0], c[2 * k0 + 1]];
}

/** A snap result for one or more points already known to lie on edges (e.g. at nodes). */
export function snapAt(edges: number[], ts: number[], offsets?: number[]): SnapResult {
	return {
		edge: Int32Array.from(edges),
		t: Float64Array.from(ts),
		offsetM: Float64Array.from(offsets ?? edges.map(() => 0)),
		unsnapped: []
	};
}

/** A snap result placing a point exactly on a node (on its first incident edge). */
export function snapAtNode(g: WalkGraph, node: number): SnapResult {
	const e = g.adjEdge[g.offsets[node]];
	return snapAt([e], [g.edgeFrom[e] === node ? 0 : 1]);
}

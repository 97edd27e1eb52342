// Walking isochrones: the area within N minutes' walk of a point (or of several), as polygons made by
// buffering the reached network — every edge walked up to the remaining budget, partial edges
// included — never by a hull of reached nodes, which would cover blocks the network never enters.
//
// Method: one bounded Dijkstra (geo/network/graph) for the largest budget. Then, budget by budget
// (smallest first), the newly reached pieces of edges are added to a field of squared distances to the
// nearest reached piece, sampled on a grid in a local metric frame around the origin; the line where
// that distance equals the buffer radius is traced by marching squares (linear interpolation, saddles
// resolved by the centre value), which gives closed rings — holes wherever the network does not come
// within the buffer distance. Rings come out oriented (exterior counter-clockwise, holes clockwise),
// each hole is given to the smallest exterior holding it, and all are converted back to
// longitude/latitude. d3-contour traces the same way but allocates per cell (≈ 0.4 ms per contour here
// against ≈ 0.2 ms), which mattered for 1,500 isochrones in under 2 s. The raster is at most
// DEFAULT_MAX_GRID_CELLS samples across (≈ 18 m for 15 minutes at 65 m/min), 10 m at the finest.
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import {
	metresPerDegree,
	networkNearestDistances,
	pointOnEdge,
	searchSpace,
	snapPoints,
	type SearchSpace,
	type SnapResult,
	type WalkGraph
} from '../network/graph';

export type IsochroneErrorCode = 'outside_network' | 'bad_speed' | 'too_many_minutes' | 'bad_minutes' | 'bad_point' | 'no_network';

/** A request the isochrone cannot answer; `message` is Chinese / English. */
export class IsochroneError extends Error {
	constructor(
		readonly code: IsochroneErrorCode,
		message: string
	) {
		super(message);
		this.name = 'IsochroneError';
	}
}

/** Walking speeds (m/min): the one default and the slow profile, with their source, in geo/network/speed.ts. */
import { SLOW_WALK_SPEED_M_PER_MIN, WALK_SPEED_M_PER_MIN } from '../network/speed';
export { SLOW_WALK_SPEED_M_PER_MIN as SLOW_SPEED_M_PER_MIN, WALK_SPEED_M_PER_MIN as DEFAULT_SPEED_M_PER_MIN };
export const DEFAULT_MAX_MINUTES = 60;
/** How far a point may lie from the nearest walkable edge and still start a walk (m). */
export const DEFAULT_MAX_SNAP_M = 500;
/** Buffer around the reached network (m): the strip on either side of a walked edge counted as reached. */
export const DEFAULT_BUFFER_M = 50;
/** Finest raster cell (m); coarser when the area is large (see maxGridCells). */
export const DEFAULT_CELL_M = 10;
/** Most cells along the longer side of the raster. */
export const DEFAULT_MAX_GRID_CELLS = 128;
const MAX_BUDGETS = 12;

export interface IsochroneOptions {
	minutes: number[];
	speedMPerMin?: number;
	maxSnapM?: number;
	maxMinutes?: number;
	bufferM?: number;
	cellM?: number;
	maxGridCells?: number;
}

export interface IsochroneProperties {
	minutes: number;
	speed_m_per_min: number;
	/** Walking budget: minutes × speed (m). */
	distance_m: number;
	/** Area of the isochrone polygon (m²). */
	area_m2: number;
	/** Area of the straight-line circle of radius distance_m (around every origin: their union). */
	circle_area_m2: number;
	/** Share of that circle inside the isochrone: how much of the circle is really walkable (0…1). */
	walkable_ratio: number;
}

export type IsochroneFeature = Feature<Polygon | MultiPolygon, IsochroneProperties>;

export interface IsochroneCollection extends FeatureCollection<Polygon | MultiPolygon, IsochroneProperties> {
	/** Where the walk starts: the points asked for, their projections on the network and the walk to them. */
	origins: { lon: number; lat: number; snapped: [number, number]; snap_offset_m: number }[];
	buffer_m: number;
	cell_m: number;
}

const num = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Degrees to 7 decimals (about a centimetre). */
const deg7 = (x: number) => Math.round(x * 1e7) / 1e7;

interface CheckedOptions {
	budgets: { minutes: number; distance: number }[];
	speed: number;
	maxSnapM: number;
	bufferM: number;
	cellM: number;
	maxGridCells: number;
}

/** Validates the options (throws IsochroneError), before anything touches the graph. */
export function checkIsochroneOptions(opts: IsochroneOptions): CheckedOptions {
	const speed = opts.speedMPerMin ?? WALK_SPEED_M_PER_MIN;
	if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
		throw new IsochroneError(
			'bad_speed',
			`步行速度必须是正数（米/分钟），收到 ${speed} / walking speed must be a positive number of metres per minute, got ${speed}`
		);
	}
	if (speed > 1000) {
		throw new IsochroneError('bad_speed', `步行速度 ${speed} 米/分钟不合理（上限 1000）/ walking speed ${speed} m/min is not a walking speed (at most 1000)`);
	}
	const maxMinutes = opts.maxMinutes ?? DEFAULT_MAX_MINUTES;
	const list = opts.minutes ?? [];
	if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BUDGETS || list.some((m) => typeof m !== 'number' || !Number.isFinite(m) || m <= 0)) {
		throw new IsochroneError('bad_minutes', `分钟数须为 1–${MAX_BUDGETS} 个正数，如 5,10,15 / minutes must be 1–${MAX_BUDGETS} positive numbers, e.g. 5,10,15`);
	}
	const over = list.filter((m) => m > maxMinutes);
	if (over.length) {
		throw new IsochroneError(
			'too_many_minutes',
			`分钟数 ${over.join(', ')} 超过上限 ${maxMinutes} 分钟 / ${over.join(', ')} minutes exceed the maximum of ${maxMinutes}`
		);
	}
	const bufferM = opts.bufferM ?? DEFAULT_BUFFER_M;
	const cellM = opts.cellM ?? DEFAULT_CELL_M;
	const maxGridCells = opts.maxGridCells ?? DEFAULT_MAX_GRID_CELLS;
	if (!(bufferM > 0) || !(cellM > 0) || !(maxGridCells >= 16)) throw new Error('isochrones: bufferM and cellM must be > 0, maxGridCells ≥ 16');
	const minutes = [...new Set(list)].sort((a, b) => a - b);
	return {
		budgets: minutes.map((m) => ({ minutes: m, distance: m * speed })),
		speed,
		maxSnapM: opts.maxSnapM ?? DEFAULT_MAX_SNAP_M,
		bufferM,
		cellM,
		maxGridCells
	};
}

function requireNetwork(g: WalkGraph | null | undefined): asserts g is WalkGraph {
	if (!g || g.edgeCount === 0) {
		throw new IsochroneError(
			'no_network',
			'步行路网尚未建立：请先导入道路（--layer roads）/ the walking network is not built yet: import roads first (--layer roads)'
		);
	}
}

/** Walking isochrones around one point (WGS-84), one feature per number of minutes, smallest first. */
export function isochrones(g: WalkGraph | null | undefined, lon: number, lat: number, opts: IsochroneOptions): IsochroneCollection {
	if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
		throw new IsochroneError(
			'bad_point',
			`需要有效的 WGS-84 经纬度，收到 lon ${lon}, lat ${lat} / a valid WGS-84 longitude and latitude is required, got lon ${lon}, lat ${lat}`
		);
	}
	return isochroneFromPoints(g, [lon], [lat], opts);
}

/** Isochrones of several points walked from together (a community's entrances, a facility's doors). */
export function isochroneFromPoints(g: WalkGraph | null | undefined, lons: number[], lats: number[], opts: IsochroneOptions): IsochroneCollection {
	const o = checkIsochroneOptions(opts);
	requireNetwork(g);
	const snap = snapPoints(g, lons, lats, o.maxSnapM);
	if (snap.unsnapped.length) {
		const i = snap.unsnapped[0];
		if (snap.islands?.includes(i)) {
			throw new IsochroneError(
				'outside_network',
				`点 (${lons[i]}, ${lats[i]}) 最近的步行道路不与主路网相连（如无桥的岛、封闭区域），无法步行到达 / the walkable road nearest to point (${lons[i]}, ${lats[i]}) is not connected to the main network (an island without a bridge, a closed area): it cannot be walked from`
			);
		}
		throw new IsochroneError(
			'outside_network',
			`点 (${lons[i]}, ${lats[i]}) 距最近的步行道路超过 ${o.maxSnapM} 米，不在路网范围内 / point (${lons[i]}, ${lats[i]}) is more than ${o.maxSnapM} m from any walkable road: outside the network`
		);
	}
	return isochroneFromSources(g, snap, opts, { lon: lons, lat: lats });
}

/**
 * Isochrones from already snapped sources (all walked from at once). `points` are the sources'
 * own positions, for the straight-line circles; without them the circles are centred on the
 * projections.
 */
export function isochroneFromSources(
	g: WalkGraph | null | undefined,
	sources: SnapResult,
	opts: IsochroneOptions,
	points?: { lon: ArrayLike<number>; lat: ArrayLike<number> }
): IsochroneCollection {
	const o = checkIsochroneOptions(opts);
	requireNetwork(g);
	const srcIdx: number[] = [];
	for (let i = 0; i < sources.edge.length; i++) if (sources.edge[i] >= 0) srcIdx.push(i);
	if (srcIdx.length === 0) throw new IsochroneError('outside_network', '没有可连接到路网的起点 / no starting point attaches to the network');
	const origins = srcIdx.map((i) => {
		const snapped = pointOnEdge(g, sources.edge[i], sources.t[i]);
		return {
			lon: points ? points.lon[i] : snapped[0],
			lat: points ? points.lat[i] : snapped[1],
			snapped: [num(snapped[0], 7), num(snapped[1], 7)] as [number, number],
			snap_offset_m: num(sources.offsetM[i], 2)
		};
	});
	const maxBudget = o.budgets[o.budgets.length - 1].distance;
	const ws = searchSpace(g);
	ws.seedSnapped(sources, maxBudget);
	ws.run(maxBudget);
	try {
		const reach = collectReach(g, ws, sources, srcIdx, maxBudget);
		// Local frame: centred on the first origin, metres east (x) and north (y).
		const lon0 = origins[0].lon;
		const lat0 = origins[0].lat;
		const { kx, ky } = metresPerDegree(lat0);
		projectReach(g, reach, lon0, lat0, kx, ky);
		const grid = makeGrid(reach, maxBudget, o);
		const field = new Float64Array(grid.w * grid.h).fill(Infinity);
		const circleCentres = origins.map((p) => [(p.lon - lon0) * kx, (p.lat - lat0) * ky]);
		const features: IsochroneFeature[] = [];
		let previous = -1;
		for (const { minutes, distance } of o.budgets) {
			addReached(reach, grid, field, previous, distance);
			previous = distance;
			const { geometry, areaM2 } = traceField(field, grid, lon0, lat0, kx, ky);
			const circleArea = circlesArea(circleCentres, distance);
			const inside = cellsInsideCircles(field, grid, circleCentres, distance) * grid.cell * grid.cell;
			features.push({
				type: 'Feature',
				properties: {
					minutes,
					speed_m_per_min: o.speed,
					distance_m: num(distance, 2),
					area_m2: Math.round(areaM2),
					circle_area_m2: Math.round(circleArea),
					walkable_ratio: circleArea > 0 ? num(Math.min(1, inside / circleArea), 4) : 0
				},
				geometry
			});
		}
		return { type: 'FeatureCollection', features, origins, buffer_m: o.bufferM, cell_m: num(grid.cell, 3) };
	} finally {
		ws.clear();
	}
}

// ---------------------------------------------------------------------------------------------
// Reached edges

interface Reach {
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

function collectReach(g: WalkGraph, ws: SearchSpace, sources: SnapResult, srcIdx: number[], maxBudget: number): Reach {
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

function projectReach(g: WalkGraph, r: Reach, lon0: number, lat0: number, kx: number, ky: number): void {
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
function intervals(r: Reach, k: number, B: number, out: number[]): number {
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
function subtract(cur: number[], n: number, prev: number[], p: number, out: number[]): number {
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

// ---------------------------------------------------------------------------------------------
// Raster

interface Grid {
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

function makeGrid(r: Reach, maxBudget: number, o: CheckedOptions): Grid {
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
function addReached(r: Reach, grid: Grid, field: Float64Array, previous: number, B: number): void {
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

// ---------------------------------------------------------------------------------------------
// Marching squares

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
function traceField(field: Float64Array, grid: Grid, lon0: number, lat0: number, kx: number, ky: number): { geometry: Polygon | MultiPolygon; areaM2: number } {
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
function circlesArea(centres: number[][], D: number): number {
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
function cellsInsideCircles(field: Float64Array, grid: Grid, centres: number[][], D: number): number {
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

// ---------------------------------------------------------------------------------------------
// Facility catchments

export interface CatchmentOptions extends Omit<IsochroneOptions, 'minutes'> {
	minutes: number;
}

export interface Catchment {
	/** The isochrone of the facility for `minutes`. */
	feature: IsochroneFeature;
	/** Indices of the targets (e.g. buildings) within `minutes` of the facility, nearest first. */
	targets: number[];
	/** Walking distance (m) of each listed target, in the same order. */
	distancesM: number[];
}

/**
 * What one facility serves within N minutes' walk: its isochrone (area) and which of the snapped
 * targets (buildings) it reaches — by network distance, not by the polygon.
 */
export function facilityCatchment(g: WalkGraph | null | undefined, lon: number, lat: number, targets: SnapResult, opts: CatchmentOptions): Catchment {
	const fc = isochrones(g, lon, lat, { ...opts, minutes: [opts.minutes] });
	const o = checkIsochroneOptions({ ...opts, minutes: [opts.minutes] });
	const source = snapPoints(g!, [lon], [lat], o.maxSnapM);
	const d = networkNearestDistances(g!, source, targets, o.budgets[0].distance);
	const within: number[] = [];
	for (let i = 0; i < d.length; i++) if (d[i] < Infinity) within.push(i);
	within.sort((a, b) => d[a] - d[b] || a - b);
	return { feature: fc.features[0], targets: within, distancesM: within.map((i) => d[i]) };
}

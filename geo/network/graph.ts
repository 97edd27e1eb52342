// The walking network in memory: a compact undirected graph (CSR adjacency in typed arrays) of the
// largest connected component, points snapped onto its edges, and multi-source shortest paths.
//
//  - Nodes and edges come from buildWalkNetwork (lines cut at shared vertices), or from any edge list
//    (the walk_edges table, a synthetic lattice) through graphFromEdgeList.
//  - Edge lengths are metres on the WGS-84 ellipsoid (geo/measure, as buildWalkNetwork and walk_edges
//    store them);
//    positions along an edge are fractions t of that length, measured along its polyline.
//  - Nodes are numbered along a Hilbert curve (edges by their first node), so nodes near each other
//    on the ground are near each other in memory: a search over millions of nodes touches memory
//    far less randomly (measured 1.2–3× faster on a 4M-edge graph).
//  - Snapping: a uniform grid over the edges' segments (points processed cell by cell), exact
//    point–segment distances in a cheap-ruler frame at the point's latitude. A Flatbush R-tree was
//    tried first: ≈ 6 µs per point on 4M segments against ≈ 0.5 µs for the grid.
//  - Shortest paths: Dijkstra, many sources at once, bounded by a distance. Bounded searches use
//    buckets of distance (delta-stepping: each bucket's nodes in memory order, relaxed until none
//    improves — still exact), unbounded ones a binary heap in typed arrays. The per-graph work
//    arrays are kept and reset sparsely, so a small search costs only what it touches, even on a
//    graph of millions of edges.
import { distanceM, rulerOfStep, RULER_STEPS_PER_DEGREE } from '../measure';
import { buildWalkNetwork, type NetworkRoad } from './index';

export interface WalkGraph {
	/** CSR, undirected: each edge is stored in the adjacency of both its ends. */
	nodeCount: number;
	/** Undirected edges. */
	edgeCount: number;
	nodeLon: Float64Array;
	nodeLat: Float64Array;
	/** Adjacency of node n: adjNode/adjEdge[offsets[n] .. offsets[n + 1]). */
	offsets: Uint32Array;
	adjNode: Uint32Array;
	adjEdge: Uint32Array;
	/**
	 * edgeLength[adjEdge[a]] stored in the adjacency itself, in single precision: one memory access
	 * less per arc and half the bytes (searches over millions of nodes ≈ 13 % faster); the rounding
	 * is below 0.1 mm per kilometre walked.
	 */
	adjLength: Float32Array;
	edgeFrom: Uint32Array;
	edgeTo: Uint32Array;
	/** Metres. */
	edgeLength: Float64Array;
	/** Polyline of edge e, from edgeFrom[e] to edgeTo[e]: coordinate pairs k in [edgeCoordOffsets[e], edgeCoordOffsets[e + 1]), at edgeCoords[2k], edgeCoords[2k + 1]. */
	edgeCoordOffsets: Uint32Array;
	edgeCoords: Float64Array;
	/** Nodes and edges left out: not in the largest connected component. */
	dropped: { nodes: number; edges: number };
	/**
	 * Polylines (same layout as edgeCoordOffsets / edgeCoords) of the dropped components with at least
	 * ISLAND_MIN_LENGTH_M of walkway — separate networks, such as an island with no bridge or a gated
	 * estate. Points are snapped against them too, so a building there attaches to its own network
	 * (unreachable, reported) rather than across the water to the main one. Shorter dropped pieces
	 * (a sidewalk or a crossing mapped without its junctions) are mapping gaps, not places: points near
	 * them attach to the main network.
	 */
	islandCoordOffsets?: Uint32Array;
	islandCoords?: Float64Array;
	/** Roads skipped for broken geometry (non-finite or out-of-range coordinates, fewer than two points). */
	skippedRoads?: number;
	/** The ids the nodes / edges had in their source (walk_nodes.id / walk_edges.id), when loaded from a table. */
	nodeSourceId?: Float64Array;
	edgeSourceId?: Float64Array;
}

/** Total walkway length (m) from which a dropped component counts as a separate network (see islandCoords). */
export const ISLAND_MIN_LENGTH_M = 1000;

/** A graph before the largest component is taken: the same arrays, any connectivity. */
export interface EdgeList {
	nodeLon: Float64Array;
	nodeLat: Float64Array;
	edgeFrom: Uint32Array;
	edgeTo: Uint32Array;
	edgeLength: Float64Array;
	/** edgeCount + 1 entries, in coordinate pairs. */
	edgeCoordOffsets: Uint32Array;
	edgeCoords: Float64Array;
	nodeSourceId?: Float64Array;
	edgeSourceId?: Float64Array;
}

export interface SnapResult {
	/** The edge each point attaches to, -1 when unsnapped. */
	edge: Int32Array;
	/** Position of the projection along the edge, 0 (edgeFrom) … 1 (edgeTo). */
	t: Float64Array;
	/** Walking distance from the point to its projection on the edge (metres); Infinity when unsnapped. */
	offsetM: Float64Array;
	/** Indices of the points not attached: farther than maxSnapM from every edge, not finite, or on an island. */
	unsnapped: number[];
	/** Those of `unsnapped` whose nearest edge belongs to a dropped component (unreachable from the network). */
	islands?: number[];
}

// ---------------------------------------------------------------------------------------------
// Building

/** Metres between two lon/lat points on the WGS-84 ellipsoid (geo/measure's distance, as edge lengths are measured). */
export const segmentM = distanceM;

/** The walkable roads as a graph: cut at shared vertices (buildWalkNetwork), largest component only. */
export function buildWalkGraph(roads: NetworkRoad[]): WalkGraph {
	const net = buildWalkNetwork(roads);
	const index = new Map<string, number>();
	const nodeLon = new Float64Array(net.nodes.length);
	const nodeLat = new Float64Array(net.nodes.length);
	net.nodes.forEach((n, i) => {
		index.set(n.key, i);
		nodeLon[i] = n.lon;
		nodeLat[i] = n.lat;
	});
	const m = net.edges.length;
	const edgeFrom = new Uint32Array(m);
	const edgeTo = new Uint32Array(m);
	const edgeLength = new Float64Array(m);
	const edgeCoordOffsets = new Uint32Array(m + 1);
	let total = 0;
	net.edges.forEach((e, i) => {
		edgeCoordOffsets[i] = total;
		total += e.coordinates.length;
	});
	edgeCoordOffsets[m] = total;
	const edgeCoords = new Float64Array(total * 2);
	net.edges.forEach((e, i) => {
		edgeFrom[i] = index.get(e.from)!;
		edgeTo[i] = index.get(e.to)!;
		edgeLength[i] = e.lengthM;
		let k = edgeCoordOffsets[i] * 2;
		for (const p of e.coordinates) {
			edgeCoords[k++] = p[0];
			edgeCoords[k++] = p[1];
		}
	});
	const g = graphFromEdgeList({ nodeLon, nodeLat, edgeFrom, edgeTo, edgeLength, edgeCoordOffsets, edgeCoords });
	g.skippedRoads = net.skipped;
	return g;
}

/** Keeps the largest connected component (by nodes) of an edge list and lays it out as CSR. */
export function graphFromEdgeList(list: EdgeList): WalkGraph {
	const n0 = list.nodeLon.length;
	const m0 = list.edgeFrom.length;
	// Union–find by size with path halving.
	const parent = new Uint32Array(n0);
	const size = new Uint32Array(n0).fill(1);
	for (let i = 0; i < n0; i++) parent[i] = i;
	const find = (x: number) => {
		while (parent[x] !== x) {
			parent[x] = parent[parent[x]];
			x = parent[x];
		}
		return x;
	};
	for (let e = 0; e < m0; e++) {
		let a = find(list.edgeFrom[e]);
		let b = find(list.edgeTo[e]);
		if (a === b) continue;
		if (size[a] < size[b]) [a, b] = [b, a];
		parent[b] = a;
		size[a] += size[b];
	}
	let best = -1;
	for (let i = 0; i < n0; i++) if (parent[i] === i && (best < 0 || size[i] > size[best])) best = i;
	// Kept nodes, numbered along a Hilbert curve over their bounding box.
	const kept: number[] = [];
	for (let i = 0; i < n0; i++) if (best >= 0 && find(i) === best) kept.push(i);
	const n = kept.length;
	let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity; // prettier-ignore
	for (const i of kept) {
		const x = list.nodeLon[i];
		const y = list.nodeLat[i];
		if (x < bx0) bx0 = x;
		if (x > bx1) bx1 = x;
		if (y < by0) by0 = y;
		if (y > by1) by1 = y;
	}
	const sx = bx1 > bx0 ? 65535 / (bx1 - bx0) : 0;
	const sy = by1 > by0 ? 65535 / (by1 - by0) : 0;
	const hkeys = new Uint32Array(n);
	for (let j = 0; j < n; j++) hkeys[j] = hilbert16(Math.floor((list.nodeLon[kept[j]] - bx0) * sx), Math.floor((list.nodeLat[kept[j]] - by0) * sy));
	const byCurve = radixOrder(hkeys);
	const newId = new Int32Array(n0).fill(-1);
	for (let j = 0; j < n; j++) newId[kept[byCurve[j]]] = j;

	// Kept edges, ordered by their first node (counting sort, stable).
	const firstCount = new Uint32Array(n + 1);
	let m = 0;
	let coordTotal = 0;
	for (let e = 0; e < m0; e++) {
		const a = newId[list.edgeFrom[e]];
		if (a < 0) continue;
		firstCount[a + 1]++;
		m++;
		coordTotal += list.edgeCoordOffsets[e + 1] - list.edgeCoordOffsets[e];
	}
	for (let i = 0; i < n; i++) firstCount[i + 1] += firstCount[i];
	const edgeOrder = new Uint32Array(m);
	for (let e = 0; e < m0; e++) {
		const a = newId[list.edgeFrom[e]];
		if (a >= 0) edgeOrder[firstCount[a]++] = e;
	}

	const nodeLon = new Float64Array(n);
	const nodeLat = new Float64Array(n);
	const nodeSourceId = list.nodeSourceId ? new Float64Array(n) : undefined;
	for (let i = 0; i < n0; i++) {
		const j = newId[i];
		if (j < 0) continue;
		nodeLon[j] = list.nodeLon[i];
		nodeLat[j] = list.nodeLat[i];
		if (nodeSourceId) nodeSourceId[j] = list.nodeSourceId![i];
	}
	const edgeFrom = new Uint32Array(m);
	const edgeTo = new Uint32Array(m);
	const edgeLength = new Float64Array(m);
	const edgeCoordOffsets = new Uint32Array(m + 1);
	const edgeCoords = new Float64Array(coordTotal * 2);
	const edgeSourceId = list.edgeSourceId ? new Float64Array(m) : undefined;
	let k = 0;
	for (let j = 0; j < m; j++) {
		const e = edgeOrder[j];
		edgeFrom[j] = newId[list.edgeFrom[e]];
		edgeTo[j] = newId[list.edgeTo[e]];
		edgeLength[j] = list.edgeLength[e];
		if (edgeSourceId) edgeSourceId[j] = list.edgeSourceId![e];
		edgeCoordOffsets[j] = k;
		const a = list.edgeCoordOffsets[e] * 2;
		const b = list.edgeCoordOffsets[e + 1] * 2;
		edgeCoords.set(list.edgeCoords.subarray(a, b), k * 2);
		k += (b - a) / 2;
	}
	edgeCoordOffsets[m] = k;
	// The polylines of the dropped components long enough to be separate networks, for snapping.
	const compLength = new Float64Array(n0);
	for (let e = 0; e < m0; e++) if (newId[list.edgeFrom[e]] < 0) compLength[find(list.edgeFrom[e])] += list.edgeLength[e];
	const isIsland = (e: number) => newId[list.edgeFrom[e]] < 0 && compLength[find(list.edgeFrom[e])] >= ISLAND_MIN_LENGTH_M;
	let islandEdges = 0;
	let islandCoordTotal = 0;
	for (let e = 0; e < m0; e++) {
		if (!isIsland(e)) continue;
		islandEdges++;
		islandCoordTotal += list.edgeCoordOffsets[e + 1] - list.edgeCoordOffsets[e];
	}
	const islandCoordOffsets = new Uint32Array(islandEdges + 1);
	const islandCoords = new Float64Array(islandCoordTotal * 2);
	let ki = 0;
	let ei = 0;
	for (let e = 0; e < m0; e++) {
		if (!isIsland(e)) continue;
		islandCoordOffsets[ei++] = ki;
		const a = list.edgeCoordOffsets[e] * 2;
		const b = list.edgeCoordOffsets[e + 1] * 2;
		islandCoords.set(list.edgeCoords.subarray(a, b), ki * 2);
		ki += (b - a) / 2;
	}
	islandCoordOffsets[ei] = ki;

	// CSR: both directions of every edge.
	const offsets = new Uint32Array(n + 1);
	for (let e = 0; e < m; e++) {
		offsets[edgeFrom[e] + 1]++;
		offsets[edgeTo[e] + 1]++;
	}
	for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
	const fill = offsets.slice(0, n);
	const adjNode = new Uint32Array(2 * m);
	const adjEdge = new Uint32Array(2 * m);
	const adjLength = new Float32Array(2 * m);
	for (let e = 0; e < m; e++) {
		const a = edgeFrom[e];
		const b = edgeTo[e];
		adjNode[fill[a]] = b;
		adjLength[fill[a]] = edgeLength[e];
		adjEdge[fill[a]++] = e;
		adjNode[fill[b]] = a;
		adjLength[fill[b]] = edgeLength[e];
		adjEdge[fill[b]++] = e;
	}
	const g: WalkGraph = {
		nodeCount: n,
		edgeCount: m,
		nodeLon,
		nodeLat,
		offsets,
		adjNode,
		adjEdge,
		adjLength,
		edgeFrom,
		edgeTo,
		edgeLength,
		edgeCoordOffsets,
		edgeCoords,
		dropped: { nodes: n0 - n, edges: m0 - m }
	};
	if (islandEdges > 0) {
		g.islandCoordOffsets = islandCoordOffsets;
		g.islandCoords = islandCoords;
	}
	if (nodeSourceId) g.nodeSourceId = nodeSourceId;
	if (edgeSourceId) g.edgeSourceId = edgeSourceId;
	return g;
}

/** Position of (x, y) (0…65535 each) along a Hilbert curve of order 16. */
export function hilbert16(x: number, y: number): number {
	let a = x ^ y;
	let b = 0xffff ^ a;
	let c = 0xffff ^ (x | y);
	let d = x & (y ^ 0xffff);
	let A = a | (b >>> 1);
	let B = (a >>> 1) ^ a;
	let C = (c >>> 1) ^ (b & (d >>> 1)) ^ c;
	let D = (a & (c >>> 1)) ^ (d >>> 1) ^ d;
	a = A;
	b = B;
	c = C;
	d = D; // prettier-ignore
	A = (a & (a >>> 2)) ^ (b & (b >>> 2));
	B = (a & (b >>> 2)) ^ (b & ((a ^ b) >>> 2));
	C ^= (a & (c >>> 2)) ^ (b & (d >>> 2));
	D ^= (b & (c >>> 2)) ^ ((a ^ b) & (d >>> 2));
	a = A;
	b = B;
	c = C;
	d = D; // prettier-ignore
	A = (a & (a >>> 4)) ^ (b & (b >>> 4));
	B = (a & (b >>> 4)) ^ (b & ((a ^ b) >>> 4));
	C ^= (a & (c >>> 4)) ^ (b & (d >>> 4));
	D ^= (b & (c >>> 4)) ^ ((a ^ b) & (d >>> 4));
	a = A;
	b = B;
	c = C;
	d = D; // prettier-ignore
	C ^= (a & (c >>> 8)) ^ (b & (d >>> 8));
	D ^= (b & (c >>> 8)) ^ ((a ^ b) & (d >>> 8));
	a = C ^ (C >>> 1);
	b = D ^ (D >>> 1);
	let i0 = x ^ y;
	let i1 = b | (0xffff ^ (i0 | a));
	i0 = (i0 | (i0 << 8)) & 0x00ff00ff;
	i0 = (i0 | (i0 << 4)) & 0x0f0f0f0f;
	i0 = (i0 | (i0 << 2)) & 0x33333333;
	i0 = (i0 | (i0 << 1)) & 0x55555555;
	i1 = (i1 | (i1 << 8)) & 0x00ff00ff;
	i1 = (i1 | (i1 << 4)) & 0x0f0f0f0f;
	i1 = (i1 | (i1 << 2)) & 0x33333333;
	i1 = (i1 | (i1 << 1)) & 0x55555555;
	return ((i1 << 1) | i0) >>> 0;
}

/** The indices of `keys` in ascending key order (stable LSD radix sort, two 16-bit digits). */
export function radixOrder(keys: Uint32Array): Uint32Array {
	const n = keys.length;
	if (n < 4096) {
		const small = new Uint32Array(n);
		for (let i = 0; i < n; i++) small[i] = i;
		return small.sort((a, b) => keys[a] - keys[b] || a - b);
	}
	let order = new Uint32Array(n);
	let next = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	const count = new Uint32Array(65537);
	for (const shift of [0, 16]) {
		count.fill(0);
		for (let i = 0; i < n; i++) count[((keys[i] >>> shift) & 0xffff) + 1]++;
		for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
		for (let i = 0; i < n; i++) {
			const j = order[i];
			next[count[(keys[j] >>> shift) & 0xffff]++] = j;
		}
		[order, next] = [next, order];
	}
	return order;
}

/** Longitude/latitude bounds of the graph's nodes [minLon, minLat, maxLon, maxLat] (null when empty). */
export function graphBounds(g: WalkGraph): [number, number, number, number] | null {
	if (g.edgeCount === 0) return null;
	let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity; // prettier-ignore
	const c = g.edgeCoords;
	for (let i = 0; i < c.length; i += 2) {
		if (c[i] < x0) x0 = c[i];
		if (c[i] > x1) x1 = c[i];
		if (c[i + 1] < y0) y0 = c[i + 1];
		if (c[i + 1] > y1) y1 = c[i + 1];
	}
	return [x0, y0, x1, y1];
}

// ---------------------------------------------------------------------------------------------
// Local metric frames (cheap-ruler's WGS-84 approximation)

const FRAME = new Float64Array(4);

/** Metres per degree of longitude (kx) and latitude (ky) at a latitude: geo/measure's ruler, unrounded. */
export function metresPerDegree(lat: number): { kx: number; ky: number } {
	rulerOfStep(lat * RULER_STEPS_PER_DEGREE, FRAME, 0);
	return { kx: FRAME[0], ky: FRAME[2] };
}

// ---------------------------------------------------------------------------------------------
// Snapping

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

// ---------------------------------------------------------------------------------------------
// Shortest paths

/** Per-graph work arrays, reused by every search and reset only where a search wrote. */
export class SearchSpace {
	readonly dist: Float64Array;
	readonly touched: Uint32Array;
	touchedCount = 0;
	private heapKey: Float64Array;
	private heapNode: Uint32Array;
	private heapSize = 0;
	/** Seeds waiting for run(): node ids (their distances are in dist). */
	private seeds: number[] = [];
	readonly edgeMark: Uint32Array;
	private markStamp = 0;
	/** Bucket width of bounded searches (m): about an edge's length. */
	readonly bucketM: number;
	private buckets: Uint32Array[] = [];
	private bucketSize = new Int32Array(0);
	private round = new Uint32Array(1024);

	constructor(readonly g: WalkGraph) {
		this.dist = new Float64Array(g.nodeCount).fill(Infinity);
		this.touched = new Uint32Array(g.nodeCount);
		this.heapKey = new Float64Array(1024);
		this.heapNode = new Uint32Array(1024);
		this.edgeMark = new Uint32Array(g.edgeCount);
		let total = 0;
		for (let e = 0; e < g.edgeCount; e++) total += g.edgeLength[e];
		this.bucketM = Math.min(200, Math.max(5, g.edgeCount ? total / g.edgeCount : 50));
	}

	/** Forgets the last search (Infinity again wherever it wrote). */
	clear(): void {
		const { dist, touched } = this;
		for (let i = 0; i < this.touchedCount; i++) dist[touched[i]] = Infinity;
		this.touchedCount = 0;
		this.heapSize = 0;
		this.seeds.length = 0;
		this.label = null;
	}

	/** A fresh stamp for edgeMark: an edge is marked in this pass when edgeMark[e] === stamp. */
	nextEdgeStamp(): number {
		if (++this.markStamp === 0xffffffff) {
			this.edgeMark.fill(0);
			this.markStamp = 1;
		}
		return this.markStamp;
	}

	/**
	 * Which seed each node's shortest path starts from (the `source` given to seed()), when asked
	 * for with trackSources() before seeding; null otherwise.
	 */
	label: Int32Array | null = null;
	private labelArray: Int32Array | null = null;

	/** Makes the next search record, per node, which seed its distance comes from. */
	trackSources(): void {
		this.labelArray ??= new Int32Array(this.g.nodeCount);
		this.label = this.labelArray;
	}

	/** Lowers a node's distance (and queues it) when d improves on it. */
	seed(node: number, d: number, source = -1): void {
		if (d < this.dist[node]) {
			if (this.dist[node] === Infinity) this.touched[this.touchedCount++] = node;
			this.dist[node] = d;
			if (this.label) this.label[node] = source;
			this.seeds.push(node);
		}
	}

	/** Seeds both ends of every snapped point's edge (offset + the walk along the edge). */
	seedSnapped(snap: SnapResult, maxM: number): void {
		const { edgeFrom, edgeTo, edgeLength } = this.g;
		for (let i = 0; i < snap.edge.length; i++) {
			const e = snap.edge[i];
			if (e < 0) continue;
			const off = snap.offsetM[i];
			const L = edgeLength[e];
			const a = off + snap.t[i] * L;
			const b = off + (1 - snap.t[i]) * L;
			if (a <= maxM) this.seed(edgeFrom[e], a, i);
			if (b <= maxM) this.seed(edgeTo[e], b, i);
		}
	}

	/**
	 * Settles every node within maxM of the seeds (distances above maxM are never written): exact
	 * shortest paths either way — bucketed for a bounded search, a binary heap otherwise.
	 */
	run(maxM: number): void {
		if (Number.isFinite(maxM) && maxM / this.bucketM < 100_000) this.runBuckets(maxM);
		else this.runHeap(maxM);
	}

	/** Dijkstra with a binary heap (typed arrays, lazy deletion: a popped entry above its node's distance is stale). */
	runHeap(maxM: number): void {
		const { offsets, adjNode, adjLength } = this.g;
		const dist = this.dist;
		const label = this.label;
		const touched = this.touched;
		for (const s of this.seeds) this.push(dist[s], s);
		this.seeds.length = 0;
		let keys = this.heapKey;
		let nodes = this.heapNode;
		let size = this.heapSize;
		let tc = this.touchedCount;
		while (size > 0) {
			const k = keys[0];
			const u = nodes[0];
			size--;
			if (size > 0) {
				const lk = keys[size];
				const ln = nodes[size];
				let i = 0;
				for (;;) {
					let child = 2 * i + 1;
					if (child >= size) break;
					if (child + 1 < size && keys[child + 1] < keys[child]) child++;
					if (keys[child] >= lk) break;
					keys[i] = keys[child];
					nodes[i] = nodes[child];
					i = child;
				}
				keys[i] = lk;
				nodes[i] = ln;
			}
			if (k > dist[u]) continue;
			const end = offsets[u + 1];
			if (size + end - offsets[u] > keys.length) {
				this.heapSize = size;
				this.grow(size + end - offsets[u]);
				keys = this.heapKey;
				nodes = this.heapNode;
			}
			for (let a = offsets[u]; a < end; a++) {
				const v = adjNode[a];
				const nd = k + adjLength[a];
				if (nd < dist[v] && nd <= maxM) {
					if (dist[v] === Infinity) touched[tc++] = v;
					dist[v] = nd;
					if (label) label[v] = label[u];
					let i = size++;
					while (i > 0) {
						const p = (i - 1) >> 1;
						if (keys[p] <= nd) break;
						keys[i] = keys[p];
						nodes[i] = nodes[p];
						i = p;
					}
					keys[i] = nd;
					nodes[i] = v;
				}
			}
		}
		this.heapSize = 0;
		this.touchedCount = tc;
	}

	private grow(min: number): void {
		let cap = this.heapKey.length;
		while (cap < min) cap *= 2;
		const k = new Float64Array(cap);
		k.set(this.heapKey.subarray(0, this.heapSize));
		this.heapKey = k;
		const n = new Uint32Array(cap);
		n.set(this.heapNode.subarray(0, this.heapSize));
		this.heapNode = n;
	}

	private push(key: number, node: number): void {
		if (this.heapSize === this.heapKey.length) this.grow(this.heapSize + 1);
		const keys = this.heapKey;
		const nodes = this.heapNode;
		let i = this.heapSize++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (keys[p] <= key) break;
			keys[i] = keys[p];
			nodes[i] = nodes[p];
			i = p;
		}
		keys[i] = key;
		nodes[i] = node;
	}

	/**
	 * Delta-stepping: nodes are queued in buckets of width bucketM by distance; buckets are taken in
	 * order, and a bucket's nodes — in memory order, which on a Hilbert-numbered graph is nearly
	 * spatial order — are relaxed again and again until none of them improves. A node settles once
	 * every smaller bucket is empty, so distances are exact, as with the heap; memory is read in
	 * order instead of at random (≈ 4× faster over millions of nodes from thousands of sources).
	 */
	runBuckets(maxM: number): void {
		const { offsets, adjNode, adjLength } = this.g;
		const dist = this.dist;
		const label = this.label;
		const touched = this.touched;
		const W = this.bucketM;
		const invW = 1 / W;
		const nb = Math.floor(maxM * invW) + 1;
		if (this.bucketSize.length < nb) {
			const size = new Int32Array(nb);
			this.bucketSize = size;
			while (this.buckets.length < nb) this.buckets.push(new Uint32Array(64));
		}
		const buckets = this.buckets;
		const bsize = this.bucketSize;
		bsize.fill(0, 0, nb);
		for (const s of this.seeds) this.enqueue(Math.min(nb - 1, Math.floor(dist[s] * invW)), s);
		this.seeds.length = 0;
		let tc = this.touchedCount;
		for (let b = 0; b < nb; b++) {
			while (bsize[b] > 0) {
				// this round: the bucket's queue, sorted, duplicates skipped
				const n = bsize[b];
				if (this.round.length < n) this.round = new Uint32Array(2 * n);
				const round = this.round.subarray(0, n);
				round.set(buckets[b].subarray(0, n));
				bsize[b] = 0;
				if (n > 1) this.sortRound(round);
				let prev = -1;
				for (let r = 0; r < n; r++) {
					const u = round[r];
					if (u === prev) continue;
					prev = u;
					const k = dist[u];
					if (Math.min(nb - 1, Math.floor(k * invW)) !== b) continue; // queued again lower down since
					for (let a = offsets[u], end = offsets[u + 1]; a < end; a++) {
						const v = adjNode[a];
						const nd = k + adjLength[a];
						if (nd < dist[v] && nd <= maxM) {
							if (dist[v] === Infinity) touched[tc++] = v;
							dist[v] = nd;
							if (label) label[v] = label[u];
							const q = Math.min(nb - 1, Math.floor(nd * invW));
							let list = buckets[q];
							if (bsize[q] === list.length) {
								const bigger = new Uint32Array(list.length * 2);
								bigger.set(list);
								buckets[q] = list = bigger;
							}
							list[bsize[q]++] = v;
						}
					}
				}
			}
		}
		this.touchedCount = tc;
	}

	private scratch = new Uint32Array(0);
	private digitCount = new Uint32Array(2049);

	/** Sorts node ids ascending: native sort for small rounds, LSD radix (11-bit digits) for large ones. */
	private sortRound(round: Uint32Array): void {
		const n = round.length;
		if (n < 4096) {
			round.sort();
			return;
		}
		if (this.scratch.length < n) this.scratch = new Uint32Array(this.round.length);
		let from: Uint32Array = round;
		let to: Uint32Array = this.scratch.subarray(0, n);
		const count = this.digitCount;
		const bits = Math.max(1, Math.ceil(Math.log2(this.g.nodeCount + 1)));
		let passes = 0;
		for (let shift = 0; shift < bits; shift += 11, passes++) {
			count.fill(0);
			for (let i = 0; i < n; i++) count[((from[i] >>> shift) & 2047) + 1]++;
			for (let d = 0; d < 2048; d++) count[d + 1] += count[d];
			for (let i = 0; i < n; i++) {
				const v = from[i];
				to[count[(v >>> shift) & 2047]++] = v;
			}
			[from, to] = [to, from];
		}
		if (passes % 2 === 1) round.set(from);
	}

	private enqueue(b: number, node: number): void {
		let list = this.buckets[b];
		if (this.bucketSize[b] === list.length) {
			const bigger = new Uint32Array(list.length * 2);
			bigger.set(list);
			this.buckets[b] = list = bigger;
		}
		list[this.bucketSize[b]++] = node;
	}
}

const spaces = new WeakMap<WalkGraph, SearchSpace>();

/** The graph's reusable search space (one per graph; searches are synchronous, so never shared mid-search). */
export function searchSpace(g: WalkGraph): SearchSpace {
	let s = spaces.get(g);
	if (!s) spaces.set(g, (s = new SearchSpace(g)));
	s.clear();
	return s;
}

/** Per target set (kept with the snap result): targets by first node, with their walks to both ends. */
interface TargetPlan {
	g: WalkGraph;
	index: Uint32Array;
	edge: Uint32Array;
	a: Uint32Array;
	b: Uint32Array;
	da: Float64Array;
	db: Float64Array;
}
const plans = new WeakMap<SnapResult, TargetPlan>();

function targetPlan(g: WalkGraph, targets: SnapResult): TargetPlan {
	const cached = plans.get(targets);
	if (cached && cached.g === g) return cached;
	const snapped: number[] = [];
	for (let j = 0; j < targets.edge.length; j++) if (targets.edge[j] >= 0) snapped.push(j);
	const keys = new Uint32Array(snapped.length);
	for (let q = 0; q < snapped.length; q++) keys[q] = g.edgeFrom[targets.edge[snapped[q]]];
	const order = radixOrder(keys);
	const n = snapped.length;
	const plan: TargetPlan = {
		g,
		index: new Uint32Array(n),
		edge: new Uint32Array(n),
		a: new Uint32Array(n),
		b: new Uint32Array(n),
		da: new Float64Array(n),
		db: new Float64Array(n)
	};
	for (let q = 0; q < n; q++) {
		const j = snapped[order[q]];
		const e = targets.edge[j];
		const L = g.edgeLength[e];
		plan.index[q] = j;
		plan.edge[q] = e;
		plan.a[q] = g.edgeFrom[e];
		plan.b[q] = g.edgeTo[e];
		plan.da[q] = targets.offsetM[j] + targets.t[j] * L;
		plan.db[q] = targets.offsetM[j] + (1 - targets.t[j]) * L;
	}
	plans.set(targets, plan);
	return plan;
}

/**
 * One multi-source Dijkstra: for every target, the walking distance to its nearest source, snap
 * offsets and partial edges included (a source and a target on the same edge also meet along it,
 * without passing a node). Infinity beyond maxM, or when the target or every source is unsnapped.
 */
export function networkNearestDistances(g: WalkGraph, sources: SnapResult, targets: SnapResult, maxM: number): Float64Array {
	return nearest(g, sources, targets, maxM, false).distanceM;
}

/**
 * The same search, also telling which source is the nearest: source[j] is an index into `sources`
 * (-1 where the distance is Infinity). Ties go to either.
 */
export function networkNearest(g: WalkGraph, sources: SnapResult, targets: SnapResult, maxM: number): { distanceM: Float64Array; source: Int32Array } {
	return nearest(g, sources, targets, maxM, true) as { distanceM: Float64Array; source: Int32Array };
}

function nearest(
	g: WalkGraph,
	sources: SnapResult,
	targets: SnapResult,
	maxM: number,
	withSource: boolean
): { distanceM: Float64Array; source: Int32Array | null } {
	const out = new Float64Array(targets.edge.length).fill(Infinity);
	const from = withSource ? new Int32Array(targets.edge.length).fill(-1) : null;
	if (g.edgeCount === 0) return { distanceM: out, source: from };
	const plan = targetPlan(g, targets);
	const ws = searchSpace(g);
	if (withSource) ws.trackSources();
	ws.seedSnapped(sources, maxM);
	ws.run(maxM);
	// edges holding a source: marked, with their sources listed
	const stamp = ws.nextEdgeStamp();
	const mark = ws.edgeMark;
	const shared = new Map<number, number[]>();
	for (let i = 0; i < sources.edge.length; i++) {
		const e = sources.edge[i];
		if (e < 0) continue;
		mark[e] = stamp;
		const list = shared.get(e);
		if (list) list.push(i);
		else shared.set(e, [i]);
	}
	const dist = ws.dist;
	const label = ws.label;
	const { index, edge, a, b, da, db } = plan;
	for (let q = 0; q < index.length; q++) {
		let d = dist[a[q]] + da[q];
		let via = a[q];
		const viaB = dist[b[q]] + db[q];
		if (viaB < d) {
			d = viaB;
			via = b[q];
		}
		let src = label && d < Infinity ? label[via] : -1;
		const e = edge[q];
		if (mark[e] === stamp) {
			const j = index[q];
			const L = g.edgeLength[e];
			for (const s of shared.get(e)!) {
				const direct = sources.offsetM[s] + Math.abs(targets.t[j] - sources.t[s]) * L + targets.offsetM[j];
				if (direct < d) {
					d = direct;
					src = s;
				}
			}
		}
		if (d <= maxM) {
			out[index[q]] = d;
			if (from) from[index[q]] = src;
		}
	}
	ws.clear();
	return { distanceM: out, source: from };
}

/** Distances (metres) from the sources to every node, Infinity beyond maxM: a fresh array. */
export function nodeDistances(g: WalkGraph, sources: SnapResult, maxM = Infinity): Float64Array {
	if (g.edgeCount === 0) return new Float64Array(g.nodeCount).fill(Infinity);
	const ws = searchSpace(g);
	ws.seedSnapped(sources, maxM);
	ws.run(maxM);
	const out = ws.dist.slice();
	ws.clear();
	return out;
}

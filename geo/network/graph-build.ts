// The walking network graph (see ./graph.ts): building.

import { distanceM } from '../measure';
import { type NetworkRoad, buildWalkNetwork } from './index';
import { type WalkGraph, type EdgeList, ISLAND_MIN_LENGTH_M } from './graph-types';

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

/**
 * Keeps the largest connected component (by nodes) of an edge list and lays it out as CSR; with
 * allComponents every component (a scenario's edited network: a closure that cuts a neighbourhood
 * off leaves it walkable within itself). Nodes are numbered along a Hilbert curve and edges by their
 * first node, unless keepOrder: then both keep the list's order (a scenario's network, whose ways keep
 * the base network's order, so that a point as near to two ways as to their common node attaches to
 * the same one as on the base network — snapping breaks ties by order).
 */
export function graphFromEdgeList(list: EdgeList, opts: { allComponents?: boolean; keepOrder?: boolean } = {}): WalkGraph {
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
	for (let i = 0; i < n0; i++) if (best >= 0 && (opts.allComponents || find(i) === best)) kept.push(i);
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
	const byCurve = opts.keepOrder ? Uint32Array.from(hkeys, (_, j) => j) : radixOrder(hkeys);
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
	let listed = 0;
	for (let e = 0; e < m0; e++) {
		const a = newId[list.edgeFrom[e]];
		if (a >= 0) edgeOrder[opts.keepOrder ? listed++ : firstCount[a]++] = e;
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

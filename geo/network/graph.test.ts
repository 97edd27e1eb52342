import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, LineString } from 'geojson';
import {
	buildWalkGraph,
	graphFromEdgeList,
	metresPerDegree,
	networkNearest,
	networkNearestDistances,
	nodeDistances,
	searchSpace,
	snapAt,
	snapAtNode,
	snapPoints,
	type WalkGraph
} from './graph';
import { seededRandom, syntheticLattice } from './synthetic';
import type { NetworkRoad } from './index';

const dir = path.join(import.meta.dirname, 'test');
const LON0 = 118.78;
const LAT0 = 32.04;
const { kx, ky } = metresPerDegree(LAT0);
/** Local metres (the fixtures' frame) → lon/lat. */
const at = (x: number, y: number): [number, number] => [LON0 + x / kx, LAT0 + y / ky];

function roads(name: string, keep: (id: string) => boolean = () => true): NetworkRoad[] {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection<LineString>;
	return fc.features.filter((f) => keep(String(f.id))).map((f) => ({ sourceId: String(f.id), geometry: f.geometry }));
}

function snapXY(g: WalkGraph, points: [number, number][], maxSnapM = 500) {
	const ll = points.map(([x, y]) => at(x, y));
	return snapPoints(
		g,
		ll.map((p) => p[0]),
		ll.map((p) => p[1]),
		maxSnapM
	);
}

/** Textbook Dijkstra over an adjacency list (O(n²)), the reference for the fast searches. */
function referenceDistances(g: WalkGraph, seeds: [number, number][]): number[] {
	const dist = new Array(g.nodeCount).fill(Infinity);
	const done = new Array(g.nodeCount).fill(false);
	for (const [n, d] of seeds) dist[n] = Math.min(dist[n], d);
	for (;;) {
		let u = -1;
		for (let i = 0; i < g.nodeCount; i++) if (!done[i] && dist[i] < Infinity && (u < 0 || dist[i] < dist[u])) u = i;
		if (u < 0) return dist;
		done[u] = true;
		for (let e = 0; e < g.edgeCount; e++) {
			const [a, b] = [g.edgeFrom[e], g.edgeTo[e]];
			if (a === u && dist[u] + g.edgeLength[e] < dist[b]) dist[b] = dist[u] + g.edgeLength[e];
			if (b === u && dist[u] + g.edgeLength[e] < dist[a]) dist[a] = dist[u] + g.edgeLength[e];
		}
	}
}

describe('buildWalkGraph', () => {
	it('keeps the largest connected component and counts what it drops', () => {
		const g = buildWalkGraph(roads('river.geojson', (id) => id !== 'bridge'));
		// west grid: 9 nodes, 12 edges; dropped: the island (9 nodes, 12 edges) and the fragment (2, 1)
		expect(g.nodeCount).toBe(9);
		expect(g.edgeCount).toBe(12);
		expect(g.dropped).toEqual({ nodes: 11, edges: 13 });
		// only the island (1.2 km of streets) is kept for snapping, not the 80 m fragment
		expect(g.islandCoordOffsets).toHaveLength(13);
		const joined = buildWalkGraph(roads('river.geojson'));
		expect(joined.nodeCount).toBe(18);
		expect(joined.edgeCount).toBe(25);
		expect(joined.dropped).toEqual({ nodes: 2, edges: 1 });
		expect(joined.islandCoordOffsets).toBeUndefined();
	});

	it('lays out an undirected CSR graph with lengths in the adjacency', () => {
		const g = buildWalkGraph(roads('river.geojson'));
		expect(g.offsets[g.nodeCount]).toBe(2 * g.edgeCount);
		for (let u = 0; u < g.nodeCount; u++) {
			for (let a = g.offsets[u]; a < g.offsets[u + 1]; a++) {
				const e = g.adjEdge[a];
				const v = g.adjNode[a];
				expect([g.edgeFrom[e], g.edgeTo[e]].sort()).toEqual([u, v].sort());
				expect(g.adjLength[a]).toBe(Math.fround(g.edgeLength[e]));
			}
		}
		// each edge's polyline runs from its from-node to its to-node
		for (let e = 0; e < g.edgeCount; e++) {
			const k0 = g.edgeCoordOffsets[e];
			const k1 = g.edgeCoordOffsets[e + 1] - 1;
			expect([g.edgeCoords[2 * k0], g.edgeCoords[2 * k0 + 1]]).toEqual([g.nodeLon[g.edgeFrom[e]], g.nodeLat[g.edgeFrom[e]]]);
			expect([g.edgeCoords[2 * k1], g.edgeCoords[2 * k1 + 1]]).toEqual([g.nodeLon[g.edgeTo[e]], g.nodeLat[g.edgeTo[e]]]);
		}
	});

	it('skips and counts roads with broken geometry', () => {
		const good = roads('river.geojson');
		const broken: NetworkRoad[] = [
			{
				sourceId: 'nan',
				geometry: {
					type: 'LineString',
					coordinates: [
						[NaN, 32],
						[118.78, 32.04]
					]
				}
			},
			{ sourceId: 'one-point', geometry: { type: 'LineString', coordinates: [[118.78, 32.04]] } },
			{
				sourceId: 'repeated',
				geometry: {
					type: 'LineString',
					coordinates: [
						[118.78, 32.04],
						[118.78, 32.04]
					]
				}
			},
			{
				sourceId: 'out-of-range',
				geometry: {
					type: 'LineString',
					coordinates: [
						[500000, 3500000],
						[500100, 3500000]
					]
				}
			},
			{ sourceId: 'null', geometry: null as unknown as LineString }
		];
		const g = buildWalkGraph([...good, ...broken]);
		expect(g.skippedRoads).toBe(5);
		expect(g.edgeCount).toBe(25);
	});

	it('numbers nodes along a Hilbert curve and keeps source ids with them', () => {
		const list = syntheticLattice({ side: 30, seed: 3 });
		const nodeSourceId = Float64Array.from(list.nodeLon, (_, i) => 1000 + i);
		const g = graphFromEdgeList({ ...list, nodeSourceId });
		for (let n = 0; n < g.nodeCount; n++) {
			const src = g.nodeSourceId![n] - 1000;
			expect(g.nodeLon[n]).toBe(list.nodeLon[src]);
			expect(g.nodeLat[n]).toBe(list.nodeLat[src]);
		}
		// neighbours in the graph are mostly near in memory
		let near = 0;
		for (let a = 0; a < g.adjNode.length; a++) {
			const u = g.adjNode[a];
			const v = g.adjNode[g.offsets[u]];
			if (Math.abs(u - v) < 64) near++;
		}
		expect(near / g.adjNode.length).toBeGreaterThan(0.6);
	});
});

describe('snapPoints', () => {
	const g = buildWalkGraph(roads('river.geojson'));

	it('projects onto the nearest edge, with the walk to it and the position along it', () => {
		const s = snapXY(g, [
			[50, 30], // 30 m north of the y = 0 street, halfway along its first block
			[130, 100.5], // on the y = 100 street
			[260, 160] // over the river: 60 m from both banks' x = 200 / 320 … nearest is x = 200 (60 m) vs bridge (60 m)
		]);
		expect(s.unsnapped).toEqual([]);
		expect(s.offsetM[0]).toBeCloseTo(30, 1);
		expect(s.offsetM[1]).toBeCloseTo(0.5, 1);
		const e = s.edge[0];
		// the edge is the block (0,0)–(100,0); the projection halfway along it
		const [ax, ay] = [g.nodeLon[g.edgeFrom[e]], g.nodeLat[g.edgeFrom[e]]];
		const startsAtOrigin = Math.abs(ax - LON0) < 1e-9 && Math.abs(ay - LAT0) < 1e-9;
		expect(g.edgeLength[e]).toBeCloseTo(100, 0);
		expect(startsAtOrigin ? s.t[0] : 1 - s.t[0]).toBeCloseTo(0.5, 2);
		expect(s.offsetM[2]).toBeCloseTo(60, 0);
	});

	it('finds the same nearest edge as a brute-force search over every segment', () => {
		const lattice = graphFromEdgeList(syntheticLattice({ side: 40, seed: 12, removeShare: 0.4, bendShare: 0.5 }));
		const rand = seededRandom(13);
		const lon: number[] = [];
		const lat: number[] = [];
		const x0 = Math.min(...lattice.nodeLon) - 0.002;
		const x1 = Math.max(...lattice.nodeLon) + 0.002;
		const y0 = Math.min(...lattice.nodeLat) - 0.002;
		const y1 = Math.max(...lattice.nodeLat) + 0.002;
		for (let i = 0; i < 2000; i++) {
			lon.push(x0 + rand() * (x1 - x0));
			lat.push(y0 + rand() * (y1 - y0));
		}
		for (const maxSnapM of [30, 120]) {
			const s = snapPoints(lattice, lon, lat, maxSnapM);
			for (let i = 0; i < lon.length; i++) {
				const { kx, ky } = metresPerDegree(lat[i]);
				const nearest = (c: Float64Array, offsets: Uint32Array) => {
					let best = Infinity;
					for (let e = 0; e < offsets.length - 1; e++) {
						for (let k = offsets[e]; k < offsets[e + 1] - 1; k++) {
							const ax = (c[2 * k] - lon[i]) * kx, ay = (c[2 * k + 1] - lat[i]) * ky; // prettier-ignore
							const dx = (c[2 * k + 2] - lon[i]) * kx - ax, dy = (c[2 * k + 3] - lat[i]) * ky - ay; // prettier-ignore
							const u = Math.max(0, Math.min(1, dx * dx + dy * dy > 0 ? -(ax * dx + ay * dy) / (dx * dx + dy * dy) : 0));
							best = Math.min(best, Math.hypot(ax + u * dx, ay + u * dy));
						}
					}
					return best;
				};
				const main = nearest(lattice.edgeCoords, lattice.edgeCoordOffsets);
				const island = lattice.islandCoords ? nearest(lattice.islandCoords, lattice.islandCoordOffsets!) : Infinity;
				if (Math.min(main, island) > maxSnapM) expect(s.unsnapped, `point ${i}`).toContain(i);
				else if (island < main) expect(s.islands, `point ${i}`).toContain(i);
				else expect(s.offsetM[i], `point ${i}`).toBeCloseTo(main, 6);
			}
		}
		expect(lattice.islandCoords, 'the lattice has an island to test against').toBeDefined();
	});

	it('leaves points beyond the maximum snap distance unattached, and says which', () => {
		const s = snapXY(
			g,
			[
				[100, 700],
				[100, 150],
				[Number.NaN, 0]
			],
			500
		);
		expect(s.unsnapped).toEqual([0, 2]);
		expect(s.edge[0]).toBe(-1);
		expect(s.offsetM[0]).toBe(Infinity);
		expect(s.edge[1]).toBeGreaterThanOrEqual(0);
		expect(snapXY(g, [[100, 700]], 600).unsnapped).toEqual([]);
	});

	it('attaches a point on an island to the island (unreachable), not across the water', () => {
		const west = buildWalkGraph(roads('river.geojson', (id) => id !== 'bridge'));
		// 10 m from the island's x = 320 street, 110 m from the west bank's x = 200 street
		const s = snapXY(west, [
			[330, 50],
			[150, 50]
		]);
		expect(s.unsnapped).toEqual([0]);
		expect(s.islands).toEqual([0]);
		expect(s.edge[1]).toBeGreaterThanOrEqual(0);
	});

	it('attaches a point next to a short unconnected fragment (a mapping gap) to the main network', () => {
		// 10 m from the fragment, 50 m from the west grid's y = 200 street
		const s = snapXY(g, [[100, 250]]);
		expect(s.unsnapped).toEqual([]);
		expect(s.offsetM[0]).toBeCloseTo(50, 0);
	});
});

describe('network distances', () => {
	it('do not reach a building across a river without a bridge', () => {
		const facility: [number, number] = [0, 0];
		const building: [number, number] = [370, 95]; // in the island's block, 5 m from its y = 100 street
		const west = buildWalkGraph(roads('river.geojson', (id) => id !== 'bridge'));
		const d0 = networkNearestDistances(west, snapXY(west, [facility]), snapXY(west, [building]), 5000);
		expect(d0[0]).toBe(Infinity);
		// with the bridge: 0,0 → 200,0 → 200,100 → bridge → 370,100 → 5 m to the building
		const joined = buildWalkGraph(roads('river.geojson'));
		const d1 = networkNearestDistances(joined, snapXY(joined, [facility]), snapXY(joined, [building]), 5000);
		expect(d1[0]).toBeCloseTo(200 + 100 + 120 + 50 + 5, -1);
		expect(Math.abs(d1[0] - 475)).toBeLessThan(1.5);
	});

	it('do not cross where ways only cross in 2D (a bridge over a street)', () => {
		const g = buildWalkGraph(roads('overpass.geojson'));
		expect(g.dropped).toEqual({ nodes: 0, edges: 0 });
		const onStreet = snapXY(g, [[100, 110]]);
		const onBridge = snapXY(g, [[110, 100]]);
		expect(onStreet.offsetM[0]).toBeLessThan(0.01);
		expect(onBridge.offsetM[0]).toBeLessThan(0.01);
		const d = networkNearestDistances(g, onStreet, onBridge, 5000)[0];
		// up the street, round the loop's corner, along the bridge: 90 + 100 + 100 + 90 (lengths are
		// spherical, the fixture's frame ellipsoidal: a few tenths of a percent apart) — never the 20 m
		// a false junction at (100, 100) would give
		expect(Math.abs(d - 380)).toBeLessThan(1.5);
	});

	it('count partial edges and the walks to and from the network', () => {
		const g = buildWalkGraph(roads('river.geojson'));
		// both on the y = 0 street's first block, 20 m and 70 m along, 10 m and 20 m off it
		const s = snapXY(g, [[20, -10]]);
		const t = snapXY(g, [[70, 20]]);
		expect(Math.abs(networkNearestDistances(g, s, t, 1000)[0] - (10 + 50 + 20))).toBeLessThan(0.5);
		// and across a node: (20,-10) → (100,0) → (100,40) then 15 m east
		const u = snapXY(g, [[115, 40]]);
		expect(Math.abs(networkNearestDistances(g, s, u, 1000)[0] - (10 + 80 + 40 + 15))).toBeLessThan(0.5);
		// beyond maxM: Infinity
		expect(networkNearestDistances(g, s, u, 100)[0]).toBe(Infinity);
	});

	it('take the nearest of many sources, as one search per source would', () => {
		const g = graphFromEdgeList(syntheticLattice({ side: 40, seed: 9, removeShare: 0.25 }));
		const rand = seededRandom(4);
		const bbox = [g.nodeLon.reduce((a, b) => Math.min(a, b)), g.nodeLat.reduce((a, b) => Math.min(a, b))];
		const span = [g.nodeLon.reduce((a, b) => Math.max(a, b)) - bbox[0], g.nodeLat.reduce((a, b) => Math.max(a, b)) - bbox[1]];
		const pts = (n: number) => {
			const lon = Array.from({ length: n }, () => bbox[0] + rand() * span[0]);
			const lat = Array.from({ length: n }, () => bbox[1] + rand() * span[1]);
			return snapPoints(g, lon, lat, 300);
		};
		const sources = pts(25);
		const targets = pts(400);
		for (const maxM of [400, 1500, Infinity]) {
			const together = networkNearestDistances(g, sources, targets, maxM);
			const each = Array.from({ length: 25 }, (_, i) =>
				networkNearestDistances(g, snapAt([sources.edge[i]], [sources.t[i]], [sources.offsetM[i]]), targets, maxM)
			);
			const { distanceM, source } = networkNearest(g, sources, targets, maxM);
			expect(Array.from(distanceM)).toEqual(Array.from(together));
			for (let j = 0; j < 400; j++) {
				const best = Math.min(...each.map((d) => d[j]));
				expect(together[j]).toBeCloseTo(best, 6);
				// the source named is one at that distance
				if (best === Infinity) expect(source[j]).toBe(-1);
				else expect(each[source[j]][j]).toBeCloseTo(best, 6);
			}
		}
	});

	it('bucketed and heap searches both equal a textbook Dijkstra (zero-length, parallel and loop edges too)', () => {
		const list = syntheticLattice({ side: 25, seed: 5, removeShare: 0.2 });
		// a zero-length edge, a parallel edge and a self-loop
		const extra = [
			[0, 1, 0],
			[2, 3, 7],
			[5, 5, 30]
		];
		const m = list.edgeFrom.length;
		const edgeFrom = Uint32Array.from([...list.edgeFrom, ...extra.map((x) => x[0])]);
		const edgeTo = Uint32Array.from([...list.edgeTo, ...extra.map((x) => x[1])]);
		const edgeLength = Float64Array.from([...list.edgeLength, ...extra.map((x) => x[2])]);
		const coords = [...list.edgeCoords];
		const offsets = [...list.edgeCoordOffsets];
		for (const [a, b] of extra) {
			coords.push(list.nodeLon[a], list.nodeLat[a], list.nodeLon[b], list.nodeLat[b]);
			offsets.push(offsets[offsets.length - 1] + 2);
		}
		const g = graphFromEdgeList({
			...list,
			edgeFrom,
			edgeTo,
			edgeLength,
			edgeCoordOffsets: Uint32Array.from(offsets),
			edgeCoords: Float64Array.from(coords)
		});
		expect(g.edgeCount + g.dropped.edges).toBe(m + 3);
		const rand = seededRandom(11);
		for (let trial = 0; trial < 5; trial++) {
			const seeds: [number, number][] = Array.from({ length: 1 + trial * 3 }, () => [Math.floor(rand() * g.nodeCount), rand() * 40]);
			const want = referenceDistances(g, seeds);
			for (const maxM of [250, 900]) {
				for (const method of ['runHeap', 'runBuckets'] as const) {
					const ws = searchSpace(g);
					for (const [n, d] of seeds) ws.seed(n, d);
					ws[method](maxM);
					for (let n = 0; n < g.nodeCount; n++) {
						const expected = want[n] <= maxM ? want[n] : Infinity;
						// (lengths in the adjacency are single precision: equal to a tenth of a millimetre)
						if (expected === Infinity) expect(ws.dist[n], `${method} node ${n}`).toBe(Infinity);
						else expect(ws.dist[n], `${method} node ${n}`).toBeCloseTo(expected, 4);
					}
					ws.clear();
				}
			}
		}
		// a bigger graph, many sources: rounds of thousands of nodes (radix-sorted)
		const big = graphFromEdgeList(syntheticLattice({ side: 160, seed: 6 }));
		const seeds: [number, number][] = Array.from({ length: 2000 }, () => [Math.floor(rand() * big.nodeCount), rand() * 100]);
		const results = (['runHeap', 'runBuckets'] as const).map((method) => {
			const ws = searchSpace(big);
			for (const [n, d] of seeds) ws.seed(n, d);
			ws[method](2000);
			const out = ws.dist.slice();
			ws.clear();
			return out;
		});
		expect(Array.from(results[1])).toEqual(Array.from(results[0]));
		// the public wrapper, from a node, unbounded
		const all = nodeDistances(g, snapAtNode(g, 0));
		const want = referenceDistances(g, [[0, 0]]);
		for (let n = 0; n < g.nodeCount; n++) expect(all[n]).toBeCloseTo(want[n], 4);
	});
});

import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { FeatureCollection, LineString, Point } from 'geojson';
import { buildWalkGraph, graphFromEdgeList } from './graph';
import { syntheticLattice, seededRandom } from './synthetic';
import { parseScenarioEdits, scenarioChanges, scenarioGraph, scenarioReach, inBoxes, ScenarioEditError, type ScenarioEdit } from './scenario';
import { MAX_SNAP_M, snapBuildings, walkNearest } from '../coverage/walk';
import type { CoverageFacility } from '../coverage/types';
import { expectedOutput } from '../test-fixture';

const fixture = (name: string) => new URL(`./test/${name}`, import.meta.url);

function walk(graph: ReturnType<typeof buildWalkGraph>, lon: number[], lat: number[], facilities: CoverageFacility[], maxM: number) {
	return walkNearest(graph, snapBuildings(graph, { lon: Float64Array.from(lon), lat: Float64Array.from(lat) }), facilities, maxM).distanceM;
}

describe('network scenarios', () => {
	it('a footbridge and a closed road, worked out by hand (test/in/scenario-river → out)', () => {
		const fc = JSON.parse(fs.readFileSync(fixture('in/scenario-river.geojson'), 'utf8')) as FeatureCollection;
		const role = (r: string) => fc.features.filter((f) => f.properties?.role === r);
		const base = buildWalkGraph(role('road').map((f) => ({ sourceId: String(f.properties!.id), geometry: f.geometry as LineString })));
		const homes = role('building');
		const lon = homes.map((f) => (f.geometry as Point).coordinates[0]);
		const lat = homes.map((f) => (f.geometry as Point).coordinates[1]);
		const school: CoverageFacility[] = role('facility').map((f) => ({ id: String(f.properties!.id), category: 'school', geometry: f.geometry as Point }));
		const edits = parseScenarioEdits(
			role('edit').map((f) => ({ kind: f.properties!.kind, label: f.properties!.label, coordinates: (f.geometry as LineString).coordinates }))
		);
		const round = (d: Float64Array) => Array.from(d, (v) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null));
		const before = round(walk(base, lon, lat, school, 5000));
		const bridgeOnly = scenarioChanges(base, edits.slice(0, 1));
		const both = scenarioChanges(base, edits);
		const out = {
			homes: homes.map((f) => f.properties!.id),
			before,
			bridge: round(walk(scenarioGraph(base, bridgeOnly), lon, lat, school, 5000)),
			bridgeAndClosure: round(walk(scenarioGraph(base, both), lon, lat, school, 5000)),
			outcomes: both.outcomes
		};
		expect(out).toEqual(expectedOutput(fixture('out/scenario-river.json'), out));
		// by hand: home-south 12 + 970 + 200 + 980 + 15 m round the river, 12 + 10 + 200 + 20 + 15 over the bridge
		expect(out.before[0]).toBeCloseTo(2177, -1);
		expect(out.bridge[0]).toBeCloseTo(257, -1);
		// home-lane: 10 + 140 + 700 + 200 + 980 + 15 round; 10 + 140 + 260 + 200 + 20 + 15 over the bridge
		expect(out.before[1]).toBeCloseTo(2045, -1);
		expect(out.bridgeAndClosure[1]).toBeCloseTo(645, -1);
		// home-north stays on its cut street but cannot pass the closure at 650 m: round the river again
		expect(out.bridgeAndClosure[2]).toBe(out.before[2]);
		expect(both.outcomes).toEqual([
			{ edges: 2, attached: [true, true] },
			{ edges: 1, attached: null }
		]);
	});

	it('recomputing only near the edits gives the whole recompute, and nothing changes farther away', () => {
		const base = graphFromEdgeList(syntheticLattice({ side: 120, seed: 7, removeShare: 0.05 }));
		const rand = seededRandom(11);
		let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
		for (let i = 0; i < base.nodeCount; i++) {
			x0 = Math.min(x0, base.nodeLon[i]);
			x1 = Math.max(x1, base.nodeLon[i]);
			y0 = Math.min(y0, base.nodeLat[i]);
			y1 = Math.max(y1, base.nodeLat[i]);
		}
		const at = (u: number, v: number): [number, number] => [x0 + u * (x1 - x0), y0 + v * (y1 - y0)];
		const lon: number[] = [];
		const lat: number[] = [];
		for (let i = 0; i < 20000; i++) {
			const [x, y] = at(rand(), rand());
			lon.push(x);
			lat.push(y);
		}
		const facilities: CoverageFacility[] = Array.from({ length: 800 }, (_, i) => ({
			id: `f${i}`,
			category: 'c',
			geometry: { type: 'Point', coordinates: at(rand(), rand()) }
		}));
		// a road closed across the middle of an edge, a diagonal footpath across blocks, a dead-end path
		const mid = (e: number): [number, number] => {
			const k = base.edgeCoordOffsets[e];
			return [(base.edgeCoords[2 * k] + base.edgeCoords[2 * k + 2]) / 2, (base.edgeCoords[2 * k + 1] + base.edgeCoords[2 * k + 3]) / 2];
		};
		const [mx, my] = mid(Math.floor(base.edgeCount / 3));
		const d = 0.0002;
		const edits: ScenarioEdit[] = [
			{
				kind: 'road_close',
				coordinates: [
					[mx - d, my - d],
					[mx + d, my + d]
				]
			},
			{ kind: 'road_close', coordinates: [at(0.7, 0.2), at(0.7, 0.26)] },
			{ kind: 'footpath', coordinates: [at(0.3, 0.6), at(0.33, 0.62)] },
			{ kind: 'footbridge', coordinates: [at(0.62, 0.5), at(0.6205, 0.5005)] }
		];
		const maxM = 400;
		const baseD = walk(base, lon, lat, facilities, maxM);
		const changes = scenarioChanges(base, edits);
		expect(changes.outcomes.map((o) => o.edges).every((n) => n > 0)).toBe(true);
		const fullD = walk(scenarioGraph(base, changes), lon, lat, facilities, maxM);
		const reach = scenarioReach(changes, maxM, MAX_SNAP_M);
		const local = scenarioGraph(base, changes, reach.network);
		expect(local.edgeCount).toBeLessThan(base.edgeCount * 0.8);
		const near = lon.map((_, i) => i).filter((i) => inBoxes(reach.buildings, lon[i], lat[i]));
		const from = facilities.filter((f) => inBoxes(reach.facilities, ...((f.geometry as Point).coordinates as [number, number])));
		const localD = walk(
			local,
			near.map((i) => lon[i]),
			near.map((i) => lat[i]),
			from,
			maxM
		);
		const same = (a: number, b: number) => (Number.isFinite(a) ? Math.abs(a - b) < 1e-6 : !Number.isFinite(b));
		let changed = 0;
		near.forEach((i, k) => {
			expect(same(localD[k], fullD[i]), `building ${i}: local ${localD[k]} whole ${fullD[i]}`).toBe(true);
			if (!same(fullD[i], baseD[i])) changed++;
		});
		const nearSet = new Set(near);
		for (let i = 0; i < lon.length; i++) if (!nearSet.has(i)) expect(same(fullD[i], baseD[i]), `building ${i} far from every edit`).toBe(true);
		expect(changed).toBeGreaterThanOrEqual(5);
		// closing ways never brings anyone nearer: every walk is as long as before or longer
		const closedOnly = walk(scenarioGraph(base, scenarioChanges(base, edits.slice(0, 2))), lon, lat, facilities, maxM);
		let longer = 0;
		for (let i = 0; i < lon.length; i++) {
			expect(closedOnly[i] >= baseD[i] - 1e-6, `building ${i}`).toBe(true);
			if (closedOnly[i] > baseD[i] + 1e-6) longer++;
		}
		expect(longer).toBeGreaterThan(0);
		expect(near.length).toBeLessThan(lon.length);
	});

	it('refuses bad edits with the edit named', () => {
		const bad: [unknown, RegExp][] = [
			[{}, /list/],
			[
				[
					{
						kind: 'tunnel',
						coordinates: [
							[0, 0],
							[1, 1]
						]
					}
				],
				/edit 1: kind/
			],
			[[{ kind: 'footpath', coordinates: [[0, 0]] }], /2–200 points/],
			[
				[
					{
						kind: 'footpath',
						coordinates: [
							[0, 0],
							[200, 1]
						]
					}
				],
				/invalid coordinate/
			],
			[
				[
					{
						kind: 'footpath',
						coordinates: [
							[118, 32],
							[118.2, 32]
						]
					}
				],
				/over 5000 m/
			],
			[
				[
					{
						kind: 'road_close',
						coordinates: [
							[118, 32],
							[118, 32]
						]
					}
				],
				/zero length/
			],
			[
				Array.from({ length: 101 }, () => ({
					kind: 'footpath',
					coordinates: [
						[118, 32],
						[118.001, 32]
					]
				})),
				/at most 100/
			]
		];
		for (const [input, msg] of bad) {
			let err: unknown;
			try {
				parseScenarioEdits(input);
			} catch (e) {
				err = e;
			}
			expect(err).toBeInstanceOf(ScenarioEditError);
			expect((err as ScenarioEditError).en).toMatch(msg);
		}
	});
});

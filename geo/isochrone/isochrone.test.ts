import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { booleanPointInPolygon, booleanValid } from '@turf/turf';
import type { FeatureCollection, LineString } from 'geojson';
import { buildWalkGraph, graphBounds, graphFromEdgeList, metresPerDegree, snapPoints, type WalkGraph } from '../network/graph';
import { seededRandom, syntheticLattice } from '../network/synthetic';
import type { NetworkRoad } from '../network';
import { parseLayer } from '../import';
import { facilityCatchment, isochroneFromPoints, isochrones, IsochroneError, type IsochroneCollection } from './index';
import { polygonProblems } from './test/validity';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');
const LON0 = 118.78;
const LAT0 = 32.04;
const { kx, ky } = metresPerDegree(LAT0);
const at = (x: number, y: number): [number, number] => [LON0 + x / kx, LAT0 + y / ky];

function roads(file: string, keep: (id: string) => boolean = () => true): NetworkRoad[] {
	const fc = JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection<LineString>;
	return fc.features.filter((f) => keep(String(f.id))).map((f) => ({ sourceId: String(f.id), geometry: f.geometry }));
}
const fixture = (name: string, keep?: (id: string) => boolean) => buildWalkGraph(roads(path.join(dir, 'in', name), keep));
const networkFixture = (name: string, keep?: (id: string) => boolean) =>
	buildWalkGraph(roads(path.join(import.meta.dirname, '..', 'network', 'test', 'in', name), keep));

const contains = (fc: IsochroneCollection, k: number, p: [number, number]) => booleanPointInPolygon(p, fc.features[k]);

function expectValid(fc: IsochroneCollection) {
	for (const f of fc.features) {
		expect(polygonProblems(f.geometry), `${f.properties.minutes} min`).toEqual([]);
		expect(booleanValid(f)).toBe(true);
		expect(f.properties.walkable_ratio).toBeGreaterThanOrEqual(0);
		expect(f.properties.walkable_ratio).toBeLessThanOrEqual(1);
	}
}

function errorCode(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (err) {
		if (err instanceof IsochroneError) return err.code;
		throw err;
	}
	return undefined;
}

describe('isochrones: partial edges', () => {
	const g = fixture('long-street.geojson');

	it('buffers the street up to the remaining budget, not the whole edge', () => {
		expect(g.edgeCount).toBe(1);
		const [lon, lat] = at(0, 0);
		const fc = isochrones(g, lon, lat, { minutes: [5, 10], speedMPerMin: 75 });
		expectValid(fc);
		const [five, ten] = fc.features;
		expect(five.properties).toMatchObject({ minutes: 5, speed_m_per_min: 75, distance_m: 375 });
		// a capsule: 375 m × 2·50 m plus the half-discs at both ends
		const capsule = (len: number) => len * 100 + Math.PI * 50 * 50;
		expect(five.properties.area_m2 / capsule(375)).toBeGreaterThan(0.96);
		expect(five.properties.area_m2 / capsule(375)).toBeLessThan(1.04);
		expect(ten.properties.area_m2 / capsule(750)).toBeGreaterThan(0.96);
		expect(ten.properties.area_m2 / capsule(750)).toBeLessThan(1.04);
		expect(contains(fc, 0, at(350, 0))).toBe(true);
		expect(contains(fc, 0, at(200, 40))).toBe(true);
		expect(contains(fc, 0, at(200, 60))).toBe(false);
		expect(contains(fc, 0, at(450, 0))).toBe(false);
		expect(contains(fc, 1, at(720, 0))).toBe(true);
		expect(contains(fc, 1, at(820, 0))).toBe(false);
		// the straight-line circle of 375 m: this street covers a small part of it
		expect(five.properties.circle_area_m2).toBe(Math.round(Math.PI * 375 * 375));
		expect(five.properties.walkable_ratio).toBeGreaterThan(0.05);
		expect(five.properties.walkable_ratio).toBeLessThan(0.15);
	});

	it('walks both ways from the middle of an edge, counting the walk to the street', () => {
		const [lon, lat] = at(500, 30); // 30 m off the street
		const fc = isochrones(g, lon, lat, { minutes: [2] }); // 150 m: 120 m left along the street
		expect(fc.origins[0].snap_offset_m).toBeCloseTo(30, 0);
		expect(contains(fc, 0, at(500 + 110, 0))).toBe(true);
		expect(contains(fc, 0, at(500 - 110, 0))).toBe(true);
		expect(contains(fc, 0, at(500 + 180, 0))).toBe(false);
		expect(contains(fc, 0, at(500 - 180, 0))).toBe(false);
	});
});

describe('isochrones: barriers', () => {
	it('stop at a river with no bridge; the island is not reached', () => {
		const building = at(370, 150);
		const west = networkFixture('river.geojson', (id) => id !== 'bridge');
		const fc = isochrones(west, ...at(100, 100), { minutes: [15] });
		expectValid(fc);
		expect(contains(fc, 0, at(150, 150))).toBe(true);
		expect(contains(fc, 0, building)).toBe(false);
		const joined = networkFixture('river.geojson');
		expect(contains(isochrones(joined, ...at(100, 100), { minutes: [15] }), 0, building)).toBe(true);
		// a point on the island cannot start a walk on the main network
		expect(errorCode(() => isochrones(west, ...at(330, 150), { minutes: [5] }))).toBe('outside_network');
	});
});

describe('isochrones: polygons', () => {
	const g = fixture('blocks.geojson');
	const origin = at(600, 610);

	it('has holes where the network does not come near (block interiors)', () => {
		const fc = isochrones(g, ...origin, { minutes: [5, 10, 15] });
		expectValid(fc);
		const fifteen = fc.features[2];
		const rings = fifteen.geometry.type === 'Polygon' ? [fifteen.geometry.coordinates] : fifteen.geometry.coordinates;
		const holes = rings.reduce((n, p) => n + p.length - 1, 0);
		expect(holes).toBeGreaterThanOrEqual(4);
		// the centre of a block is in no isochrone; a street corner 300 m away is in the 5-minute one
		expect(contains(fc, 2, at(450, 150))).toBe(false);
		expect(contains(fc, 0, at(600, 900))).toBe(true);
		// nested: each larger isochrone covers the smaller one's area
		expect(fc.features[0].properties.area_m2).toBeLessThan(fc.features[1].properties.area_m2);
		expect(fc.features[1].properties.area_m2).toBeLessThan(fc.features[2].properties.area_m2);
	});

	it('matches the recorded output (test/out)', () => {
		const fc = isochrones(g, ...origin, { minutes: [5, 10, 15], speedMPerMin: 60 });
		const out = path.join(dir, 'out', 'blocks.geojson');
		expect(fc).toEqual(expectedOutput(out, fc));
	});

	it('walks from several points at once (a MultiPolygon when far apart)', () => {
		const fc = isochroneFromPoints(g, [at(0, 0)[0], at(1200, 1200)[0]], [at(0, 0)[1], at(1200, 1200)[1]], { minutes: [4], speedMPerMin: 75 });
		expectValid(fc);
		expect(fc.features[0].geometry.type).toBe('MultiPolygon');
		expect(fc.origins).toHaveLength(2);
		// two disjoint circles
		expect(fc.features[0].properties.circle_area_m2 / (2 * Math.PI * 300 * 300)).toBeCloseTo(1, 1);
	});

	it('stays valid from many origins on the demo network and a jittered lattice', async () => {
		const bytes = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'demo', 'osm', 'xinjiekou.osm.pbf')));
		const parsed = await parseLayer(bytes, { layer: 'roads', crs: 'wgs84', fileName: 'xinjiekou.osm.pbf' });
		const demo = buildWalkGraph(parsed.records.filter((r) => r.walkable).map((r) => ({ sourceId: r.sourceId, geometry: r.geometry as LineString })));
		const lattice = graphFromEdgeList(syntheticLattice({ side: 60, seed: 2, removeShare: 0.3 }));
		const rand = seededRandom(21);
		for (const graph of [demo, lattice]) {
			const [x0, y0, x1, y1] = graphBounds(graph)!;
			let made = 0;
			for (let i = 0; i < 40; i++) {
				const lon = x0 + rand() * (x1 - x0);
				const lat = y0 + rand() * (y1 - y0);
				const minutes = [1 + Math.floor(rand() * 5), 5 + Math.floor(rand() * 5), 10 + Math.floor(rand() * 10)];
				let fc: IsochroneCollection;
				try {
					fc = isochrones(graph, lon, lat, { minutes, speedMPerMin: 40 + rand() * 60, maxSnapM: 300 });
				} catch (err) {
					if (err instanceof IsochroneError && err.code === 'outside_network') continue;
					throw err;
				}
				expectValid(fc);
				made++;
			}
			expect(made).toBeGreaterThan(20);
		}
	});
});

describe('isochrones: bad input', () => {
	const g = fixture('blocks.geojson');
	const [lon, lat] = at(600, 600);

	it('names each problem', () => {
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [10], speedMPerMin: 0 }))).toBe('bad_speed');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [10], speedMPerMin: -75 }))).toBe('bad_speed');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [10], speedMPerMin: Number.NaN }))).toBe('bad_speed');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [] }))).toBe('bad_minutes');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [0] }))).toBe('bad_minutes');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [5, Number.NaN] }))).toBe('bad_minutes');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [5, 90] }))).toBe('too_many_minutes');
		expect(errorCode(() => isochrones(g, lon, lat, { minutes: [20], maxMinutes: 15 }))).toBe('too_many_minutes');
		expect(errorCode(() => isochrones(g, Number.NaN, lat, { minutes: [5] }))).toBe('bad_point');
		expect(errorCode(() => isochrones(g, 200, lat, { minutes: [5] }))).toBe('bad_point');
		// 1 km east of the grid's edge
		expect(errorCode(() => isochrones(g, ...at(2200, 600), { minutes: [5] }))).toBe('outside_network');
		expect(errorCode(() => isochrones(g, ...at(2200, 600), { minutes: [5], maxSnapM: 1500 }))).toBeUndefined();
		const empty = buildWalkGraph([]);
		expect(errorCode(() => isochrones(empty, lon, lat, { minutes: [5] }))).toBe('no_network');
		expect(errorCode(() => isochrones(null, lon, lat, { minutes: [5] }))).toBe('no_network');
		// messages are Chinese and English
		try {
			isochrones(g, lon, lat, { minutes: [10], speedMPerMin: 0 });
		} catch (err) {
			expect((err as Error).message).toMatch(/步行速度.* \/ walking speed/);
		}
	});
});

describe('facilityCatchment', () => {
	let g: WalkGraph;
	beforeAll(() => {
		g = fixture('blocks.geojson');
	});

	it('lists the targets within N minutes by network distance, nearest first, with the isochrone', () => {
		const buildings = [at(610, 620), at(620, 900), at(1190, 10), at(450, 150), at(650, 640)];
		const targets = snapPoints(
			g,
			buildings.map((p) => p[0]),
			buildings.map((p) => p[1]),
			200
		);
		const c = facilityCatchment(g, ...at(600, 600), targets, { minutes: 5 });
		// 375 m: (610,620) ≈ 30, (650,640) via the diagonal ≈ 80, (620,900) ≈ 320; the far corner and the
		// block centre (150 m from every street, walk included) are beyond
		expect(c.targets).toEqual([0, 4, 1]);
		expect(c.distancesM[0]).toBeLessThan(c.distancesM[1]);
		expect(c.distancesM[2]).toBeLessThan(375);
		expect(c.feature.properties.minutes).toBe(5);
		expect(c.feature.properties.area_m2).toBeGreaterThan(0);
	});
});

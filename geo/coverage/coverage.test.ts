import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import CheapRuler from 'cheap-ruler';
import type { FeatureCollection, Geometry, Point } from 'geojson';
import {
	CoverageWhatIf,
	FacilityIndex,
	distanceKey,
	distanceM,
	distanceToGeometry,
	evaluateRules,
	packResults,
	UnitResultTable,
	withFacilityCount,
	moveGeometry,
	nearestFacilityDistances,
	rulerAt,
	suggestSites,
	type BuildingSet,
	type CoverageFacility,
	type CoverageRuleSpec,
	type UnitRuleResult
} from './index';
import { decompose, distanceToParts, type Parts } from './facility-parts';
import { haversineMeters } from '../measure';
import { vincenty } from '../measure/test/vincenty';
import { mulberry32, type Random } from '../synth/prng';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');

// ---------------------------------------------------------------- helpers

interface Fixture {
	buildings: BuildingSet;
	unitOf: Int32Array;
	units: number;
	rules: CoverageRuleSpec[];
	facilities: CoverageFacility[];
}

function loadFixture(name: string): Fixture {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection & { units: number; rules: CoverageRuleSpec[] };
	const bs = fc.features.filter((f) => f.properties?.kind === 'building');
	return {
		buildings: {
			ids: bs.map((f) => String(f.id)),
			lon: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[0]),
			lat: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[1]),
			households: Float64Array.from(bs, (f) => (f.properties!.households === null ? NaN : f.properties!.households))
		},
		unitOf: Int32Array.from(bs, (f) => f.properties!.unit),
		units: fc.units,
		rules: fc.rules,
		facilities: fc.features
			.filter((f) => f.properties?.kind === 'facility')
			.map((f) => ({ id: String(f.id), category: f.properties!.category, geometry: f.geometry }))
	};
}

/** Straight-line distances per category, each up to its farthest rule. */
function straightDistances(b: BuildingSet, rules: CoverageRuleSpec[], facilities: CoverageFacility[]): Map<string, Float64Array> {
	const out = new Map<string, Float64Array>();
	for (const category of new Set(rules.map((r) => r.category))) {
		const maxM = Math.max(...rules.filter((r) => r.category === category).map((r) => r.maxDistanceM));
		const d = nearestFacilityDistances(
			b,
			facilities.filter((f) => f.category === category),
			maxM
		).distanceM;
		out.set(distanceKey('straight', category), d);
		out.set(distanceKey('walk', category), d);
	}
	return out;
}

const cm = (d: number) => (Number.isFinite(d) ? Math.round(d * 100) / 100 : null);

function runFixture(name: string) {
	const fx = loadFixture(name);
	const distances = straightDistances(fx.buildings, fx.rules, fx.facilities);
	const results = evaluateRules(fx.buildings, fx.unitOf, fx.units, fx.rules, distances);
	const byCategory: Record<string, Record<string, number | null>> = {};
	for (const category of new Set(fx.rules.map((r) => r.category))) {
		const d = distances.get(distanceKey('straight', category))!;
		byCategory[category] = Object.fromEntries(fx.buildings.ids.map((id, i) => [id, cm(d[i])]));
	}
	return {
		fx,
		results,
		actual: {
			distances: byCategory,
			results: results.map((r) => ({
				rule: r.ruleId,
				unit: r.unit,
				status: r.status,
				buildings: r.buildings,
				householdsTotal: r.householdsTotal,
				householdsCovered: r.householdsCovered,
				share: r.share === null ? null : Math.round(r.share * 1e4) / 1e4,
				householdsShort: r.householdsShort,
				uncovered: r.uncovered.map((i) => fx.buildings.ids[i])
			}))
		}
	};
}

/** Expected output: written on the first run or under REGEN=1 (then checked by hand), compared afterwards. */
function matchesOut(name: string, actual: unknown) {
	expect(actual).toEqual(expectedOutput(path.join(dir, 'out', name.replace(/\.geojson$/, '.json')), actual));
}

const find = (results: UnitRuleResult[], rule: string, unit = 0) => results.find((r) => r.ruleId === rule && r.unit === unit)!;

/** Brute force: every facility, the exact distance (facility by facility, no search). */
function bruteNearest(lon: number, lat: number, parts: Parts[], maxM: number) {
	let best = Infinity,
		index = -1;
	parts.forEach((p, i) => {
		const d = distanceToParts(lon, lat, p);
		if (d < best) {
			best = d;
			index = i;
		}
	});
	return best <= maxM ? { distanceM: best, index } : { distanceM: Infinity, index: -1 };
}

function randomFacility(rng: Random, id: string, category: string, box: [number, number, number, number]): CoverageFacility {
	const x = box[0] + rng() * (box[2] - box[0]),
		y = box[1] + rng() * (box[3] - box[1]);
	const kind = rng();
	let geometry: Geometry;
	if (kind < 0.6) geometry = { type: 'Point', coordinates: [x, y] };
	else if (kind < 0.7)
		geometry = {
			type: 'MultiPoint',
			coordinates: [
				[x, y],
				[x + 0.002, y - 0.001]
			]
		};
	else if (kind < 0.75)
		geometry = {
			type: 'LineString',
			coordinates: [
				[x, y],
				[x + 0.004 * rng(), y + 0.003 * rng()],
				[x + 0.006 * rng(), y - 0.002]
			]
		};
	else if (kind < 0.8) {
		// a large polygon (more than SMALL_POLYGON_EDGES edges: edges indexed one by one) with a hole
		const ring = (r: number) => {
			const c = Array.from({ length: 40 }, (_, k) => [
				x + r * Math.cos((k / 40) * 2 * Math.PI) * (1 + 0.2 * Math.sin(k)),
				y + r * 0.8 * Math.sin((k / 40) * 2 * Math.PI)
			]);
			return [...c, c[0]];
		};
		geometry = { type: 'Polygon', coordinates: [ring(0.002 + 0.004 * rng()), ring(0.0008).reverse()] };
	} else {
		const w = 0.0005 + rng() * 0.003,
			h = 0.0005 + rng() * 0.002;
		const outer = [
			[x, y],
			[x + w, y],
			[x + w * 0.8, y + h],
			[x + w * 0.1, y + h * 1.1],
			[x, y]
		];
		const hole = [
			[x + w * 0.3, y + h * 0.3],
			[x + w * 0.3, y + h * 0.6],
			[x + w * 0.6, y + h * 0.6],
			[x + w * 0.6, y + h * 0.3],
			[x + w * 0.3, y + h * 0.3]
		];
		geometry =
			kind < 0.9 ? { type: 'Polygon', coordinates: [outer, hole] } : { type: 'MultiPolygon', coordinates: [[outer], [outer.map(([a, b]) => [a + 0.01, b])]] };
	}
	return { id, category, geometry };
}

function randomCity(seed: number, n: number, units: number) {
	const rng = mulberry32(seed);
	const box: [number, number, number, number] = [118.7, 32.0, 118.78, 32.06];
	const lon = new Float64Array(n),
		lat = new Float64Array(n),
		households = new Float64Array(n);
	const unitOf = new Int32Array(n);
	const cols = Math.ceil(Math.sqrt(units));
	for (let i = 0; i < n; i++) {
		lon[i] = box[0] + rng() * (box[2] - box[0]);
		lat[i] = box[1] + rng() * (box[3] - box[1]);
		households[i] = Math.floor(rng() * 60);
		const c = Math.min(cols - 1, Math.floor(((lon[i] - box[0]) / (box[2] - box[0])) * cols));
		const r = Math.floor(((lat[i] - box[1]) / (box[3] - box[1])) * cols);
		unitOf[i] = Math.min(units - 1, r * cols + c);
	}
	const buildings: BuildingSet = { ids: Array.from({ length: n }, (_, i) => `b${i}`), lon, lat, households };
	return { rng, box, buildings, unitOf };
}

// ---------------------------------------------------------------- tests

describe('fixtures (test/in → test/out)', () => {
	it('point facility: buildings at known distances, 300 m fails by 28 households, 500 m passes', () => {
		const { results, actual } = runFixture('point-radius.geojson');
		const d = actual.distances.kindergarten;
		expect(d.b1).toBeCloseTo(299.4, 1);
		expect(d.b2).toBeCloseTo(310.49, 1);
		expect(d.b3).toBeCloseTo(283.36, 1);
		expect(d.b4).toBeCloseTo(498.99, 1);
		expect(d.b5).toBeNull(); // 944.5 m: beyond the farthest rule (500 m)
		expect(find(results, 'K300')).toMatchObject({ status: 'fail', householdsTotal: 115, householdsCovered: 70, householdsShort: 28 });
		expect(find(results, 'K500')).toMatchObject({ status: 'pass', householdsCovered: 100, householdsShort: 0 });
		matchesOut('point-radius.geojson', actual);
	});

	it('park polygon: 0 inside and on the edge, measured to the boundary (not the centroid) outside', () => {
		const { fx, results, actual } = runFixture('park-polygon.geojson');
		const d = actual.distances.park;
		expect(d.p1).toBe(0);
		expect(d.p5).toBe(0);
		expect(d.p2).toBeCloseTo(94.45, 1);
		const centroid = distanceM(118.785, 32.0415, 118.782, 32.0415);
		expect(centroid).toBeGreaterThan(280); // the centroid would leave p2 uncovered at 150 m
		expect(d.p3).toBeCloseTo(Math.hypot(94.45, 110.89), 0);
		expect(d.p4).toBeNull(); // 221.8 m > 150 m
		expect(distanceToGeometry(118.782, 32.045, fx.facilities[0].geometry)).toBeCloseTo(221.78, 1);
		expect(find(results, 'PARK150')).toMatchObject({ status: 'fail', householdsTotal: 130, householdsCovered: 110, householdsShort: 1 });
		matchesOut('park-polygon.geojson', actual);
	});

	it('a facility just outside a community covers its buildings; no buildings / unknown households → no_data', () => {
		const { results, actual } = runFixture('community-edge.geojson');
		expect(actual.distances.service.c0a).toBeCloseTo(188.9, 1);
		expect(find(results, 'SVC300', 0)).toMatchObject({ status: 'pass', share: 1, buildings: 2, uncovered: [] });
		expect(find(results, 'SVC300', 1)).toMatchObject({ status: 'no_data', share: null, buildings: 0, householdsShort: 0 });
		expect(find(results, 'SVC300', 2)).toMatchObject({ status: 'no_data', share: null, buildings: 2, householdsUnknown: 1 });
		expect(results).toHaveLength(3); // x1 (unit -1) is in none
		matchesOut('community-edge.geojson', actual);
	});

	it('requiredShare 0.85: exactly 0.85 passes, below fails with householdsShort, total 0 is no_data', () => {
		const { results, actual } = runFixture('share-085.geojson');
		expect(results.map((r) => r.status)).toEqual(['pass', 'fail', 'fail', 'no_data', 'pass', 'fail']);
		expect(results.map((r) => r.householdsShort)).toEqual([0, 1, 1, 0, 0, 120]);
		expect(find(results, 'R500', 0).share).toBe(0.85);
		matchesOut('share-085.geojson', actual);
	});
});

describe('distances', () => {
	it('the ruler is cheap-ruler’s WGS-84 ruler (kx, ky) with a midpoint correction', () => {
		for (const lat of [0, 22.5, 32, 39.9, 45.75, 60]) {
			const cheap = new CheapRuler(lat, 'meters');
			const k = cheap as unknown as { kx: number; ky: number };
			const r = rulerAt(lat);
			expect(r.kx / k.kx).toBeCloseTo(1, 12);
			expect(r.ky / k.ky).toBeCloseTo(1, 12);
			// cheap-ruler from the building's latitude is within 0.25 m at 2 km; with the correction, mm
			const p = [118.8, lat],
				q = [118.8 + 1414 / r.kx, lat + 1414 / r.ky];
			expect(Math.abs(cheap.distance(p as [number, number], q as [number, number]) - distanceM(p[0], p[1], q[0], q[1]))).toBeLessThan(0.25);
		}
	});

	it('matches the ellipsoidal geodesic (Vincenty) within 0.5 m at 2 km around 32° N — haversine does not', () => {
		let worst = 0,
			worstHaversine = 0;
		for (const lat of [31.5, 32, 32.5]) {
			const r = rulerAt(lat);
			for (let bearing = 0; bearing < 360; bearing += 15) {
				for (const dist of [300, 1000, 2000]) {
					const t = (bearing * Math.PI) / 180;
					const lon2 = 118.8 + (dist * Math.sin(t)) / r.kx,
						lat2 = lat + (dist * Math.cos(t)) / r.ky;
					const ref = vincenty(118.8, lat, lon2, lat2);
					worst = Math.max(worst, Math.abs(distanceM(118.8, lat, lon2, lat2) - ref));
					worst = Math.max(worst, Math.abs(distanceM(lon2, lat2, 118.8, lat) - ref)); // either direction
					worstHaversine = Math.max(worstHaversine, Math.abs(haversineMeters([118.8, lat], [lon2, lat2]) - ref));
				}
			}
		}
		expect(worst).toBeLessThan(0.5);
		expect(worst).toBeLessThan(0.01); // in fact millimetres
		expect(worstHaversine).toBeGreaterThan(1); // the sphere is off by metres (≈ 0.3 % north–south)
	});

	it('nearest agrees with a brute-force loop on random data (points, lines, polygons with holes)', () => {
		for (const seed of [1, 2, 3]) {
			const { rng, box, buildings } = randomCity(seed, 2000, 9);
			const facilities = Array.from({ length: 60 + seed * 40 }, (_, i) => randomFacility(rng, `f${i}`, 'x', box));
			const index = FacilityIndex.build(facilities);
			const parts = facilities.map((f, i) => decompose(f.geometry, i));
			for (const maxM of [150, 600, 5000]) {
				const batch = nearestFacilityDistances(buildings, index, maxM);
				const other = nearestFacilityDistances(buildings, facilities, maxM, { cellM: 25 });
				expect(other.distanceM).toEqual(batch.distanceM);
				for (let i = 0; i < buildings.lon.length; i++) {
					const x = buildings.lon[i],
						y = buildings.lat[i];
					const brute = bruteNearest(x, y, parts, maxM);
					expect(batch.distanceM[i]).toBe(brute.distanceM);
					if (brute.index >= 0) expect(distanceToGeometry(x, y, facilities[batch.nearest[i]].geometry)).toBe(brute.distanceM);
					else expect(batch.nearest[i]).toBe(-1);
					if (i % 10 === 0) {
						expect(index.nearest(x, y, maxM)).toEqual(brute);
						const within = index.within(x, y, maxM);
						const expected = facilities
							.map((_, fi) => [fi, distanceToParts(x, y, parts[fi])])
							.filter(([, d]) => d <= maxM)
							.sort((a, b) => a[1] - b[1] || a[0] - b[0])
							.map(([fi]) => fi);
						expect(within).toEqual(expected);
					}
				}
			}
		}
	});

	it('points: equals a brute-force loop with the cheap-ruler library itself, within 0.25 m', () => {
		const { rng, box, buildings } = randomCity(21, 2000, 4);
		const facilities = Array.from({ length: 150 }, (_, i) => ({
			id: `p${i}`,
			category: 'x',
			geometry: { type: 'Point', coordinates: [box[0] + rng() * (box[2] - box[0]), box[1] + rng() * (box[3] - box[1])] } as Geometry
		}));
		const { distanceM: d } = nearestFacilityDistances(buildings, facilities, Infinity);
		for (let i = 0; i < buildings.lon.length; i++) {
			const p: [number, number] = [buildings.lon[i], buildings.lat[i]];
			const ruler = new CheapRuler(p[1], 'meters');
			const brute = Math.min(...facilities.map((f) => ruler.distance(p, (f.geometry as Point).coordinates as [number, number])));
			expect(Math.abs(d[i] - brute)).toBeLessThan(0.25);
		}
	});

	it('lines, holes and empties', () => {
		const line: Geometry = {
			type: 'LineString',
			coordinates: [
				[118.78, 32.04],
				[118.79, 32.04]
			]
		};
		// perpendicular to the middle of the segment: 0.001° of latitude
		expect(distanceToGeometry(118.785, 32.041, line)).toBeCloseTo(110.89, 1);
		const holed: Geometry = {
			type: 'Polygon',
			coordinates: [
				[
					[118.78, 32.04],
					[118.79, 32.04],
					[118.79, 32.05],
					[118.78, 32.05],
					[118.78, 32.04]
				],
				[
					[118.784, 32.044],
					[118.786, 32.044],
					[118.786, 32.046],
					[118.784, 32.046],
					[118.784, 32.044]
				]
			]
		};
		expect(distanceToGeometry(118.785, 32.045, holed)).toBeCloseTo(94.45, 1); // in the hole: to its edge
		expect(distanceToGeometry(118.781, 32.041, holed)).toBe(0);
		const empty = FacilityIndex.build([]);
		expect(empty.nearest(118.78, 32.04, 1000)).toEqual({ distanceM: Infinity, index: -1 });
		expect(empty.within(118.78, 32.04, 1000)).toEqual([]);
		const b: BuildingSet = { ids: ['a', 'b'], lon: Float64Array.of(118.78, NaN), lat: Float64Array.of(32.04, 32.04), households: Float64Array.of(1, 1) };
		const r = nearestFacilityDistances(b, [{ id: 'f', category: 'x', geometry: { type: 'Point', coordinates: [118.78, 32.04] } }], 100);
		expect([...r.distanceM]).toEqual([0, Infinity]);
		expect([...r.nearest]).toEqual([0, -1]);
		// no limit: the nearest wherever it is (here 1° north, ≈ 111 km)
		const far = [{ id: 'f', category: 'x', geometry: { type: 'Point', coordinates: [118.78, 33.04] } as Geometry }];
		const unlimited = nearestFacilityDistances(b, far, Infinity);
		expect(unlimited.distanceM[0]).toBeCloseTo(vincenty(118.78, 32.04, 118.78, 33.04), -1);
		expect(FacilityIndex.build(far).nearest(118.78, 32.04, Infinity).distanceM).toBe(unlimited.distanceM[0]);
		expect(nearestFacilityDistances(b, far, 100_000).nearest[0]).toBe(-1);
	});
});

describe('evaluateRules', () => {
	it('throws on missing distances; ignores unit -1; one result per (rule, unit), rule-major', () => {
		const fx = loadFixture('point-radius.geojson');
		expect(() => evaluateRules(fx.buildings, fx.unitOf, 1, fx.rules, new Map())).toThrow(/straight:kindergarten/);
		const d = straightDistances(fx.buildings, fx.rules, fx.facilities);
		const unitOf = Int32Array.from(fx.unitOf, (u, i) => (i === 4 ? -1 : u));
		const results = evaluateRules(fx.buildings, unitOf, 2, fx.rules, d);
		expect(results.map((r) => [r.ruleId, r.unit])).toEqual([
			['K300', 0],
			['K300', 1],
			['K500', 0],
			['K500', 1]
		]);
		expect(results[0]).toMatchObject({ buildings: 4, householdsTotal: 100, householdsCovered: 70 });
		expect(results[1].status).toBe('no_data');
	});
});

describe('UnitResultTable', () => {
	it('answers every (rule, unit) as evaluateRules and withFacilityCount do, from packed columns', () => {
		const fx = loadFixture('point-radius.geojson');
		const d = straightDistances(fx.buildings, fx.rules, fx.facilities);
		const results = evaluateRules(fx.buildings, fx.unitOf, fx.units, fx.rules, d);
		const ids = fx.rules.map((r) => r.id);
		for (const facilities of [1, 0]) {
			const table = new UnitResultTable(packResults(results, ids, fx.units), () => facilities);
			for (const r of results) {
				const expected = withFacilityCount(r, facilities);
				expect(table.get(r.ruleId, r.unit)).toEqual(expected);
				const { uncovered, ...rest } = expected;
				expect(table.brief(r.ruleId, r.unit)).toEqual({ ...rest, uncoveredCount: uncovered.length });
				expect(Array.from(table.uncoveredOf(r.ruleId, r.unit))).toEqual(uncovered);
			}
		}
		const table = new UnitResultTable(packResults(results, ids, fx.units));
		expect(table.get('no-such-rule', 0)).toBeUndefined();
		expect(table.get(ids[0], fx.units)).toBeUndefined();
		expect(() => packResults(results.slice(1), ids, fx.units)).toThrow(/results for/);
		expect(() => packResults([...results].reverse(), ids, fx.units)).toThrow(/out of order/);
	});
});

describe('CoverageWhatIf', () => {
	const rules: CoverageRuleSpec[] = [
		{ id: 'a300', category: 'a', maxDistanceM: 300, requiredShare: 0.85, metric: 'straight' },
		{ id: 'a800', category: 'a', maxDistanceM: 800, requiredShare: 0.85, metric: 'straight' },
		{ id: 'b500', category: 'b', maxDistanceM: 500, requiredShare: 0.6, metric: 'straight' },
		{ id: 'bwalk', category: 'b', maxDistanceM: 1000, requiredShare: 0.85, metric: 'walk' }
	];

	it('add / remove / move equal a from-scratch evaluateRules after every edit', () => {
		const { rng, box, buildings, unitOf } = randomCity(11, 3000, 16);
		buildings.households[17] = NaN; // one unit is no_data throughout
		let facilities = Array.from({ length: 40 }, (_, i) => randomFacility(rng, `f${i}`, i % 2 ? 'a' : 'b', box));
		facilities.push({ id: 'other', category: 'c', geometry: { type: 'Point', coordinates: [118.74, 32.03] } });
		const whatIf = new CoverageWhatIf(buildings, unitOf, 16, rules, facilities);
		let before = whatIf.results();
		let next = 100;
		for (let step = 0; step < 40; step++) {
			const op = rng();
			let change;
			if (op < 0.35) {
				const f = randomFacility(rng, `f${next++}`, rng() < 0.5 ? 'a' : 'b', box);
				facilities.push(f);
				change = whatIf.add(f);
			} else if (op < 0.6) {
				const f = facilities[Math.floor(rng() * facilities.length)];
				facilities = facilities.filter((g) => g !== f);
				change = whatIf.remove(f.id);
			} else {
				const k = Math.floor(rng() * facilities.length);
				const lon = box[0] + rng() * (box[2] - box[0]),
					lat = box[1] + rng() * (box[3] - box[1]);
				const moved = whatIf.move(facilities[k].id, lon, lat);
				const g = facilities[k].geometry;
				facilities[k] = { ...facilities[k], geometry: g.type === 'Point' ? { type: 'Point', coordinates: [lon, lat] } : facilities[k].geometry };
				if (g.type !== 'Point') {
					// the what-if moved the box centre to lon/lat: take its geometry for the reference
					const cat = facilities[k].category;
					if (cat !== 'c') {
						const { facilities: fs2, isRemoved } = whatIf.facilities(cat);
						const fi = fs2.findIndex((f, i) => f.id === facilities[k].id && !isRemoved(i));
						facilities[k] = fs2[fi];
					}
				}
				change = moved;
			}
			const distances = straightDistances(buildings, rules, facilities);
			for (const cat of ['a', 'b']) expect(whatIf.distances(`straight:${cat}`)).toEqual(distances.get(`straight:${cat}`));
			const expected = evaluateRules(buildings, unitOf, 16, rules, distances);
			const after = whatIf.results();
			expect(after).toEqual(expected);
			const differing = [...new Set(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.unit))].sort((x, y) => x - y);
			expect(change.changedUnits).toEqual(differing);
			before = after;
		}
	});

	it('move of a point facility: units around the old and new place change, results as from scratch', () => {
		const { buildings, unitOf } = randomCity(5, 2000, 16);
		const facilities: CoverageFacility[] = [
			{ id: 'k1', category: 'a', geometry: { type: 'Point', coordinates: [118.71, 32.01] } },
			{ id: 'k2', category: 'a', geometry: { type: 'Point', coordinates: [118.77, 32.05] } }
		];
		const whatIf = new CoverageWhatIf(buildings, unitOf, 16, rules.slice(0, 2), facilities);
		const change = whatIf.move('k1', 118.74, 32.03);
		expect(change.changedBuildings).toBeGreaterThan(0);
		expect(change.changedUnits.length).toBeGreaterThan(1);
		const moved = [{ ...facilities[0], geometry: { type: 'Point', coordinates: [118.74, 32.03] } as Geometry }, facilities[1]];
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), moved)));
		expect(() => whatIf.remove('nope')).toThrow();
		expect(() => whatIf.add(facilities[1])).toThrow(/already/);
		// many moves (the index rebuilds its trees on the way), then remove: still as from scratch
		const rng = mulberry32(3);
		let last: Geometry = moved[0].geometry;
		for (let k = 0; k < 150; k++) {
			last = { type: 'Point', coordinates: [118.7 + rng() * 0.08, 32 + rng() * 0.06] };
			whatIf.move('k1', ...(last.coordinates as [number, number]));
		}
		const after = [{ ...facilities[0], geometry: last }, facilities[1]];
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), after)));
		whatIf.remove('k2');
		expect(whatIf.results()).toEqual(
			evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), after.slice(0, 1)))
		);
		// more than 64 facilities added: the overlay is folded into rebuilt trees
		const added: CoverageFacility[] = [];
		for (let k = 0; k < 90; k++) {
			const f: CoverageFacility = { id: `n${k}`, category: 'a', geometry: { type: 'Point', coordinates: [118.7 + rng() * 0.08, 32 + rng() * 0.06] } };
			added.push(f);
			whatIf.add(f);
			if (k % 3 === 0) whatIf.remove(added[k >> 1].id);
		}
		const removed = new Set<string>();
		for (let k = 0; k < 90; k++) if (k % 3 === 0) removed.add(added[k >> 1].id);
		const current = [after[0], ...added.filter((f) => !removed.has(f.id))];
		expect(removed.size).toBe(30);
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), current)));
	});

	it('moveGeometry puts a point at lon/lat and a polygon’s box centre there', () => {
		expect(moveGeometry({ type: 'Point', coordinates: [1, 2] }, 3, 4)).toEqual({ type: 'Point', coordinates: [3, 4] });
		const square: Geometry = {
			type: 'Polygon',
			coordinates: [
				[
					[0, 0],
					[2, 0],
					[2, 2],
					[0, 2],
					[0, 0]
				]
			]
		};
		expect(moveGeometry(square, 10, 20)).toEqual({
			type: 'Polygon',
			coordinates: [
				[
					[9, 19],
					[11, 19],
					[11, 21],
					[9, 21],
					[9, 19]
				]
			]
		});
	});

	it('walk rules: given network distances stay unchanged by edits; without them, straight line', () => {
		const { buildings, unitOf } = randomCity(8, 1500, 4);
		const walk = new Float64Array(1500).fill(Infinity);
		for (let i = 0; i < 1500; i += 3) walk[i] = 10;
		const f: CoverageFacility = { id: 'w', category: 'b', geometry: { type: 'Point', coordinates: [118.74, 32.03] } };
		const frozen = new CoverageWhatIf(buildings, unitOf, 4, rules, [f], { walkDistances: new Map([['walk:b', walk]]) });
		const walkBefore = frozen.results().filter((r) => r.ruleId === 'bwalk');
		frozen.move('w', 118.71, 32.01);
		frozen.add({ id: 'w2', category: 'b', geometry: { type: 'Point', coordinates: [118.75, 32.05] } });
		expect(frozen.results().filter((r) => r.ruleId === 'bwalk')).toEqual(walkBefore);
		expect(frozen.distances('walk:b')).toBe(walk);
		const straight = new CoverageWhatIf(buildings, unitOf, 4, rules, [f]);
		expect(straight.distances('walk:b')).toBe(straight.distances('straight:b'));
	});
});

describe('suggestSites', () => {
	it('picks the obviously best site first, then the next; gains match a facility added there', () => {
		const pts: [number, number, number][] = [];
		// cluster A: 10 buildings × 50 households around (118.78, 32.04); B: 3 × 10 around (118.80, 32.04); C far, 1 × 5
		for (let i = 0; i < 10; i++) pts.push([118.78 + (i % 5) * 0.0004, 32.04 + Math.floor(i / 5) * 0.0004, 50]);
		for (let i = 0; i < 3; i++) pts.push([118.8 + i * 0.0003, 32.04, 10]);
		pts.push([118.84, 32.06, 5]);
		const b: BuildingSet = {
			ids: pts.map((_, i) => `b${i}`),
			lon: Float64Array.from(pts, (p) => p[0]),
			lat: Float64Array.from(pts, (p) => p[1]),
			households: Float64Array.from(pts, (p) => p[2])
		};
		const none = new Float64Array(pts.length).fill(Infinity);
		const candidates = [
			{ lon: 118.8003, lat: 32.0401, id: 'B' },
			{ lon: 118.79, lat: 32.04, id: 'between' },
			{ lon: 118.7808, lat: 32.0402, id: 'A' }
		];
		const picks = suggestSites(b, none, 300, candidates, 3);
		expect(picks.map((p) => p.id)).toEqual(['A', 'B']); // 'between' reaches nobody within 300 m
		expect(picks[0]).toMatchObject({ householdsGained: 500, buildingsGained: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
		expect(picks[1]).toMatchObject({ householdsGained: 30, buildingsGained: [10, 11, 12] });
		// the mask keeps only cluster B; default candidates are the demand buildings
		const mask = Uint8Array.from(pts, (_, i) => (i >= 10 && i < 13 ? 1 : 0));
		const masked = suggestSites(b, none, 300, [], 2, mask);
		expect(masked).toHaveLength(1);
		expect(masked[0]).toMatchObject({ id: 'b10', householdsGained: 30 });
		// covered buildings are not demand
		const covered = nearestFacilityDistances(b, [{ id: 'A', category: 'x', geometry: { type: 'Point', coordinates: [118.7808, 32.0402] } }], 300);
		expect(suggestSites(b, covered.distanceM, 300, candidates, 3).map((p) => p.id)).toEqual(['B']);
		// a site added as a facility covers exactly buildingsGained
		const added = nearestFacilityDistances(b, [{ id: 'B', category: 'x', geometry: { type: 'Point', coordinates: [118.8003, 32.0401] } }], 300);
		expect([...added.distanceM.keys()].filter((i) => added.distanceM[i] <= 300)).toEqual(picks[1].buildingsGained);
	});
});

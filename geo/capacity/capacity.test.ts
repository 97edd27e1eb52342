import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, LineString, Point } from 'geojson';
import {
	buildingDemand,
	evaluateCapacity,
	straightCatchments,
	walkCatchments,
	PERSONS_PER_HOUSEHOLD,
	type CapacityFacility,
	type Catchments,
	type CapacityRuleSpec
} from './index';
import { buildWalkGraph } from '../network/graph';
import { snapBuildings } from '../coverage/walk';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');

interface FixtureRule extends CapacityRuleSpec {
	reachM: number;
	metric: 'straight' | 'walk';
}

function load(name: string) {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection & { units: number; rules: FixtureRule[] };
	const bs = fc.features.filter((f) => f.properties?.kind === 'building');
	const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
	const facilities: CapacityFacility[] = fc.features
		.filter((f) => f.properties?.kind === 'facility')
		.map((f) => ({ id: String(f.id), category: f.properties!.category, geometry: f.geometry, capacity: num(f.properties!.capacity) }));
	const roads = fc.features.filter((f) => f.properties?.kind === 'road').map((f) => ({ sourceId: String(f.id), geometry: f.geometry as LineString }));
	return {
		ids: bs.map((f) => String(f.id)),
		buildings: {
			lon: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[0]),
			lat: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[1])
		},
		households: Float64Array.from(bs, (f) => num(f.properties!.households)),
		population: Float64Array.from(bs, (f) => num(f.properties!.population)),
		unitOf: Int32Array.from(bs, (f) => f.properties!.unit),
		units: fc.units,
		rules: fc.rules,
		facilities,
		roads
	};
}

const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function run(name: string) {
	const fx = load(name);
	const graph = fx.roads.length ? buildWalkGraph(fx.roads) : null;
	const snap = graph ? snapBuildings(graph, fx.buildings) : null;
	const capacity = Float64Array.from(fx.facilities, (f) => f.capacity);
	const out: Record<string, unknown> = {};
	const evaluations: Record<string, ReturnType<typeof evaluateCapacity>> = {};
	for (const rule of fx.rules) {
		const c: Catchments =
			rule.metric === 'walk'
				? walkCatchments(graph!, snap!, fx.buildings, fx.facilities, rule.reachM)
				: straightCatchments(fx.buildings, fx.facilities, rule.reachM);
		const demand = buildingDemand(fx.households, fx.population, rule.basis);
		const ev = evaluateCapacity(demand, fx.unitOf, fx.units, c, capacity, rule);
		evaluations[rule.id] = ev;
		out[rule.id] = {
			catchments: Object.fromEntries(
				fx.facilities.map((f, i) => [
					f.id,
					Object.fromEntries([...c.building.subarray(c.start[i], c.start[i + 1])].map((b, k) => [fx.ids[b], r2(c.distanceM[c.start[i] + k])]))
				])
			),
			facilities: ev.facilities.map((f) => ({
				id: fx.facilities[f.facility].id,
				capacity: f.capacity,
				buildings: f.buildings,
				demand: r2(f.demand),
				required: r2(f.required),
				shortfall: r2(f.shortfall),
				status: f.status
			})),
			units: ev.units.map((u) => ({
				unit: u.unit,
				status: u.status,
				buildings: u.buildings,
				demand: r2(u.demand),
				required: r2(u.required),
				supply: r2(u.supply),
				shortfall: r2(u.shortfall),
				share: u.share === null ? null : Math.round(u.share * 1e4) / 1e4,
				unknownFacilities: u.unknownFacilities
			})),
			access: Object.fromEntries(fx.ids.map((id, i) => [id, r2(ev.access[i])]))
		};
	}
	expect(out).toEqual(expectedOutput(path.join(dir, 'out', name.replace(/\.geojson$/, '.json')), out));
	return evaluations;
}

describe('capacity rules (geo/capacity)', () => {
	it('shares each facility among the buildings it reaches: the hand-computed figures of shared-catchments', () => {
		const ev = run('shared-catchments.geojson');
		const [u0, u1] = ev.places_10.units;
		expect(u0.status).toBe('fail');
		expect(u0.demand).toBeCloseTo(400 + 300 * PERSONS_PER_HOUSEHOLD, 9);
		expect(u0.supply).toBeCloseTo(6, 9);
		expect(u0.shortfall).toBeCloseTo(11.86 - 6, 9);
		expect(u1.status).toBe('pass');
		expect(u1.supply).toBeCloseTo((500 * 9) / 700, 9);
		const [a, b] = ev.places_10.facilities;
		expect([a.status, a.shortfall]).toEqual(['fail', expect.closeTo(5.86, 9)]);
		expect([b.status, b.demand, b.shortfall]).toEqual(['pass', 700, 0]);
		// Nothing is counted twice: the capacity allocated to buildings is the capacity of facilities with demand.
		const allocated = ev.places_10.units.reduce((s, u) => s + u.supply, 0) + 200 * (9 / 700);
		expect(allocated).toBeCloseTo(6 + 9, 9);
	});

	it('names the data gaps: unrecorded capacity counts 0 and is named, unknown demand is no_data, never pass', () => {
		const ev = run('data-gaps.geojson');
		expect(ev.space_30.units.map((u) => u.status)).toEqual(['fail', 'pass', 'no_data', 'no_data']);
		expect(ev.space_30.units[0].unknownFacilities).toBe(1);
		expect(ev.space_30.units[0].shortfall).toBeCloseTo(30, 9);
		expect(ev.space_30.facilities[0].status).toBe('no_capacity');
	});

	it('on foot: a building near in a straight line but off the network is not served', () => {
		const ev = run('walk-road.geojson');
		expect(ev.walk_20.facilities[0].buildings).toBe(2);
		expect(ev.straight_20.facilities[0].buildings).toBe(3);
		expect(ev.walk_20.units.map((u) => u.status)).toEqual(['pass', 'fail']);
		expect(ev.straight_20.units.map((u) => u.status)).toEqual(['fail', 'fail']);
	});

	it('says no_facilities and no_capacity instead of failing', () => {
		const demand = Float64Array.from([100, 200]);
		const unitOf = Int32Array.from([0, 0]);
		const rule = { id: 'r', basis: 'population' as const, demandPer: 1000, capacityPer: 5 };
		const none = evaluateCapacity(
			demand,
			unitOf,
			1,
			{ start: Int32Array.of(0), building: new Int32Array(0), distanceM: new Float64Array(0) },
			new Float64Array(0),
			rule
		);
		expect(none.units[0].status).toBe('no_facilities');
		const unrecorded = evaluateCapacity(
			demand,
			unitOf,
			1,
			{ start: Int32Array.of(0, 2), building: Int32Array.of(0, 1), distanceM: Float64Array.of(1, 2) },
			Float64Array.of(Number.NaN),
			rule
		);
		expect(unrecorded.units[0].status).toBe('no_capacity');
		expect(unrecorded.units[0].shortfall).toBeNull();
	});

	it("skips buildings without coordinates and keeps the others' indices", () => {
		const c = straightCatchments(
			{ lon: Float64Array.of(Number.NaN, 118.781, 118.79), lat: Float64Array.of(32.04, 32.04, 32.04) },
			[{ id: 'A', category: 'k', geometry: { type: 'Point', coordinates: [118.78, 32.04] } }],
			300
		);
		expect([...c.building]).toEqual([1]);
		expect(c.distanceM[0]).toBeCloseTo(94.45, 1);
	});

	it('demand: registered population first, else households × persons per household; unknown stays unknown', () => {
		const d = buildingDemand(Float64Array.of(10, 10, Number.NaN), Float64Array.of(30, Number.NaN, Number.NaN), 'population', 2.5);
		expect([...d]).toEqual([30, 25, Number.NaN]);
		expect([...buildingDemand(Float64Array.of(10, Number.NaN), null, 'households')]).toEqual([10, Number.NaN]);
	});
});

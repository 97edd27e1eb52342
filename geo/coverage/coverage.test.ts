// Coverage of facility rules on the fixtures (test/in → test/out): distances, results per rule and
// unit, evaluateRules' contract, and the packed result table.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distanceKey, distanceM, distanceToGeometry, evaluateRules, packResults, UnitResultTable, withFacilityCount, type UnitRuleResult } from './index';
import { expectedOutput } from '../test-fixture';
import { dir, loadFixture, straightDistances } from './test/fixture';

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

// Capacity rules (千人指标) on the embedded engine (and the server engine with TEST_DATABASE_URL): the
// rule kind in the catalogue (validated, stored, status D), migration 017 run twice, and the cells of
// the coverage report against an independent computation in SQL (ST_DWithin on geography) of the
// same two-step catchment, on the demo city with kindergartens imported with their seats.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { loadDemo } from '../src/lib/server/imports/demo';
import { getCoverage } from '../src/lib/server/coverage';
import { capacityCellDetail } from '../src/lib/server/coverage/views';
import { coverageCsv } from '../src/lib/server/coverage/export';
import { createRule, getRule, listRules, updateRule, validateRule, RuleValidationError } from '../src/lib/server/coverage/rules';
import { PERSONS_PER_HOUSEHOLD } from '$geo/capacity';
import { testEngines } from './helpers/engines';
import { importKindergartens, testCapacityRule } from './helpers/capacity-rule';

const capacityRule = testCapacityRule;

describe('capacity rule validation', () => {
	const fieldsOf = (input: object) => {
		try {
			validateRule(input, new Set(['kindergarten']));
		} catch (err) {
			expect(err).toBeInstanceOf(RuleValidationError);
			return (err as RuleValidationError).errors.map((e) => e.field);
		}
		return [];
	};
	it('accepts a capacity rule with status D (draft) and defaults per 1,000 residents', () => {
		const r = validateRule({ ...capacityRule, demandPer: undefined }, new Set(['kindergarten']));
		expect(r.demandPer).toBe(1000);
		expect(r.status).toBe('D');
	});
	it.each([
		[{ capacityAttribute: 'chairs' }, 'capacityAttribute'],
		[{ capacityPer: 0 }, 'capacityPer'],
		[{ capacityPer: -3 }, 'capacityPer'],
		[{ demandPer: 0 }, 'demandPer'],
		[{ demandBasis: 'cars' }, 'demandBasis'],
		[{ capacityUnitZh: '' }, 'capacityUnitZh'],
		[{ capacityUnitEn: undefined }, 'capacityUnitEn'],
		[{ personsPerHousehold: 0 }, 'personsPerHousehold'],
		[{ maxDistanceM: undefined }, 'maxDistanceM'],
		[{ category: 'spaceship' }, 'category'],
		[{ decay: 'cubic' }, 'decay'],
		[{ decay: 'gravity', decayBeta: 99 }, 'decayBeta']
	])('refuses %j (field %s)', (patch, field) => {
		expect(fieldsOf({ ...capacityRule, ...patch })).toContain(field);
	});
});

for (const engine of testEngines()) {
	describe(`capacity rules on ${engine.name}`, () => {
		let db: Db;
		let kindergartens: { id: string; lon: number; lat: number; seats: number | null }[];

		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
			// Three kindergartens at demo buildings (the demo has none): 120 and 15 seats, one unrecorded.
			const made = await importKindergartens(db, [
				{ id: 'kg-a', at: 0, seats: 120 },
				{ id: 'kg-b', at: 200, seats: 15 },
				{ id: 'kg-c', at: 399, seats: null }
			]);
			kindergartens = made.kindergartens;
			expect(made.written).toBe(3);
			await createRule(db, capacityRule);
		}, 300_000);
		afterAll(() => engine.cleanup());

		it('migration 017 seeds the capacity rules with a named source, drafts disabled, and runs twice unchanged', async () => {
			const rules = (await listRules(db)).filter((r) => r.kind === 'capacity' && r.id !== 'test_places');
			expect(rules.length).toBeGreaterThanOrEqual(4);
			for (const r of rules) {
				expect(r.source.length).toBeGreaterThan(10);
				if (r.status === 'D') expect(r.enabled).toBe(false);
			}
			expect((await getRule(db, 'capacity_childcare_places'))!.capacityPer).toBe(4.5);
			// The seeded 附录C sources name their table.
			expect((await getRule(db, 'culture_500'))!.source).toBe('GB 50180-2018 附录C 表C.0.2');
			expect((await getRule(db, 'junior_school_1000'))!.source).toBe('GB 50180-2018 附录C 表C.0.1');
			const sql = fs.readFileSync(path.join(import.meta.dirname, '../migrations/017_capacity_rules.sql'), 'utf8');
			const before = await listRules(db);
			await db.transaction((tx) => tx.exec(sql));
			await db.transaction((tx) => tx.exec(sql));
			expect(await listRules(db)).toEqual(before);
			// The table refuses a capacity rule without its fields, whatever the app checks first.
			await expect(
				db.query(`INSERT INTO coverage_rules (id, kind, category_code, name_zh, name_en, level, metric, max_distance_m, source, status)
					VALUES ('bad_capacity', 'capacity', 'kindergarten', 'x', 'x', '5min', 'straight', 300, 'x', 'D')`)
			).rejects.toThrow();
		});

		it('per community: capacity allocated by the two-step catchment equals the same computation in SQL', async () => {
			const state = await getCoverage(db);
			const cells = state.report.cells.filter((c) => c.rule === 'test_places');
			expect(cells.length).toBe(state.report.communities.length);
			// Independent: facilities' demand within 500 m (geography), ratio = seats ÷ demand, per building Σ ratio.
			const rows = await db.query<{ community: string; demand: number; supply: number; unknown: boolean }>(
				`WITH b AS (SELECT id, community_code, households, coalesce(population::float8, households * $1::float8) AS d, ST_PointOnSurface(geom)::geography AS g FROM buildings),
				 f AS (SELECT id, (attributes->>'seats')::float8 AS seats, geom::geography AS g FROM facilities WHERE category_code = 'kindergarten'),
				 fd AS (SELECT f.id, f.seats, sum(b.d) AS demand FROM f JOIN b ON ST_DWithin(b.g, f.g, 500) GROUP BY f.id, f.seats),
				 ratio AS (SELECT b.id, sum(coalesce(fd.seats, 0) / fd.demand) AS r FROM b JOIN f ON ST_DWithin(b.g, f.g, 500) JOIN fd ON fd.id = f.id GROUP BY b.id)
				 SELECT b.community_code AS community, sum(b.d) AS demand, sum(b.d * coalesce(ratio.r, 0)) AS supply, bool_or(b.households IS NULL) AS unknown
				 FROM b LEFT JOIN ratio ON ratio.id = b.id WHERE b.community_code IS NOT NULL GROUP BY b.community_code`,
				[PERSONS_PER_HOUSEHOLD]
			);
			let judged = 0;
			let failing = 0;
			let served = 0;
			for (const row of rows) {
				const cell = cells.find((c) => c.community === row.community)!;
				if (row.unknown) {
					expect(cell.status).toBe('no_data');
					continue;
				}
				judged++;
				const required = (Number(row.demand) / 1000) * 20;
				expect(cell.capacity!.demand).toBeCloseTo(Number(row.demand), 6);
				expect(cell.capacity!.required).toBeCloseTo(required, 6);
				expect(cell.capacity!.supply).toBeCloseTo(Number(row.supply), 6);
				if (Number(row.supply) > 0) served++;
				const short = required - Number(row.supply);
				expect(cell.status).toBe(short > 1e-6 ? 'fail' : 'pass');
				if (cell.status === 'fail') {
					failing++;
					expect(cell.capacity!.shortfall).toBe(Math.ceil(short - 1e-6));
				}
			}
			expect(judged).toBeGreaterThan(5);
			expect(served).toBeGreaterThan(0);
			expect(failing).toBeGreaterThan(0);
			// The whole capacity recorded is allocated to buildings of some community or outside all, never twice.
			const total = cells.reduce((s, c) => s + (c.capacity?.supply ?? 0), 0);
			expect(total).toBeLessThanOrEqual(120 + 15 + 1e-6);
		});

		it('per facility: capacity against the demand within reach, the shortfall in the rule unit; unrecorded named', async () => {
			const state = await getCoverage(db);
			const served = state.report.cells.find((c) => c.rule === 'test_places' && (c.capacity?.supply ?? 0) > 0)!;
			const detail = (await capacityCellDetail(db, served.community, 'test_places'))!;
			expect(detail.kind).toBe('capacity');
			expect(detail.facilities.length).toBeGreaterThan(0);
			for (const f of detail.facilities) {
				const k = kindergartens.find((x) => f.id.endsWith(x.id))!;
				expect(f.capacity).toBe(k.seats);
				expect(f.required).toBeCloseTo((f.demand / 1000) * 20, 9);
				if (f.capacity === null) expect(f.status).toBe('no_capacity');
				else expect(f.shortfall).toBe(Math.max(0, Math.ceil(f.required - f.capacity - 1e-6)));
			}
			// A distance rule answers null here (cellDetail answers it).
			expect(await capacityCellDetail(db, served.community, 'culture_500')).toBeNull();
			// Exports carry the figures.
			const csv = coverageCsv(state.report);
			expect(csv.split('\n')[0]).toContain('capacity_short');
		});

		it('a category whose facilities record no capacity says so; an edit of the rule recomputes', async () => {
			await updateRule(db, 'test_places', { capacityAttribute: 'beds' });
			const cells = (await getCoverage(db)).report.cells.filter((c) => c.rule === 'test_places');
			expect(cells.every((c) => c.status === 'no_capacity' || c.status === 'no_data')).toBe(true);
			expect(cells.some((c) => c.status === 'no_capacity')).toBe(true);
			await updateRule(db, 'test_places', { capacityAttribute: 'seats', metric: 'walk' });
			const walked = (await getCoverage(db)).report.cells.filter((c) => c.rule === 'test_places');
			expect(walked.some((c) => c.metricUsed === 'walk')).toBe(true);
			expect(walked.some((c) => c.status === 'fail')).toBe(true);
			// A distance decay (E2SFCA) moves capacity towards the buildings near each facility: the
			// communities' shares change, the capacity allocated in all stays the same.
			await updateRule(db, 'test_places', { metric: 'straight', decay: 'gaussian' });
			const decayed = (await getCoverage(db)).report.cells.filter((c) => c.rule === 'test_places');
			await updateRule(db, 'test_places', { decay: 'none' });
			const plain = (await getCoverage(db)).report.cells.filter((c) => c.rule === 'test_places');
			const total = (cells: typeof plain) => cells.reduce((s, c) => s + (c.capacity?.supply ?? 0), 0);
			expect(total(decayed)).toBeCloseTo(total(plain), 6);
			expect(decayed.some((c, i) => Math.abs((c.capacity?.supply ?? 0) - (plain[i].capacity?.supply ?? 0)) > 0.01)).toBe(true);
		});
	});
}

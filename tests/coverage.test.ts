// Coverage compliance on the real demo data, on both engines: the covered-building sets equal
// PostGIS ST_DWithin on geography (except buildings within 1 m of a radius), rules are validated
// with clear messages, results export and parse back, the CLI prints parseable rows.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvParse } from 'd3-dsv';
import type { Db } from '../src/lib/server/db';
import { loadDemo } from '../src/lib/server/imports/demo';
import { cellDetail, computeCoverage, filterReport, getCoverage, suggestForCell, whatIfWalk, CoverageInputError } from '../src/lib/server/coverage';
import { coverageCsv, coverageGeoJSON, CSV_COLUMNS } from '../src/lib/server/coverage/export';
import {
	createRule,
	deleteRule,
	getRule,
	listRules,
	updateRule,
	validateRule,
	RuleExistsError,
	RuleNotFoundError,
	RuleValidationError
} from '../src/lib/server/coverage/rules';
import { FacilityIndex, nearestFacilityDistances } from '$geo/coverage';
import { runCoverage } from '../src/cli/coverage';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import { communitiesWithData } from '../src/lib/coverage/with-data';
import { lifeCircles, LifeCircleError } from '../src/lib/server/coverage/life-circle';
import { facilityServes } from '../src/lib/server/coverage/walk';
import { snapBuildings, walkNearest } from '$geo/coverage/walk';
import { getWalkGraph, serveIsochrone } from '../src/lib/server/map/walk-network';
import { testEngines } from './helpers/engines';
import { POST as suggestRoute } from '../src/routes/api/coverage/suggest/+server';

// The suggest route reads the database of the test that is running (runtime's requireDb, mocked).
const routeDb = vi.hoisted(() => ({ db: null as Db | null }));
vi.mock('../src/lib/server/runtime', async (importOriginal) => {
	const original = await importOriginal<typeof import('../src/lib/server/runtime')>();
	return { ...original, requireDb: () => routeDb.db ?? original.requireDb() };
});

/** POST /api/coverage/suggest with this body: status and JSON. */
async function postSuggest(body: unknown): Promise<{ status: number; json: Record<string, any> }> {
	const request = new Request('http://localhost/api/coverage/suggest', {
		method: 'POST',
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json' }
	});
	const res = await suggestRoute({ request } as Parameters<typeof suggestRoute>[0]);
	return { status: res.status, json: await res.json() };
}

const CATEGORIES = new Set(['school', 'park', 'plaza']);
const base = {
	id: 'test_rule',
	nameZh: '测试',
	nameEn: 'Test',
	level: '15min' as const,
	source: '测试依据',
	status: 'P' as const,
	category: 'school',
	metric: 'straight' as const
};

describe('rule validation', () => {
	const errorsOf = (input: object) => {
		try {
			validateRule(input, CATEGORIES);
		} catch (err) {
			expect(err).toBeInstanceOf(RuleValidationError);
			return (err as RuleValidationError).errors.map((e) => e.field);
		}
		return [];
	};
	it('accepts a distance rule and a minutes rule', () => {
		expect(validateRule({ ...base, maxDistanceM: 500 }, CATEGORIES).maxDistanceM).toBe(500);
		const r = validateRule({ ...base, maxMinutes: 15, metric: 'walk' }, CATEGORIES);
		expect(r.walkSpeedMPerMin).toBe(WALK_SPEED_M_PER_MIN); // the one default (geo/network/speed.ts);
		expect(r.requiredSharePct).toBe(100);
	});
	it.each([
		[{ maxDistanceM: -5 }, 'maxDistanceM'],
		[{ maxDistanceM: 0 }, 'maxDistanceM'],
		[{ maxDistanceM: 99999 }, 'maxDistanceM'],
		[{ maxDistanceM: 500, category: 'spaceship' }, 'category'],
		[{ maxDistanceM: 500, requiredSharePct: 120 }, 'requiredSharePct'],
		[{ maxDistanceM: 500, requiredSharePct: -1 }, 'requiredSharePct'],
		[{ maxDistanceM: 500, requiredSharePct: 0 }, 'requiredSharePct'],
		[{}, 'maxDistanceM'],
		[{ maxDistanceM: 500, maxMinutes: 5 }, 'maxMinutes'],
		[{ maxMinutes: 5, walkSpeedMPerMin: 0 }, 'walkSpeedMPerMin'],
		[{ maxDistanceM: 500, id: 'Bad Id' }, 'id'],
		[{ maxDistanceM: 500, level: 'galaxy' }, 'level'],
		[{ maxDistanceM: 500, status: 'X' }, 'status'],
		[{ maxDistanceM: 500, metric: 'flight' }, 'metric'],
		[{ maxDistanceM: 500, nameZh: ' ' }, 'nameZh']
	])('refuses %j (field %s)', (patch, field) => {
		expect(errorsOf({ ...base, ...patch })).toContain(field);
	});
	it('names the value and the range in both languages', () => {
		try {
			validateRule({ ...base, maxDistanceM: 500, requiredSharePct: 150 }, CATEGORIES);
			expect.unreachable();
		} catch (err) {
			const e = (err as RuleValidationError).errors[0];
			expect(e.zh).toContain('0–100%');
			expect(e.zh).toContain('150');
			expect(e.en).toContain('0–100%');
		}
	});
});

for (const engine of testEngines()) {
	describe(`coverage on the demo city (${engine.name})`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
		}, 300_000);
		afterAll(() => engine.cleanup());

		it('straight-line covered sets equal ST_DWithin on geography (except within 1 m of the radius)', async () => {
			const state = await getCoverage(db);
			const b = state.buildings;
			expect(b.ids.length).toBeGreaterThan(1000);
			let compared = 0;
			for (const [category, radius] of [
				['school', 1000],
				['park', 500],
				['clinic', 300],
				['bus_stop', 500],
				['supermarket', 300],
				['plaza', 2000]
			] as const) {
				const facilities = state.facilitiesByCategory.get(category) ?? (await facilitiesOf(db, category));
				const mine = nearestFacilityDistances(b, FacilityIndex.build(facilities), radius + 5);
				const rows = await db.query<{ source_id: string; d: number }>(
					`SELECT b.source_id, min(ST_Distance(ST_PointOnSurface(b.geom)::geography, f.geom::geography)) AS d
					 FROM buildings b JOIN facilities f ON f.category_code = $1
						AND ST_DWithin(ST_PointOnSurface(b.geom)::geography, f.geom::geography, $2 + 5)
					 GROUP BY b.source_id`,
					[category, radius]
				);
				const sqlDist = new Map(rows.map((r) => [r.source_id, Number(r.d)]));
				const within = await db.query<{ source_id: string }>(
					`SELECT b.source_id FROM buildings b WHERE EXISTS (SELECT 1 FROM facilities f WHERE f.category_code = $1
						AND ST_DWithin(ST_PointOnSurface(b.geom)::geography, f.geom::geography, $2))`,
					[category, radius]
				);
				const sqlCovered = new Set(within.map((r) => r.source_id));
				expect(sqlCovered.size, `${category}: some buildings covered`).toBeGreaterThan(0);
				for (let i = 0; i < b.ids.length; i++) {
					const d = sqlDist.get(b.ids[i]);
					if (d !== undefined && Math.abs(d - radius) <= 1) continue;
					expect(mine.distanceM[i] <= radius, `${category} ${radius} m: building ${b.ids[i]} (sql ${d}, js ${mine.distanceM[i]})`).toBe(
						sqlCovered.has(b.ids[i])
					);
					if (d !== undefined) expect(Math.abs(mine.distanceM[i] - d)).toBeLessThan(0.5);
					compared++;
				}
			}
			expect(compared).toBeGreaterThan(6000);
		});

		it('reports every community × enabled rule, never "pass" without households', async () => {
			const { report } = await getCoverage(db);
			const rules = await listRules(db, { enabledOnly: true });
			expect(report.cells.length).toBe(report.communities.length * rules.length);
			for (const cell of report.cells) {
				if (cell.buildings === 0 && cell.rule !== 'service_space_30') expect(cell.status).toBe('no_data');
				if (cell.status === 'pass') expect(cell.householdsTotal).toBeGreaterThan(0);
				// (capacity cells give their shortfall in the rule's unit: tests/capacity.test.ts)
				if (cell.status === 'fail' && !cell.capacity) expect(cell.householdsShort).toBeGreaterThan(0);
				if (cell.share !== null && !cell.capacity) expect(cell.householdsCovered).toBe(Math.round(cell.share * cell.householdsTotal));
			}
			expect(report.cells.some((c) => c.status === 'pass')).toBe(true);
			// Buildings too far from any walkable way are counted and reported, never silently attached.
			expect(report.walkUnsnapped).toBeGreaterThanOrEqual(0);
			expect(report.walkUnsnapped).toBeLessThan(report.cells.length);
			expect(report.cells.some((c) => c.status === 'fail')).toBe(true);
			// Subdistrict totals: the share of judged communities passing.
			for (const s of report.subdistricts) {
				const mine = report.cells.filter((c) => c.rule === s.rule && c.community.startsWith(s.code) && (c.status === 'pass' || c.status === 'fail'));
				expect(s.share).toBe(mine.length ? mine.filter((c) => c.status === 'pass').length / mine.length : null);
			}
		});

		it('a cell detail lists the uncovered buildings and nearby facilities', async () => {
			const { report } = await getCoverage(db);
			// A partly covered community: some facilities reach it, some buildings are left out.
			const failing = report.cells.find((c) => c.status === 'fail' && (c.share ?? 0) > 0.2 && c.metricUsed !== null)!;
			expect(failing).toBeTruthy();
			const detail = await cellDetail(db, failing.community, failing.rule);
			const uncovered = detail.buildings.features.filter((f) => !f.properties!.covered);
			expect(uncovered.length).toBe(failing.uncovered);
			expect(detail.buildings.features.length).toBe(failing.buildings);
			for (const f of uncovered) expect((f.properties!.distance_m ?? Infinity) > detail.reachM).toBe(true);
			expect(detail.facilities.features.length).toBeGreaterThan(0);
			await expect(cellDetail(db, '999999999999', failing.rule)).rejects.toBeInstanceOf(CoverageInputError);
			await expect(cellDetail(db, failing.community, 'no_such_rule')).rejects.toThrow(/no enabled rule/);
		});

		it('suggests sites that add households, best first', async () => {
			const { report } = await getCoverage(db);
			// (the demo has no kindergarten: kindergarten_300 reads "no such facility", tests/readiness.test.ts)
			const failing = report.cells.find((c) => c.status === 'fail' && c.rule === 'culture_500')!;
			const { suggestions } = await suggestForCell(db, failing.community, failing.rule, 3);
			expect(suggestions.length).toBeGreaterThan(0);
			expect(suggestions[0].householdsGained).toBeGreaterThan(0);
			expect(suggestions[0].householdsGained).toBeLessThanOrEqual(failing.householdsTotal - failing.householdsCovered);
			for (let i = 1; i < suggestions.length; i++) expect(suggestions[i].householdsGained).toBeLessThanOrEqual(suggestions[i - 1].householdsGained);
			await expect(suggestForCell(db, failing.community, failing.rule, 0)).rejects.toThrow(/1–20/);
		});

		it('POST /api/coverage/suggest: greedy by default, optimal sites (mclp, lscp) with status, gap and the greedy beside them; refusals', async () => {
			routeDb.db = db;
			const { report } = await getCoverage(db);
			const failing = report.cells.find((c) => c.status === 'fail' && c.rule === 'culture_500')!;
			const cell = { community: failing.community, rule: failing.rule };
			const greedy = await postSuggest({ ...cell, k: 3 });
			expect(greedy.status).toBe(200);
			expect(greedy.json.method).toBe('greedy');
			expect(greedy.json.optimal).toBeUndefined();
			const greedyHouseholds = greedy.json.suggestions.reduce((h: number, s: { householdsGained: number }) => h + s.householdsGained, 0);

			const mclp = await postSuggest({ ...cell, k: 3, method: 'mclp', timeLimitS: 10 });
			expect(mclp.status, JSON.stringify(mclp.json)).toBe(200);
			const o = mclp.json.optimal;
			expect(o).toMatchObject({ status: 'optimal', gap: 0, timeLimitS: 10 });
			expect(mclp.json.suggestions.length).toBeLessThanOrEqual(3);
			expect(mclp.json.suggestions[0]).toHaveProperty('road');
			expect(mclp.json.suggestions.reduce((h: number, s: { householdsGained: number }) => h + s.householdsGained, 0)).toBe(o.householdsCovered);
			expect(o.greedy.householdsCovered).toBe(greedyHouseholds); // the same greedy as method 'greedy'
			expect(o.greedy.householdsShort).toBe(o.householdsCovered - greedyHouseholds);
			expect(o.householdsCovered).toBeLessThanOrEqual(failing.householdsTotal - failing.householdsCovered);

			const lscp = await postSuggest({ ...cell, method: 'lscp' });
			expect(lscp.status).toBe(200);
			expect(lscp.json.optimal.status).toBe('optimal');
			expect(lscp.json.optimal.householdsCovered + lscp.json.optimal.uncoverableHouseholds).toBe(lscp.json.optimal.demandHouseholds);
			expect(lscp.json.optimal.greedy.extraSites).toBeGreaterThanOrEqual(0);
			expect(lscp.json.suggestions.length).toBe(lscp.json.optimal.greedy.sites - lscp.json.optimal.greedy.extraSites);

			// capacities on given candidates: each serves at most its own
			const home = (await cellDetail(db, failing.community, failing.rule)).buildings.features.find((f) => !f.properties!.covered)!.properties!;
			const capped = await postSuggest({ ...cell, k: 1, method: 'mclp', candidates: [{ lon: home.lon, lat: home.lat, capacity: 5 }] });
			expect(capped.status, JSON.stringify(capped.json)).toBe(200);
			expect(capped.json.optimal.householdsCovered).toBeLessThanOrEqual(5);

			const refused = async (body: object, code: string) => {
				const r = await postSuggest({ ...cell, ...body });
				expect(r.status, JSON.stringify(r.json)).toBe(400);
				expect(r.json.code).toBe(code);
				expect(r.json.message).toMatch(/[\u4e00-\u9fff].*\/ [a-z]/);
			};
			await refused({ method: 'best' }, 'bad_method');
			await refused({ method: 'mclp', timeLimitS: 0 }, 'bad_time_limit');
			await refused({ method: 'mclp', timeLimitS: 31 }, 'bad_time_limit');
			await refused({ method: 'mclp', timeLimitS: '5' }, 'bad_time_limit');
			await refused({ method: 'mclp', k: 0 }, 'bad_parameter');
			await refused({ method: 'mclp', candidates: [{ lon: 118.78, lat: 32.04, capacity: -1 }] }, 'bad_candidates');
			await refused({ method: 'mclp', k: 2, candidates: [{ lon: 118.78, lat: 32.04 }] }, 'bad_k');
			routeDb.db = null;
		}, 120_000);

		it('walking what-if: a facility added beside uncovered homes raises the share; removing all lowers it', async () => {
			const state = await getCoverage(db);
			expect(state.report.walkNetwork).toBe(true);
			const failing = state.report.cells.find((c) => c.rule === 'culture_500' && c.status === 'fail' && c.uncovered > 0)!;
			const detail = await cellDetail(db, failing.community, failing.rule);
			const home = detail.buildings.features.find((f) => !f.properties!.covered)!.properties!;
			const up = await whatIfWalk(db, { rule: failing.rule, community: failing.community, added: [{ lon: home.lon, lat: home.lat }], removed: [] });
			const mine = up.cells.find((c) => c.community === failing.community && c.rule === failing.rule)!;
			expect(mine.householdsCovered).toBeGreaterThan(failing.householdsCovered);
			expect(mine.metricUsed).toBe('walk');
			expect(up.distances[home.id]).not.toBeNull();
			expect(up.distances[home.id]!).toBeLessThanOrEqual(500);
			const all = state.facilitiesByCategory.get('culture')!.map((f) => f.id);
			expect(all.length).toBeGreaterThan(0);
			const down = await whatIfWalk(db, { rule: failing.rule, community: failing.community, added: [], removed: all });
			expect(down.cells.every((c) => c.householdsCovered === 0 || c.status === 'no_data')).toBe(true);
			await expect(whatIfWalk(db, { rule: 'leisure_plaza_2000', community: failing.community, added: [], removed: [] })).rejects.toThrow(/not a walking rule/);
		});

		it('life circles: categories per level from the walking rules; complete ≤ every category; summary weighted by households', async () => {
			const report = await lifeCircles(db);
			expect(report.walkNetwork).toBe(true);
			expect(report.levels.map((l) => l.level)).toEqual(['5min', '10min', '15min']);
			expect(report.levels.find((l) => l.level === '5min')!.categories).toEqual(expect.arrayContaining(['kindergarten', 'elderly_care', 'community_centre']));
			const withHomes = report.communities.filter((c) => c.households > 0);
			expect(withHomes.length).toBeGreaterThan(10);
			for (const c of withHomes) {
				for (const l of c.levels) {
					for (const cat of l.categories) {
						// a category with no facility in the data has no share (tests/readiness.test.ts)
						if (report.absentCategories.some((a) => a.code === cat.category)) {
							expect(cat.share).toBeNull();
							continue;
						}
						expect(cat.share).toBeGreaterThanOrEqual(0);
						expect(cat.share!).toBeLessThanOrEqual(1);
						expect(l.completeShare!).toBeLessThanOrEqual(cat.share! + 1e-9);
					}
					expect(l.missing).toEqual(l.categories.filter((x) => x.share !== null && x.share < report.target).map((x) => x.category));
				}
			}
			for (const s of report.subdistricts) {
				const mine = withHomes.filter((c) => c.subdistrictCode === s.code);
				const households = mine.reduce((a, c) => a + c.households, 0);
				const complete = mine.reduce((a, c) => a + c.households * c.levels.find((l) => l.level === '15min')!.completeShare!, 0);
				if (households > 0) expect(s.complete15Share!).toBeCloseTo(complete / households, 9);
			}
			// Slower walkers reach less.
			const slow = await lifeCircles(db, 50);
			const sum = (r: typeof report) => r.communities.reduce((a, c) => a + (c.levels[2].completeShare ?? 0), 0);
			expect(sum(slow)).toBeLessThanOrEqual(sum(report));
			await expect(lifeCircles(db, 0)).rejects.toBeInstanceOf(LifeCircleError);
			await expect(lifeCircles(db, -3)).rejects.toThrow(/0–200/);
		});

		it('a facility catchment: the households it serves within N minutes, by network distance', async () => {
			const state = await getCoverage(db);
			const clinic = state.facilitiesByCategory.get('clinic')!.find((f) => f.geometry.type === 'Point')!;
			const served = await facilityServes(db, state.buildings, clinic.id, 15, 75);
			expect(served.area.geometry!.type).toMatch(/Polygon/);
			expect(served.buildings).toBeGreaterThan(0);
			// The same count from an independent path: the multi-source search with this one facility.
			const graph = await getWalkGraph(db);
			const alone = walkNearest(graph, snapBuildings(graph, state.buildings), [clinic], 15 * 75);
			const reached = [...alone.distanceM].filter((d) => d <= 15 * 75).length;
			expect(served.buildings).toBe(reached);
			const slow = await facilityServes(db, state.buildings, clinic.id, 15, 50);
			expect(slow.households).toBeLessThanOrEqual(served.households);
			await expect(facilityServes(db, state.buildings, 'no-such', 15, 75)).rejects.toThrow(/no facility no-such/);
		});

		it('walks from a community, a building or a facility by id, and names an unknown one', async () => {
			const [c] = await db.query<{ code: string }>('SELECT code FROM communities WHERE geom IS NOT NULL ORDER BY code LIMIT 1');
			const [b] = await db.query<{ source_id: string }>('SELECT source_id FROM buildings ORDER BY id LIMIT 1');
			const [f] = await db.query<{ source_id: string }>('SELECT source_id FROM facilities ORDER BY id LIMIT 1');
			for (const q of [`community=${c.code}`, `building=${encodeURIComponent(b.source_id)}`, `facility=${encodeURIComponent(f.source_id)}`]) {
				const r = await serveIsochrone(db, new URLSearchParams(`${q}&minutes=10`));
				expect(r.status, q).toBe(200);
				expect((r.body as { features: unknown[] }).features, q).toHaveLength(1);
			}
			const unknown = await serveIsochrone(db, new URLSearchParams('community=999999999999'));
			expect(unknown.status).toBe(400);
			expect((unknown.body as { message: string }).message).toMatch(/no community 999999999999/);
		});

		it('exports CSV and GeoJSON that parse back to the same numbers', async () => {
			const { report } = await getCoverage(db);
			const csv = coverageCsv(report);
			const rows = csvParse(csv.replace(/^\ufeff/, ''));
			expect(rows.columns).toEqual([...CSV_COLUMNS]);
			expect(rows.length).toBe(report.cells.length);
			const mapped = new Set((await db.query<{ code: string }>('SELECT code FROM communities WHERE geom IS NOT NULL')).map((r) => r.code));
			const first = report.cells.find((c) => mapped.has(c.community))!;
			const row = rows.find((r) => r.community_code === first.community && r.rule_id === first.rule)!;
			expect(Number(row.households_total)).toBe(first.householdsTotal);
			expect(row.status).toBe(first.status);
			const fc = JSON.parse(JSON.stringify(await coverageGeoJSON(db, report)));
			expect(fc.features.length).toBe(report.communities.length);
			const f = fc.features.find((x: any) => x.properties.code === first.community);
			expect(f.properties[`${first.rule}.status`]).toBe(first.status);
			expect(f.geometry.type).toMatch(/Polygon/);
			// Listed communities without a boundary are exported too, with a null geometry.
			expect(fc.features.filter((x: any) => x.geometry === null).length).toBe(report.communities.length - mapped.size);
		});

		it('the CLI prints per-community rows and per-building distances', async () => {
			const { report } = await getCoverage(db);
			const community = report.communities[0].code;
			let out = '';
			expect(await runCoverage(db, ['--community', community, '--format', 'json'], (s) => (out += s))).toBe(0);
			const rows = JSON.parse(out);
			expect(rows.length).toBe(filterReport(report, { community }).cells.length);
			expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['community', 'rule', 'households_total', 'households_covered', 'share', 'pass']));
			out = '';
			expect(await runCoverage(db, ['--community', community, '--per-building'], (s) => (out += s))).toBe(0);
			const perBuilding = csvParse(out);
			expect(perBuilding.columns.slice(0, 3)).toEqual(['building', 'community', 'households']);
			expect(perBuilding.length).toBe(report.cells.find((c) => c.community === community)!.buildings);
			// The whole city: communities with buildings only (a code list's thousands of empty ones
			// are "no data" under every rule), named; --all prints every listed community.
			out = '';
			expect(await runCoverage(db, [], (s) => (out += s))).toBe(0);
			const csv = csvParse(out);
			expect(csv.columns.slice(0, 6)).toEqual(['community', 'community_name', 'subdistrict', 'subdistrict_name', 'rule', 'rule_name']);
			const withData = communitiesWithData(report);
			expect(new Set(csv.map((r) => r.community))).toEqual(withData);
			expect(csv.length).toBe(report.cells.filter((c) => withData.has(c.community)).length);
			const named = report.communities.find((c) => c.code === csv[0].community)!;
			expect(csv[0].community_name).toBe(named.name);
			expect(csv[0].rule_name).toBe(report.rules.find((r) => r.id === csv[0].rule)!.nameZh);
			out = '';
			expect(await runCoverage(db, ['--all'], (s) => (out += s))).toBe(0);
			expect(csvParse(out).length).toBe(report.cells.length);
			await expect(runCoverage(db, ['--format', 'xml'])).rejects.toThrow(/csv or json/);
			await expect(runCoverage(db, ['--community', '12'])).rejects.toThrow(/12-digit/);
		});

		it('rules are created, edited and deleted; bad ones are refused and the coverage follows', async () => {
			const before = (await getCoverage(db)).report;
			const rule = await createRule(db, { ...base, id: 'test_school_2000', category: 'school', maxDistanceM: 2000, requiredSharePct: 85 });
			expect(rule.requiredSharePct).toBe(85);
			await expect(createRule(db, { ...base, id: 'test_school_2000', maxDistanceM: 100 })).rejects.toBeInstanceOf(RuleExistsError);
			await expect(createRule(db, { ...base, id: 'neg', maxDistanceM: -1 })).rejects.toBeInstanceOf(RuleValidationError);
			await expect(updateRule(db, 'test_school_2000', { requiredSharePct: 101 })).rejects.toBeInstanceOf(RuleValidationError);
			await expect(updateRule(db, 'nope', { requiredSharePct: 50 })).rejects.toBeInstanceOf(RuleNotFoundError);
			const after = (await getCoverage(db)).report;
			expect(after.rules.length).toBe(before.rules.length + 1);
			expect(after.cells.filter((c) => c.rule === 'test_school_2000').length).toBe(after.communities.length);
			const minutes = await updateRule(db, 'test_school_2000', { maxMinutes: 10, walkSpeedMPerMin: 60 });
			expect(minutes.maxDistanceM).toBeNull();
			expect(minutes.maxMinutes).toBe(10);
			await deleteRule(db, 'test_school_2000');
			expect(await getRule(db, 'test_school_2000')).toBeNull();
			await expect(deleteRule(db, 'test_school_2000')).rejects.toBeInstanceOf(RuleNotFoundError);
			expect((await getCoverage(db)).report.rules.length).toBe(before.rules.length);
		});

		it('recomputes when facilities change (no stale cache)', async () => {
			const state = await getCoverage(db);
			expect(await getCoverage(db)).toBe(state);
			await db.query(`UPDATE facilities SET updated_at = now() + interval '1 second' WHERE id = (SELECT min(id) FROM facilities)`);
			expect(await getCoverage(db)).not.toBe(state);
			const fresh = await computeCoverage(db);
			expect(fresh.report.cells).toEqual((await getCoverage(db)).report.cells);
		});
	});
}

async function facilitiesOf(db: Db, category: string) {
	const rows = await db.query<{ source_id: string; geom: GeoJSON.Geometry }>(
		'SELECT source_id, ST_AsGeoJSON(geom, 7)::json AS geom FROM facilities WHERE category_code = $1',
		[category]
	);
	return rows.map((r) => ({ id: r.source_id, category, geometry: r.geom }));
}

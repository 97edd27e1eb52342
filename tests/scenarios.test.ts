// Network scenarios (issue 21 part 3) on the demo city, on the embedded engine (and the server engine with
// TEST_DATABASE_URL): saving, listing, renaming and deleting scenarios with every refusal named and
// nothing half-written; and a scenario's answer — households gaining or losing each walking rule, by
// community — against an independent whole-city recompute on the edited network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from 'geojson';
import type { Db } from '../src/lib/server/db';
import { loadDemo } from '../src/lib/server/imports/demo';
import { getCoverage, distanceKey } from '../src/lib/server/coverage';
import { DEFAULT_WALK_SPEED, getRule, ruleReachM } from '../src/lib/server/coverage/rules';
import { loadFacilities } from '../src/lib/server/coverage/load';
import { capacityOf } from '../src/lib/server/coverage/capacity';
import { lifeCircles } from '../src/lib/server/coverage/life-circle';
import { getWalkGraph } from '../src/lib/server/map/walk-network';
import { createScenario, deleteScenario, getScenario, listScenarios, scenarioResult, ScenarioError, updateScenario } from '../src/lib/server/scenarios';
import { runAs } from '../src/lib/server/auth/actor';
import { scenarioChanges, scenarioGraph, ScenarioEditError, type ScenarioEdit } from '$geo/network/scenario';
import { snapBuildings, walkNearest } from '$geo/coverage/walk';
import { accessScore, buildingDemand, PERSONS_PER_HOUSEHOLD, profileAccess, unitAccess, walkCatchmentsByEdge } from '$geo/capacity';
import { testEngines } from './helpers/engines';
import { ringAround } from './helpers/ring';
import { importKindergartens } from './helpers/capacity-rule';
import { accessAnswer } from '../src/lib/server/coverage/access';

for (const engine of testEngines()) {
	describe(`network scenarios (${engine.name})`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
		}, 300_000);
		afterAll(() => engine.cleanup());

		const failure = async (p: Promise<unknown>) => {
			try {
				await p;
			} catch (err) {
				return err as ScenarioError;
			}
			throw new Error('expected a refusal');
		};
		const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM walk_scenarios'))[0].n;
		const line: ScenarioEdit = {
			kind: 'footpath',
			coordinates: [
				[118.78, 32.04],
				[118.781, 32.041]
			]
		};

		it('saves, lists, renames and deletes scenarios; refuses what is wrong and writes nothing then', async () => {
			const saved = await runAs('planner', () => db.transaction((tx) => createScenario(tx, { name: ' 新桥方案 ', edits: [line] }, 'planner')));
			expect(saved).toMatchObject({ name: '新桥方案', createdBy: 'planner', edits: [line] });
			expect((await listScenarios(db)).map((s) => s.id)).toContain(saved.id);
			const before = await count();
			// each refusal started only when the one before has settled (a rejection nobody awaits yet is an unhandled one)
			const refusals: [() => Promise<unknown>, string][] = [
				[() => db.transaction((tx) => createScenario(tx, { name: '新桥方案', edits: [] }, 'x')), 'duplicate_scenario'],
				[() => db.transaction((tx) => createScenario(tx, { name: '', edits: [] }, 'x')), 'bad_scenario_name'],
				[() => db.transaction((tx) => createScenario(tx, { name: 'x'.repeat(61), edits: [] }, 'x')), 'bad_scenario_name'],
				[() => db.transaction((tx) => createScenario(tx, { name: 'ok', edits: [{ kind: 'tunnel', coordinates: [] }] }, 'x')), 'bad_scenario_edit'],
				[() => db.transaction((tx) => createScenario(tx, { name: 'ok', edits: 'road' }, 'x')), 'bad_scenario_edit'],
				[() => db.transaction((tx) => updateScenario(tx, 999_999, { name: 'y' })), 'unknown_scenario'],
				[() => db.transaction((tx) => deleteScenario(tx, 999_999)), 'unknown_scenario']
			];
			for (const [attempt, code] of refusals) {
				const err = await failure(attempt());
				expect(err.code, String(err)).toBe(code);
				expect((err as unknown) instanceof ScenarioError || (err as unknown) instanceof ScenarioEditError).toBe(true);
			}
			expect(await count()).toBe(before);
			const other = await db.transaction((tx) => createScenario(tx, { name: '另一个', edits: [] }, 'planner'));
			expect((await failure(db.transaction((tx) => updateScenario(tx, other.id, { name: ' 新桥方案' })))).code).toBe('duplicate_scenario');
			const renamed = await db.transaction((tx) => updateScenario(tx, saved.id, { name: '南桥方案' }));
			expect(renamed.name).toBe('南桥方案');
			expect(renamed.edits).toEqual([line]);
			await db.transaction((tx) => deleteScenario(tx, other.id));
			await db.transaction((tx) => deleteScenario(tx, saved.id));
			expect((await failure(getScenario(db, saved.id))).code).toBe('unknown_scenario');
			const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'walk_scenarios' AND entity_id = $1 ORDER BY id`, [
				String(saved.id)
			]);
			expect(audit.map((a) => a.action)).toEqual(['insert', 'update', 'delete']);
		});

		it("a scenario's gains and losses equal a whole-city recompute on the edited network", async () => {
			const state = await getCoverage(db);
			const points = (category: string) => (state.facilitiesByCategory.get(category) ?? []).filter((f) => f.geometry.type === 'Point');
			const rules = state.report.rules.filter((r) => r.kind === 'distance' && r.metric === 'walk' && points(r.category!).length > 1);
			expect(rules.length).toBeGreaterThan(0);
			const rule = rules[0];
			const category = rule.category!;
			const facilities = points(category);
			// close every way round one facility, and open a footpath from another towards homes it does not reach
			const [flon, flat] = (facilities[0].geometry as Point).coordinates;
			const key = distanceKey('walk', category);
			const R = ruleReachM(rule);
			const d = state.distances.get(key)!;
			const far = Array.from(d.keys()).find((i) => !(d[i] <= R) && Number.isFinite(state.buildings.lon[i]))!;
			const [glon, glat] = (facilities[1].geometry as Point).coordinates;
			const edits: ScenarioEdit[] = [
				{ kind: 'road_close', coordinates: ringAround(flon, flat, 160) },
				{
					kind: 'footpath',
					coordinates: [
						[glon, glat],
						[state.buildings.lon[far], state.buildings.lat[far]]
					]
				}
			];
			const saved = await db.transaction((tx) => createScenario(tx, { name: '封闭与新路', edits }, 'planner'));
			const result = await scenarioResult(db, saved.id);
			expect(result.outcomes[0].edges).toBeGreaterThan(0);
			expect(result.recomputedBuildings).toBeGreaterThan(0);
			expect(result.recomputedBuildings).toBeLessThanOrEqual(state.buildings.lon.length);
			const changedHouseholds = result.rules.reduce((a, r) => a + r.householdsGained + r.householdsLost, 0);
			expect(changedHouseholds).toBeGreaterThan(0);
			expect(result.buildings.length).toBeGreaterThan(0);

			// the oracle: every building walks again on the whole edited network
			const base = await getWalkGraph(db);
			const edited = scenarioGraph(base, scenarioChanges(base, edits));
			const snap = snapBuildings(edited, state.buildings);
			const communities = state.report.communities;
			for (const r of state.report.rules.filter((x) => x.kind === 'distance' && x.metric === 'walk')) {
				const maxM = Math.max(...state.report.rules.filter((x) => x.kind === 'distance' && x.metric === 'walk' && x.category === r.category).map(ruleReachM));
				const after = walkNearest(edited, snap, state.facilitiesByCategory.get(r.category!) ?? [], maxM).distanceM;
				const reach = ruleReachM(r);
				const covered = new Float64Array(communities.length);
				state.buildingCommunity.forEach((ci, i) => {
					const h = state.buildings.households[i];
					if (ci >= 0 && h > 0 && after[i] <= reach) covered[ci] += h;
				});
				const cellOf = new Map(result.cells.filter((c) => c.rule === r.id).map((c) => [c.community, c]));
				communities.forEach((c, ci) => {
					const b = state.results.brief(r.id, ci);
					if (!b || (b.status !== 'pass' && b.status !== 'fail')) return;
					const cell = cellOf.get(c.code);
					const expected = covered[ci];
					const got = cell ? cell.after.householdsCovered : b.householdsCovered;
					expect(Math.abs(got - expected), `${r.id} ${c.code}`).toBeLessThan(1e-6);
				});
			}
			// the life circles: every building's circles on the whole edited network, against the answer
			const life = await lifeCircles(db);
			expect(result.lifeCircles?.speedMPerMin).toBe(life.speedMPerMin);
			const minutes = new Map<string, Float64Array>();
			for (const l of life.levels)
				for (const cat of l.categories)
					if (!minutes.has(cat))
						minutes.set(
							cat,
							walkNearest(edited, snap, state.facilitiesByCategory.get(cat) ?? [], 15 * life.speedMPerMin).distanceM.map((d) => d / life.speedMPerMin)
						);
			expect(result.lifeCircles!.communities.length).toBeGreaterThan(0);
			const changedLife = new Map(result.lifeCircles!.communities.map((c) => [c.community, c]));
			communities.forEach((c, ci) => {
				const today = life.communities[ci];
				life.levels.forEach((l, li) => {
					let complete = 0;
					state.buildingCommunity.forEach((b, i) => {
						const h = state.buildings.households[i];
						if (b === ci && h > 0 && l.categories.every((cat) => l.absent.includes(cat) || minutes.get(cat)![i] <= l.minutes)) complete += h;
					});
					const expected = today.households > 0 && today.levels[li].completeShare !== null ? complete / today.households : today.levels[li].completeShare;
					const got = changedLife.get(c.code)?.levels[li].after ?? today.levels[li].completeShare;
					if (expected === null) expect(got).toBeNull();
					else expect(Math.abs(got! - expected), `${c.code} ${l.level}`).toBeLessThan(1e-9);
				});
			});
			await db.transaction((tx) => deleteScenario(tx, saved.id));
		}, 120_000);

		it("a walking capacity rule's access scores: today's as /api/access gives them, and a kindergarten closed off loses its reach", async () => {
			const made = await importKindergartens(db, [
				{ id: 'kg-scenario-a', at: 0, seats: 120 },
				{ id: 'kg-scenario-b', at: 300, seats: 40 }
			]);
			expect(made.written).toBe(2);
			const rule = (await getRule(db, 'capacity_childcare_places'))!;
			expect(rule.enabled && rule.metric === 'walk').toBe(true);
			const kg = made.kindergartens[0];
			const saved = await db.transaction((tx) =>
				createScenario(tx, { name: '幼儿园封闭', edits: [{ kind: 'road_close', coordinates: ringAround(kg.lon, kg.lat, 400) }] }, 'planner')
			);
			const result = await scenarioResult(db, saved.id);
			const a = result.access.find((x) => x.rule === rule.id)!;
			expect(a).toBeDefined();
			const today = await accessAnswer(db, { rule: rule.id, level: 'community' }, null);
			const todayScore = new Map(today.items.map((it) => [it.id, it.score]));
			expect(a.communities.length).toBeGreaterThan(0);
			for (const c of a.communities) {
				const t = todayScore.get(c.community) ?? null;
				if (t === null) expect(c.before).toBeNull();
				else expect(Math.abs(c.before! - t)).toBeLessThan(1e-3); // the route rounds to 4 places
			}
			// the kindergarten walled in serves only the homes inside the ring: someone outside loses
			expect(a.communities.some((c) => c.before !== null && c.after !== null && c.after < c.before - 1e-9)).toBe(true);
			// the oracle: E2SFCA for every building on the whole edited network (and today's on the whole network), the
			// rule's facilities, capacity and demand read as the app reads them
			const state = await getCoverage(db);
			const base = await getWalkGraph(db);
			const { byCategory, facts } = await loadFacilities(db, [rule.category!]);
			const facilities = byCategory.get(rule.category!) ?? [];
			const input = {
				capacity: Float64Array.from(facts.get(rule.category!) ?? [], (f) => capacityOf(f.attributes, rule.capacityAttribute!)),
				demand: buildingDemand(
					state.buildings.households,
					state.population,
					rule.demandBasis ?? 'population',
					rule.personsPerHousehold ?? PERSONS_PER_HOUSEHOLD
				),
				decay: { kind: rule.decay ?? 'none', ...(rule.decay && rule.decayBeta !== null ? { beta: rule.decayBeta } : {}) },
				reachM: ruleReachM(rule),
				speedMPerMin: rule.walkSpeedMPerMin ?? DEFAULT_WALK_SPEED,
				profile: 'all' as const
			};
			const spec = { demandPer: rule.demandPer ?? 1000, capacityPer: rule.capacityPer ?? 0 };
			const communities = state.report.communities;
			const scores = (g: typeof base) => {
				const catchments = walkCatchmentsByEdge(g, snapBuildings(g, state.buildings), facilities, input.reachM);
				const r = profileAccess({ ...input, catchments });
				return unitAccess(r.access, r.weight, state.buildingCommunity, communities.length).mean.map((m) => (m === null ? null : accessScore(m, spec)));
			};
			const wasScores = scores(base);
			const isScores = scores(scenarioGraph(base, scenarioChanges(base, saved.edits)));
			const listed = new Map(a.communities.map((c) => [c.community, c]));
			const near = (x: number | null, y: number | null) => (x === null || y === null ? x === y : Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)));
			communities.forEach((c, ci) => {
				const got = listed.get(c.code);
				expect(near(got ? got.before : wasScores[ci], wasScores[ci]), `${c.code} before`).toBe(true);
				expect(near(got ? got.after : wasScores[ci], isScores[ci]), `${c.code} after: ${got?.after} against ${isScores[ci]}`).toBe(true);
			});
			// narrowed to a reader's jurisdiction, as /api/access is: each subdistrict sees its own communities only
			for (const sub of new Set(a.communities.map((c) => c.community.slice(0, 9)))) {
				const scoped = (await scenarioResult(db, saved.id, [sub])).access.find((x) => x.rule === rule.id)!;
				expect(scoped.communities.map((c) => c.community)).toEqual(a.communities.filter((c) => c.community.startsWith(sub)).map((c) => c.community));
			}
			expect((await scenarioResult(db, saved.id, ['999999999'])).access.every((x) => x.communities.length === 0)).toBe(true);
			await db.transaction((tx) => deleteScenario(tx, saved.id));
		}, 120_000);
	});
}

describe('network scenarios without a walking network', () => {
	it('says there is no network to edit', async () => {
		const [engine] = testEngines();
		const db = await engine.open();
		try {
			const s = await db.transaction((tx) => createScenario(tx, { name: 'x', edits: [] }, 'planner'));
			const err = await scenarioResult(db, s.id).then(
				() => null,
				(e) => e as ScenarioError
			);
			expect(err?.code).toBe('no_network');
			expect(err?.status).toBe(409);
		} finally {
			await engine.cleanup();
		}
	});
});

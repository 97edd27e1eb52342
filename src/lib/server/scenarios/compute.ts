// A network scenario against the current coverage: the buildings near its edits walk again on the
// edited network (a job worker: jobs/scenario-task.ts), every walking rule is judged again where a
// building crosses its distance, and the answer names what changes — households gaining or losing each
// category, by community, and the buildings concerned for the difference map. Cached per scenario
// version and coverage fingerprint.
import { unitResult, type CoverageRuleSpec } from '$geo/coverage';
import type { Db } from '../db';
import type { Scope } from '../auth/scope';
import { getCoverage, distanceKey } from '../coverage';
import { ruleReachM } from '../coverage/rules';
import { getWalkGraph } from '../map/walk-network';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import type { ScenarioSearch } from '../jobs/scenario-task';
import { lifeCircles, LifeCircleError } from '../coverage/life-circle';
import { communityAccessScores } from '../coverage/access';
import { getScenario, ScenarioError } from './store';
import type { LifeCircleReport } from '../../coverage/types';
import type { ScenarioAccessRule, ScenarioBuilding, ScenarioCell, ScenarioLifeCircle, ScenarioResult, ScenarioRuleTotal } from '../../coverage/scenario-types';

/** Buildings listed for the difference map at most (the totals count every one). */
export const MAX_SCENARIO_BUILDINGS = 20_000;

const cache = new Map<string, Promise<ScenarioResult>>();

/**
 * A scenario's comparison with today. Coverage and life circles are city-wide for coverage readers (as
 * /api/coverage); the access scores are narrowed to the reader's jurisdiction, as /api/access narrows them.
 */
export async function scenarioResult(db: Db, id: number, scope: Scope = null): Promise<ScenarioResult> {
	const whole = await wholeResult(db, id);
	if (!scope) return whole;
	const inside = (code: string) => scope.some((u) => u.length <= code.length && code.startsWith(u));
	return { ...whole, access: whole.access.map((a) => ({ ...a, communities: a.communities.filter((c) => inside(c.community)) })) };
}

async function wholeResult(db: Db, id: number): Promise<ScenarioResult> {
	const scenario = await getScenario(db, id);
	const state = await getCoverage(db);
	const key = `${id}|${scenario.updatedAt}|${state.report.fingerprint}`;
	let answer = cache.get(key);
	if (!answer) {
		if (cache.size > 50) cache.clear();
		answer = compute(db, scenario, state);
		cache.set(key, answer);
		answer.catch(() => cache.delete(key));
	}
	return answer;
}

async function compute(db: Db, scenario: ScenarioResult['scenario'], state: Awaited<ReturnType<typeof getCoverage>>): Promise<ScenarioResult> {
	const started = performance.now();
	const graph = await getWalkGraph(db);
	if (graph.edgeCount === 0 || !state.report.walkNetwork)
		throw new ScenarioError(
			'no_network',
			'尚未建立步行网络，情景无从计算：请先导入含道路的 OpenStreetMap 数据',
			'there is no walking network to edit: import OpenStreetMap data with roads first'
		);
	const rules = state.report.rules.filter((r) => r.kind === 'distance' && r.category && r.metric === 'walk');
	const reach = new Map<string, number>();
	for (const r of rules) reach.set(r.category!, Math.max(reach.get(r.category!) ?? 0, ruleReachM(r)));
	const searches: ScenarioSearch[] = [...reach].map(([category, maxM]) => ({
		key: distanceKey('walk', category),
		facilities: state.facilitiesByCategory.get(category) ?? [],
		maxM
	}));
	// the life circles today (cached); their categories walked before and after near the edits
	// no life circles to compare only when the city has none to compute (no walking rule or network); anything else is an error
	const life = await lifeCircles(db).catch((err) => {
		if (err instanceof LifeCircleError) return null;
		throw err;
	});
	const lifeSearches: ScenarioSearch[] = (life ? [...new Set(life.levels.flatMap((l) => l.categories.filter((c) => !l.absent.includes(c))))] : []).map(
		(category) => ({ key: `life:${category}`, facilities: state.facilitiesByCategory.get(category) ?? [], maxM: 15 * life!.speedMPerMin })
	);
	const { result } = await jobs().run(
		'scenarioDistances',
		[{ lon: state.buildings.lon, lat: state.buildings.lat, graph: sharedGraph(graph), edits: scenario.edits, searches, before: lifeSearches }],
		{ kind: 'coverage' }
	);
	const near = result.buildings;
	const households = state.buildings.households;
	const communities = state.report.communities;
	const cells: ScenarioCell[] = [];
	const totals: ScenarioRuleTotal[] = [];
	const changed = new Map<number, { gained: Set<string>; lost: Set<string> }>();
	for (const rule of rules) {
		const category = rule.category!;
		const k = distanceKey('walk', category);
		const before = state.distances.get(k);
		const after = result.results[k];
		if (!before || !after) continue;
		const R = ruleReachM(rule);
		const gained = new Map<number, number>();
		const lost = new Map<number, number>();
		const total: ScenarioRuleTotal = {
			rule: rule.id,
			category,
			nameZh: rule.nameZh,
			nameEn: rule.nameEn,
			maxDistanceM: R,
			householdsGained: 0,
			householdsLost: 0,
			communitiesNowPassing: 0,
			communitiesNowFailing: 0
		};
		near.forEach((i, n) => {
			const was = before[i] <= R;
			const is = after[n] <= R;
			if (was === is) return;
			let c = changed.get(i);
			if (!c) changed.set(i, (c = { gained: new Set(), lost: new Set() }));
			(is ? c.gained : c.lost).add(category);
			const ci = state.buildingCommunity[i];
			const h = households[i];
			if (ci < 0 || !(h > 0)) return;
			const into = is ? gained : lost;
			into.set(ci, (into.get(ci) ?? 0) + h);
			if (is) total.householdsGained += h;
			else total.householdsLost += h;
		});
		const spec: CoverageRuleSpec = { id: rule.id, category, maxDistanceM: R, requiredShare: rule.requiredSharePct / 100, metric: 'walk' };
		for (const ci of new Set([...gained.keys(), ...lost.keys()])) {
			const b = state.results.brief(rule.id, ci);
			if (!b) continue;
			const g = gained.get(ci) ?? 0;
			const l = lost.get(ci) ?? 0;
			const a =
				b.status === 'pass' || b.status === 'fail'
					? unitResult(spec, ci, b.buildings, b.householdsUnknown, b.householdsTotal, b.householdsCovered + g - l, [])
					: { status: b.status, share: b.share, householdsCovered: b.householdsCovered };
			if (b.status !== 'pass' && a.status === 'pass') total.communitiesNowPassing++;
			if (b.status === 'pass' && a.status === 'fail') total.communitiesNowFailing++;
			cells.push({
				community: communities[ci].code,
				communityName: communities[ci].name,
				rule: rule.id,
				before: { status: b.status, share: b.share, householdsCovered: b.householdsCovered },
				after: { status: a.status, share: a.share, householdsCovered: a.householdsCovered },
				householdsTotal: b.householdsTotal,
				householdsGained: g,
				householdsLost: l
			});
		}
		totals.push(total);
	}
	cells.sort((x, y) => x.community.localeCompare(y.community) || x.rule.localeCompare(y.rule));
	const buildings: ScenarioBuilding[] = [];
	for (const [i, c] of changed) {
		if (buildings.length >= MAX_SCENARIO_BUILDINGS) break;
		buildings.push({ id: state.buildings.ids[i], lon: state.buildings.lon[i], lat: state.buildings.lat[i], gained: [...c.gained], lost: [...c.lost] });
	}
	// Each walking capacity rule's demand-weighted access: today's, moved near the edits only (two hops:
	// the facilities whose catchment can change, then the buildings they serve; geo/capacity/scenario-access).
	const access: ScenarioAccessRule[] = [];
	for (const rule of state.report.rules.filter((r) => r.kind === 'capacity' && r.category && r.metric === 'walk')) {
		const s = await communityAccessScores(db, state, rule, scenario.edits);
		const moved = communities
			.map((c, ci) => ({ community: c.code, communityName: c.name, before: s.before[ci], after: s.after[ci] }))
			.filter((c) => c.before !== c.after && !(c.before !== null && c.after !== null && Math.abs(c.before - c.after) < 1e-9));
		access.push({ rule: rule.id, nameZh: rule.nameZh, nameEn: rule.nameEn, communities: moved });
	}
	return {
		scenario,
		baselineComputedAt: state.report.computedAt,
		ms: Math.round(performance.now() - started),
		recomputedBuildings: near.length,
		networkEdges: result.edges,
		outcomes: result.outcomes,
		rules: totals,
		cells,
		buildings,
		buildingsTruncated: changed.size > buildings.length,
		lifeCircles: life ? { speedMPerMin: life.speedMPerMin, communities: lifeCircleChanges(life, state.buildingCommunity, households, result) } : null,
		access
	};
}

/**
 * The communities whose life circles change: today's complete shares (the report) moved by the
 * households of the buildings walked again whose circle completes or breaks (minutes as the report
 * counts them: distance ÷ speed against the level's minutes).
 */
function lifeCircleChanges(
	life: LifeCircleReport,
	buildingCommunity: Int32Array,
	households: Float64Array,
	r: { buildings: Int32Array; results: Record<string, Float64Array>; before: Record<string, Float64Array> }
): ScenarioLifeCircle[] {
	const speed = life.speedMPerMin;
	const delta = life.levels.map(() => new Map<number, number>());
	const complete = (d: Record<string, Float64Array>, n: number, li: number) => {
		const l = life.levels[li];
		return l.categories.every((c) => l.absent.includes(c) || d[`life:${c}`][n] / speed <= l.minutes);
	};
	r.buildings.forEach((i, n) => {
		const ci = buildingCommunity[i];
		const h = households[i];
		if (ci < 0 || !(h > 0)) return;
		life.levels.forEach((_, li) => {
			const was = complete(r.before, n, li);
			const is = complete(r.results, n, li);
			if (was !== is) delta[li].set(ci, (delta[li].get(ci) ?? 0) + (is ? h : -h));
		});
	});
	const touched = [...new Set(delta.flatMap((m) => [...m].filter(([, v]) => v !== 0).map(([ci]) => ci)))].sort((a, b) => a - b);
	return touched.map((ci) => {
		const c = life.communities[ci];
		return {
			community: c.code,
			communityName: c.name,
			households: c.households,
			levels: c.levels.map((l, li) => {
				const d = delta[li].get(ci) ?? 0;
				return {
					level: l.level,
					before: l.completeShare,
					after: l.completeShare === null || !(c.households > 0) ? null : (l.completeShare * c.households + d) / c.households
				};
			})
		};
	});
}

// A network scenario against the current coverage: the buildings near its edits walk again on the
// edited network (a job worker: jobs/scenario-task.ts), every walking rule is judged again where a
// building crosses its distance, and the answer names what changes — households gaining or losing each
// category, by community, and the buildings concerned for the difference map. Cached per scenario
// version and coverage fingerprint.
import { unitResult, type CoverageRuleSpec } from '$geo/coverage';
import type { Db } from '../db';
import { getCoverage, distanceKey } from '../coverage';
import { ruleReachM } from '../coverage/rules';
import { getWalkGraph } from '../map/walk-network';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import type { ScenarioSearch } from '../jobs/scenario-task';
import { getScenario, ScenarioError } from './store';
import type { ScenarioBuilding, ScenarioCell, ScenarioResult, ScenarioRuleTotal } from '../../coverage/scenario-types';

/** Buildings listed for the difference map at most (the totals count every one). */
export const MAX_SCENARIO_BUILDINGS = 20_000;

const cache = new Map<string, Promise<ScenarioResult>>();

export async function scenarioResult(db: Db, id: number): Promise<ScenarioResult> {
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
	const { result } = await jobs().run(
		'scenarioDistances',
		[{ lon: state.buildings.lon, lat: state.buildings.lat, graph: sharedGraph(graph), edits: scenario.edits, searches }],
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
		buildingsTruncated: changed.size > buildings.length
	};
}

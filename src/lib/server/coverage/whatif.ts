// What-if: the data the browser needs to try facilities for one rule, and the walking what-if run here.
import { evaluateRules, withFacilityCount, type CoverageFacility, type CoverageRuleSpec } from '../../../../geo/coverage';
import type { Db } from '../db';
import { ruleReachM } from './rules';
import { type CoverageCell, CoverageInputError, distanceKey } from './types';
import { getCoverage, searchDistances } from './compute';
import { findCell } from './cells';

/** What the browser needs to run a what-if for one category: every building (columnar), its community, the category's facilities and rules. */
export interface WhatIfData {
	category: string;
	communities: string[];
	buildings: { ids: string[]; lon: number[]; lat: number[]; households: number[]; community: number[] };
	facilities: CoverageFacility[];
	rules: CoverageRuleSpec[];
}

export async function whatIfData(db: Db, ruleId: string): Promise<WhatIfData> {
	const state = await getCoverage(db);
	const rule = state.report.rules.find((r) => r.id === ruleId);
	if (!rule) throw new CoverageInputError('unknown_rule', `未找到已启用的规则 ${ruleId} / no enabled rule ${ruleId}`);
	if (rule.kind !== 'distance' || !rule.category)
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则 / rule ${ruleId} is not a distance rule`);
	const round = (v: number) => Math.round(v * 1e7) / 1e7;
	return {
		category: rule.category,
		communities: state.report.communities.map((c) => c.code),
		buildings: {
			ids: state.buildings.ids,
			lon: Array.from(state.buildings.lon, round),
			lat: Array.from(state.buildings.lat, round),
			households: Array.from(state.buildings.households),
			community: Array.from(state.buildingCommunity)
		},
		facilities: state.facilitiesByCategory.get(rule.category) ?? [],
		rules: state.report.rules
			.filter((r) => r.kind === 'distance' && r.category === rule.category)
			.map((r) => ({ id: r.id, category: r.category!, maxDistanceM: ruleReachM(r), requiredShare: r.requiredSharePct / 100, metric: r.metric ?? 'straight' }))
	};
}

export interface WalkWhatIfRequest {
	rule: string;
	community: string;
	added: { lon: number; lat: number }[];
	removed: string[];
}

/**
 * What-if for a walking rule, exact: the category's facilities with the proposed ones added and the
 * removed ones taken out, one multi-source network search, every walking rule of that category
 * re-evaluated. Returns the cells that differ from the current report, and the chosen community's
 * buildings' new distances.
 */
export async function whatIfWalk(db: Db, req: WalkWhatIfRequest): Promise<{ cells: CoverageCell[]; distances: Record<string, number | null> }> {
	const state = await getCoverage(db);
	const { ci, rule } = findCell(state, req.community, req.rule);
	if (rule.kind !== 'distance' || !rule.category || rule.metric !== 'walk') {
		throw new CoverageInputError('bad_parameter', `规则 ${req.rule} 不是步行规则 / rule ${req.rule} is not a walking rule`);
	}
	const category = rule.category;
	const removed = new Set(req.removed);
	const facilities: CoverageFacility[] = [
		...(state.facilitiesByCategory.get(category) ?? []).filter((f) => !removed.has(f.id)),
		...req.added.map((p, i) => ({ id: `whatif-${i + 1}`, category, geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] } }))
	];
	const rules = state.report.rules.filter((r) => r.kind === 'distance' && r.category === category && r.metric === 'walk');
	const maxM = Math.max(...rules.map(ruleReachM));
	const k = distanceKey('walk', category);
	const found = new Map<string, Float64Array>();
	const { walkNetwork } = await searchDistances(db, state.buildings, [{ key: k, metric: 'walk', facilities, maxM }], found, new Map());
	const distanceM = found.get(k)!;
	const specs: CoverageRuleSpec[] = rules.map((r) => ({
		id: r.id,
		category,
		maxDistanceM: ruleReachM(r),
		requiredShare: r.requiredSharePct / 100,
		metric: 'walk'
	}));
	const cells: CoverageCell[] = [];
	for (const raw of evaluateRules(state.buildings, state.buildingCommunity, state.report.communities.length, specs, new Map([[k, distanceM]]))) {
		const res = withFacilityCount(raw, facilities.length);
		const before = state.results.brief(res.ruleId, res.unit);
		if (before && before.householdsCovered === res.householdsCovered && before.status === res.status) continue;
		cells.push({
			community: state.report.communities[res.unit].code,
			rule: res.ruleId,
			status: res.status,
			share: res.share,
			householdsTotal: res.householdsTotal,
			householdsCovered: res.householdsCovered,
			householdsShort: res.householdsShort,
			buildings: res.buildings,
			uncovered: res.uncovered.length,
			metricUsed: walkNetwork ? 'walk' : 'straight'
		});
	}
	const distances: Record<string, number | null> = {};
	state.buildingCommunity.forEach((c, i) => {
		if (c === ci) distances[state.buildings.ids[i]] = Number.isFinite(distanceM[i]) ? Math.round(distanceM[i] * 10) / 10 : null;
	});
	return { cells, distances };
}

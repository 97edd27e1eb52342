// What-if: the data the browser needs to try facilities for one rule, and the walking what-if run here.
import { UnitResultTable, type CoverageFacility, type CoverageRuleSpec } from '$geo/coverage';
import type { Db } from '../db';
import { ruleReachM } from './rules';
import { type CoverageCell, CoverageInputError, distanceCell, distanceKey } from './types';
import { getCoverage, searchDistances } from './compute';
import { findCell } from './cells';
import type { WhatIfData } from '../../coverage/types';

export type { WhatIfData };

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
	const specs: CoverageRuleSpec[] = rules.map((r) => ({
		id: r.id,
		category,
		maxDistanceM: ruleReachM(r),
		requiredShare: r.requiredSharePct / 100,
		metric: 'walk'
	}));
	// The search and the judging of every community grow with the city: both in the job worker, the
	// results back as columns (as the full recompute does).
	const found = new Map<string, Float64Array>();
	const {
		walkNetwork,
		evaluated: [packed]
	} = await searchDistances(db, state.buildings, [{ key: k, metric: 'walk', facilities, maxM }], found, new Map(), {
		households: state.buildings.households,
		specs,
		units: [{ unitOf: state.buildingCommunity, count: state.report.communities.length }]
	});
	const distanceM = found.get(k)!;
	const after = new UnitResultTable(packed, () => facilities.length);
	const cells: CoverageCell[] = [];
	for (const spec of specs) {
		for (let unit = 0; unit < after.unitCount; unit++) {
			const res = after.brief(spec.id, unit)!;
			const before = state.results.brief(spec.id, unit);
			if (before && before.householdsCovered === res.householdsCovered && before.status === res.status) continue;
			cells.push(distanceCell(state.report.communities[unit].code, spec.id, res, walkNetwork ? 'walk' : 'straight'));
		}
	}
	const distances: Record<string, number | null> = {};
	state.buildingCommunity.forEach((c, i) => {
		if (c === ci) distances[state.buildings.ids[i]] = Number.isFinite(distanceM[i]) ? Math.round(distanceM[i] * 10) / 10 : null;
	});
	return { cells, distances };
}

// Per (rule, unit) coverage: the share of a unit's households living within the rule's distance of
// a facility of its category. A unit is 'no_data' — never 'pass' — when it has no buildings, when
// any of its buildings has unknown (NaN) households, or when its households total 0.
import type { BuildingSet, CoverageRuleSpec, CoverageStatus, UnitRuleResult } from './types';
import { distanceKey } from './types';

/** Shares within this of requiredShare pass (floating-point noise only). */
const SHARE_EPS = 1e-12;

/** The result of one (rule, unit) from its sums. */
export function unitResult(
	rule: CoverageRuleSpec,
	unit: number,
	buildings: number,
	householdsUnknown: number,
	householdsTotal: number,
	householdsCovered: number,
	uncovered: number[]
): UnitRuleResult {
	let status: CoverageStatus,
		share: number | null = null,
		householdsShort = 0;
	if (buildings === 0 || householdsUnknown > 0 || !(householdsTotal > 0)) status = 'no_data';
	else {
		share = householdsCovered / householdsTotal;
		if (share >= rule.requiredShare - SHARE_EPS) status = 'pass';
		else {
			status = 'fail';
			householdsShort = Math.max(1, Math.ceil(rule.requiredShare * householdsTotal - householdsCovered - 1e-9));
		}
	}
	return { ruleId: rule.id, unit, buildings, householdsTotal, householdsCovered, share, householdsShort, status, uncovered, householdsUnknown };
}

/**
 * A unit's result for a rule whose category has `facilities` facilities in the whole data set: with
 * none at all the unit is not judged ('no_facilities': no share, nobody short, no building listed
 * as uncovered) — every household
 * would otherwise 'fail' for want of data. Units without data stay 'no_data'.
 */
export function withFacilityCount(result: UnitRuleResult, facilities: number): UnitRuleResult {
	if (facilities > 0 || result.status === 'no_data') return result;
	return { ...result, status: 'no_facilities', share: null, householdsShort: 0, uncovered: [] };
}

/** Judged: a pass or a fail (not 'no_data', not 'no_facilities'). */
export const isJudged = (status: CoverageStatus) => status === 'pass' || status === 'fail';

/** The distances a rule reads: `${metric}:${category}`. */
export function distancesFor(rule: CoverageRuleSpec, distances: Map<string, Float64Array>, n: number): Float64Array {
	const key = distanceKey(rule.metric, rule.category);
	const d = distances.get(key);
	if (!d) throw new Error(`evaluateRules: no distances for ${key} (rule ${rule.id})`);
	if (d.length !== n) throw new Error(`evaluateRules: distances for ${key} have ${d.length} entries, buildings ${n}`);
	return d;
}

/**
 * One result per (rule, unit), rule-major: results[r * unitCount + u]. A building is covered by a rule
 * when its distance (distances.get(`${metric}:${category}`)) is ≤ maxDistanceM; unitOf[i] = -1 leaves
 * building i out. Sums run over each unit's buildings in index order.
 */
export function evaluateRules(
	buildings: BuildingSet,
	unitOf: Int32Array,
	unitCount: number,
	rules: CoverageRuleSpec[],
	distances: Map<string, Float64Array>
): UnitRuleResult[] {
	const n = buildings.lon.length;
	if (unitOf.length !== n) throw new Error(`evaluateRules: unitOf has ${unitOf.length} entries, buildings ${n}`);
	const hh = buildings.households;
	// shared by every rule: buildings, unknowns and households per unit
	const count = new Int32Array(unitCount);
	const unknown = new Int32Array(unitCount);
	const total = new Float64Array(unitCount);
	for (let i = 0; i < n; i++) {
		const u = unitOf[i];
		if (u < 0 || u >= unitCount) continue;
		count[u]++;
		const h = hh[i];
		if (h !== h) unknown[u]++;
		else total[u] += h;
	}
	const out: UnitRuleResult[] = new Array(rules.length * unitCount);
	// rules reading the same distances are summed in one pass, radii ascending: a building within
	// the g-th radius is within every larger one
	const groups = new Map<Float64Array, number[]>();
	rules.forEach((rule, r) => {
		const d = distancesFor(rule, distances, n);
		const g = groups.get(d);
		if (g) g.push(r);
		else groups.set(d, [r]);
	});
	for (const [d, members] of groups) {
		members.sort((a, b) => rules[a].maxDistanceM - rules[b].maxDistanceM || a - b);
		const m = members.length;
		const radii = Float64Array.from(members, (r) => rules[r].maxDistanceM);
		const covered = new Float64Array(m * unitCount);
		const lists: number[][] = new Array(m * unitCount);
		for (let k = 0; k < m * unitCount; k++) lists[k] = [];
		for (let i = 0; i < n; i++) {
			const u = unitOf[i];
			if (u < 0 || u >= unitCount) continue;
			const di = d[i];
			let g = 0;
			while (g < m && !(di <= radii[g])) {
				lists[g * unitCount + u].push(i); // in index order
				g++;
			}
			const h = hh[i];
			if (h === h) for (; g < m; g++) covered[g * unitCount + u] += h;
		}
		members.forEach((r, g) => {
			const rule = rules[r];
			for (let u = 0; u < unitCount; u++) {
				const k = g * unitCount + u;
				out[r * unitCount + u] = unitResult(rule, u, count[u], unknown[u], total[u], covered[k], lists[k]);
			}
		});
	}
	return out;
}

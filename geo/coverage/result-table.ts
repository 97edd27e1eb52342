// Unit results as columns of typed arrays: from a worker thread they cross as a few copies of memory,
// where one object per (rule, unit) — 250,000 of them for a city's grids — took the receiving thread
// a quarter of a second to rebuild. A result is made an object again only when asked for.
import type { CoverageStatus, UnitRuleResult } from './types';

const STATUSES: CoverageStatus[] = ['pass', 'fail', 'no_data', 'no_facilities'];

/** evaluateRules' results for `ruleIds` × `unitCount` units, at index rule × unitCount + unit. */
export interface PackedResults {
	ruleIds: string[];
	unitCount: number;
	status: Uint8Array;
	/** NaN: null */
	share: Float64Array;
	householdsTotal: Float64Array;
	householdsCovered: Float64Array;
	householdsShort: Float64Array;
	householdsUnknown: Float64Array;
	buildings: Int32Array;
	/** the uncovered building indices of result i are uncovered[uncoveredStart[i] .. uncoveredStart[i + 1]) */
	uncoveredStart: Int32Array;
	uncovered: Int32Array;
}

/** Packs evaluateRules' output (rule-major, as it returns it). */
export function packResults(results: UnitRuleResult[], ruleIds: string[], unitCount: number): PackedResults {
	const n = ruleIds.length * unitCount;
	if (results.length !== n) throw new Error(`packResults: ${results.length} results for ${ruleIds.length} rules × ${unitCount} units`);
	const p: PackedResults = {
		ruleIds,
		unitCount,
		status: new Uint8Array(n),
		share: new Float64Array(n),
		householdsTotal: new Float64Array(n),
		householdsCovered: new Float64Array(n),
		householdsShort: new Float64Array(n),
		householdsUnknown: new Float64Array(n),
		buildings: new Int32Array(n),
		uncoveredStart: new Int32Array(n + 1),
		uncovered: new Int32Array(results.reduce((s, r) => s + r.uncovered.length, 0))
	};
	let at = 0;
	results.forEach((r, i) => {
		if (r.ruleId !== ruleIds[Math.floor(i / unitCount)] || r.unit !== i % unitCount)
			throw new Error(`packResults: result ${i} is (${r.ruleId}, ${r.unit}), out of order`);
		p.status[i] = STATUSES.indexOf(r.status);
		p.share[i] = r.share ?? Number.NaN;
		p.householdsTotal[i] = r.householdsTotal;
		p.householdsCovered[i] = r.householdsCovered;
		p.householdsShort[i] = r.householdsShort;
		p.householdsUnknown[i] = r.householdsUnknown;
		p.buildings[i] = r.buildings;
		p.uncoveredStart[i] = at;
		p.uncovered.set(r.uncovered, at);
		at += r.uncovered.length;
	});
	p.uncoveredStart[n] = at;
	return p;
}

/** Looks results up by rule id and unit; a rule whose category has no facility reads 'no_facilities'. */
export class UnitResultTable {
	private readonly ruleIndex: Map<string, number>;

	constructor(
		readonly packed: PackedResults,
		private readonly facilityCount: (ruleId: string) => number = () => 1
	) {
		this.ruleIndex = new Map(packed.ruleIds.map((id, r) => [id, r]));
	}

	get unitCount(): number {
		return this.packed.unitCount;
	}

	get(ruleId: string, unit: number): UnitRuleResult | undefined {
		const brief = this.brief(ruleId, unit);
		if (!brief) return undefined;
		const { uncoveredCount: _, ...rest } = brief;
		return { ...rest, uncovered: Array.from(this.uncoveredOf(ruleId, unit)) };
	}

	/** As get, with the number of uncovered buildings instead of their list (for summaries). */
	brief(ruleId: string, unit: number): (Omit<UnitRuleResult, 'uncovered'> & { uncoveredCount: number }) | undefined {
		const r = this.ruleIndex.get(ruleId);
		if (r === undefined || unit < 0 || unit >= this.packed.unitCount) return undefined;
		const p = this.packed;
		const i = r * p.unitCount + unit;
		// as withFacilityCount: a category without any facility is a gap in the data, not a failure
		const status = STATUSES[p.status[i]];
		const noFacilities = status !== 'no_data' && this.facilityCount(ruleId) === 0;
		const share = p.share[i];
		return {
			ruleId,
			unit,
			buildings: p.buildings[i],
			householdsTotal: p.householdsTotal[i],
			householdsCovered: p.householdsCovered[i],
			share: noFacilities || Number.isNaN(share) ? null : share,
			householdsShort: noFacilities ? 0 : p.householdsShort[i],
			status: noFacilities ? 'no_facilities' : status,
			householdsUnknown: p.householdsUnknown[i],
			uncoveredCount: noFacilities ? 0 : p.uncoveredStart[i + 1] - p.uncoveredStart[i]
		};
	}

	/** The uncovered building indices, as get(…).uncovered, without copying them. */
	uncoveredOf(ruleId: string, unit: number): Int32Array {
		const r = this.ruleIndex.get(ruleId);
		if (r === undefined || unit < 0 || unit >= this.packed.unitCount) return new Int32Array(0);
		const i = r * this.packed.unitCount + unit;
		// as withFacilityCount: a judged unit of a category without facilities lists none
		if (this.facilityCount(ruleId) === 0 && STATUSES[this.packed.status[i]] !== 'no_data') return new Int32Array(0);
		return this.packed.uncovered.subarray(this.packed.uncoveredStart[i], this.packed.uncoveredStart[i + 1]);
	}
}

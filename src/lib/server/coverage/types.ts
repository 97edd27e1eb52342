// Coverage's shapes on the server: the state kept in memory and its input error; cells, communities and the report
// live browser-side in $lib/coverage/types (re-exported here).
import { GridAtlasError } from '$geo/errors';
import { FacilityIndex, type BuildingSet, type CoverageFacility, UnitResultTable } from '$geo/coverage';
import type { UnitsReached } from '$geo/capacity';
import type { CapacityFacilityRow, CapacityFigures, CellStatus, CoverageCell, CoverageCommunity, CoverageReport, SubdistrictTotal } from '../../coverage/types';

export type { CellStatus, CoverageCell, CoverageCommunity, CoverageReport, SubdistrictTotal };

/** Everything computed, kept for the detail views (uncovered buildings, nearest facility). */
export interface CoverageState {
	report: CoverageReport;
	buildings: BuildingSet;
	/** per building: registered population (NaN where no register gave one) */
	population: Float64Array;
	buildingCommunity: Int32Array;
	buildingGrid: Int32Array;
	gridCodes: string[];
	facilitiesByCategory: Map<string, CoverageFacility[]>;
	/** `${metric}:${category}` → per-building distance and nearest facility index. */
	distances: Map<string, Float64Array>;
	nearest: Map<string, Int32Array>;
	/** Facility index per category, built once per computation (cell details reuse it). */
	indexes: Map<string, FacilityIndex>;
	/** (rule id, community index) → result with the uncovered building indices. */
	results: UnitResultTable;
	/** (rule id, index in gridCodes) → the same per grid. */
	gridResults: UnitResultTable;
	/** Capacity rules: per community and per facility. */
	capacity: CapacityResult;
}

export class CoverageInputError extends GridAtlasError {
	constructor(
		readonly code: 'unknown_community' | 'unknown_rule' | 'not_distance_rule' | 'bad_parameter',
		message: string
	) {
		super(message, { code, status: code === 'unknown_community' || code === 'unknown_rule' ? 404 : 400 });
	}
}

export const distanceKey = (metric: string, category: string) => `${metric}:${category}`;

/** A distance rule's cell from its judged result (UnitResultTable.brief), as the report and the what-if give it. */
export function distanceCell(
	community: string,
	rule: string,
	res: NonNullable<ReturnType<UnitResultTable['brief']>>,
	metricUsed: CoverageCell['metricUsed']
): CoverageCell {
	return {
		community,
		rule,
		status: res.status,
		share: res.share,
		householdsTotal: res.householdsTotal,
		householdsCovered: res.householdsCovered,
		householdsShort: res.householdsShort,
		buildings: res.buildings,
		uncovered: res.uncoveredCount,
		metricUsed
	};
}

/** Capacity rules' results (./capacity.ts computes them). */
export interface CapacityResult {
	/** rule id → per community (index as in the communities given) */
	units: Map<
		string,
		{ status: 'pass' | 'fail' | 'no_data' | 'no_facilities' | 'no_capacity'; share: number | null; buildings: number; figures: CapacityFigures }[]
	>;
	/** rule id → its facilities */
	facilities: Map<string, CapacityFacilityRow[]>;
	/** rule id → the communities each of its facilities reaches (geo/capacity `reaches`) */
	reaches: Map<string, UnitsReached>;
	/** rule id → measured on foot (false: straight line, also for a walk rule without a network) */
	walked: Map<string, boolean>;
}

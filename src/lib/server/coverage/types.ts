// Coverage's shapes: cells, communities, the report and the state kept in memory, and its input error.
import { GridAtlasError } from '../../../../geo/errors';
import { FacilityIndex, type BuildingSet, type CoverageFacility, type CoverageStatus, UnitResultTable } from '../../../../geo/coverage';
import type { CoverageRule } from './rules';
import type { CapacityFigures, CapacityResult } from './capacity';

/** A cell's status: a coverage status, or 'no_capacity' (a capacity rule whose facilities record no capacity). */
export type CellStatus = CoverageStatus | 'no_capacity';

export interface CoverageCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	subdistrictName: string;
	households: number | null;
	serviceSpaceM2: number | null;
	illustrative: boolean;
}

export interface CoverageCell {
	community: string;
	rule: string;
	status: CellStatus;
	share: number | null;
	householdsTotal: number;
	householdsCovered: number;
	householdsShort: number;
	buildings: number;
	uncovered: number;
	/** The metric actually used: a walk rule falls back to straight-line while no network exists. */
	metricUsed: 'straight' | 'walk' | null;
	/** Service-space rule: required and recorded area, and the highest tier met. */
	space?: { requiredM2: number | null; recordedM2: number | null; tier: string | null };
	/** Capacity rule (千人指标): demand, required and allocated capacity and the shortfall, in the rule's unit. */
	capacity?: CapacityFigures;
}

export interface SubdistrictTotal {
	code: string;
	name: string;
	rule: string;
	communities: number;
	passing: number;
	noData: number;
	share: number | null;
}

export interface CoverageReport {
	fingerprint: string;
	computedAt: string;
	ms: number;
	walkNetwork: boolean;
	/** Buildings farther than the snap distance from any walkable way: not reached on foot (reported, not attached). */
	walkUnsnapped: number;
	walkSnapM: number;
	/** Categories of enabled distance rules with no facility in the data: their cells are 'no_facilities'. */
	missingCategories: string[];
	rules: CoverageRule[];
	communities: CoverageCommunity[];
	cells: CoverageCell[];
	subdistricts: SubdistrictTotal[];
}

/** Everything computed, kept for the detail views (uncovered buildings, nearest facility). */
export interface CoverageState {
	report: CoverageReport;
	buildings: BuildingSet;
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

// Coverage shapes the browser reads too (the coverage pages, what-if, report, life circles); no server code here.
import type { Geometry } from 'geojson';
import type { CoverageFacility, CoverageRuleSpec, CoverageStatus } from '$geo/coverage';
import type { FacilityCapacityResult } from '$geo/capacity';

export type RuleLevel = '5min' | '10min' | '15min' | 'community' | 'block' | 'subdistrict';
export type RuleMetric = 'straight' | 'walk';
export type RuleStatus = 'V' | 'S' | 'R' | 'P' | 'D';
export type RuleKind = 'distance' | 'service_space' | 'capacity';
export type CapacityAttribute = 'seats' | 'beds' | 'floor_area_m2';
export type DemandBasis = 'population' | 'households';
export type Decay = 'none' | 'linear' | 'exponential' | 'gaussian' | 'gravity';

export interface CoverageRule {
	id: string;
	kind: RuleKind;
	category: string | null;
	nameZh: string;
	nameEn: string;
	level: RuleLevel;
	metric: RuleMetric | null;
	maxDistanceM: number | null;
	maxMinutes: number | null;
	walkSpeedMPerMin: number | null;
	/** 0–100 (%), the share of households that must be covered. */
	requiredSharePct: number;
	spacePer100HouseholdsM2: number | null;
	spaceTiersM2: { m2: number; zh: string; en: string }[] | null;
	/** Capacity rules: capacityPer units of the attribute for every demandPer residents or households. */
	capacityAttribute: CapacityAttribute | null;
	demandBasis: DemandBasis | null;
	demandPer: number | null;
	capacityPer: number | null;
	capacityUnitZh: string | null;
	capacityUnitEn: string | null;
	personsPerHousehold: number | null;
	decay: Decay;
	/** the decay's β (null: its default) */
	decayBeta: number | null;
	source: string;
	status: RuleStatus;
	note: string | null;
	enabled: boolean;
	updatedAt: string;
}

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

/** What a capacity cell adds to a coverage cell: the figures in the rule's unit. */
export interface CapacityFigures {
	unitZh: string;
	unitEn: string;
	/** residents or households of the community */
	demand: number | null;
	/** the capacity the community should have */
	required: number | null;
	/** the capacity allocated to its residents */
	supply: number;
	/** required − supply rounded up (a whole place, bed or m²); null when not judged */
	shortfall: number | null;
	/** facilities of unknown capacity reaching the community (counted as 0) */
	unknownFacilities: number;
}

/** One facility of a capacity rule: its capacity against the demand within its reach. */
export interface CapacityFacilityRow {
	id: string;
	name: string | null;
	lon: number;
	lat: number;
	capacity: number | null;
	demand: number;
	required: number;
	shortfall: number | null;
	buildings: number;
	status: FacilityCapacityResult['status'];
	/** its index among the rule's facilities (in the rule's `reaches`) */
	index: number;
}

export interface CellDetail {
	community: CoverageCommunity;
	rule: CoverageRule;
	cell: CoverageCell;
	reachM: number;
	category: string;
	/** The category's facilities that can reach the community's buildings (inside it or nearby). */
	facilities: GeoJSON.FeatureCollection;
	/** The community's buildings: covered or not, distance and nearest facility. */
	buildings: GeoJSON.FeatureCollection;
	/** Walking rules: the area within reach on foot of those facilities (null for straight-line rules). */
	catchment: GeoJSON.FeatureCollection | null;
	grids: { code: string; status: CoverageStatus; share: number | null; householdsTotal: number; householdsShort: number }[];
}

export interface SiteSuggestion {
	lon: number;
	lat: number;
	id?: string;
	householdsGained: number;
	buildingsGained: number;
}

export type SuggestMethod = 'greedy' | 'mclp' | 'lscp';

export interface OptimalSummary {
	/** optimal: proven; time_limit: the best found in the time; infeasible: the capacities cannot serve every household (lscp) */
	status: 'optimal' | 'time_limit' | 'infeasible';
	/** relative gap to the solver's bound (0 when proven; null without an answer) */
	gap: number | null;
	bound: number | null;
	householdsCovered: number;
	/** households not covered today */
	demandHouseholds: number;
	/** households (buildings) no candidate reaches */
	uncoverableHouseholds: number;
	uncoverableBuildings: number;
	/** the greedy on the same instance: mclp — households it misses; lscp — sites it needs beyond the optimum */
	greedy: { sites: number; householdsCovered: number; householdsShort: number; shortPct: number; extraSites: number } | null;
	timeLimitS: number;
	solveMs: number;
}

/** The detail of a capacity rule's cell: the facilities reaching the community, each against the demand within its reach. */
export interface CapacityCellDetail {
	kind: 'capacity';
	community: CoverageCommunity;
	rule: CoverageRule;
	cell: CoverageCell;
	reachM: number;
	facilities: Omit<CapacityFacilityRow, 'index'>[];
}

export interface ReportPage {
	community: CoverageCommunity;
	cells: (CoverageCell & {
		ruleName: string;
		ruleNameEn: string;
		kind: CoverageRule['kind'];
		reachM: number | null;
		requiredSharePct: number;
		spacePer100HouseholdsM2: number | null;
		/** capacity rules: capacityPer units for every demandPer residents or households */
		demandBasis: CoverageRule['demandBasis'];
		demandPer: number | null;
		capacityPer: number | null;
		source: string;
		sourceStatus: CoverageRule['status'];
	})[];
	boundary: Geometry | null;
	/** Building outlines with the number of judged distance rules (pass or fail) that leave them uncovered. */
	buildings: { geom: Geometry; missed: number }[];
}

export interface LifeCircleLevel {
	level: string;
	minutes: number;
	categories: string[];
	/**
	 * Of those, the categories with no facility anywhere in the data: shown as "数据中无此类设施", left
	 * out of the complete circle (which would otherwise read 0 % everywhere for want of data).
	 */
	absent: string[];
}

export interface CommunityLifeCircle {
	code: string;
	name: string;
	subdistrictCode: string;
	households: number;
	/** Per level: share of households with every category of the level within its minutes. */
	levels: {
		level: string;
		completeShare: number | null;
		/** Per category: share of households reaching it within the level's minutes (null: no data, or no such facility). */
		categories: { category: string; share: number | null }[];
		/** Categories reached by fewer than the target share of households. */
		missing: string[];
	}[];
}

export interface LifeCircleReport {
	speedMPerMin: number;
	walkNetwork: boolean;
	target: number;
	levels: LifeCircleLevel[];
	categoryNames: Record<string, { zh: string; en: string }>;
	/** Categories of the circles with no facility in the data (every level's `absent`), named. */
	absentCategories: { code: string; name_zh: string; name_en: string }[];
	communities: CommunityLifeCircle[];
	subdistricts: { code: string; name: string; households: number; complete15Share: number | null; meetsTarget: boolean | null }[];
}

/** What the browser needs to run a what-if for one category: every building (columnar), its community, the category's facilities and rules. */
export interface WhatIfData {
	category: string;
	communities: string[];
	buildings: { ids: string[]; lon: number[]; lat: number[]; households: number[]; community: number[] };
	facilities: CoverageFacility[];
	rules: CoverageRuleSpec[];
}

export interface NearestRoad {
	name: string;
	distanceM: number;
}

/** A site suggestion as POST /api/coverage/suggest answers it: with the road to find it by. */
export type SuggestedSite = SiteSuggestion & { road: NearestRoad | null };

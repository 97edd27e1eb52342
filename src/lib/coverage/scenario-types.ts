// Network scenarios' shapes, read by the browser too (the scenarios page); no server code here.
import type { CoverageStatus } from '$geo/coverage';
import type { EditOutcome, ScenarioEdit } from '$geo/network/scenario';

export type { EditOutcome, ScenarioEdit };

export interface ScenarioSummary {
	id: number;
	name: string;
	edits: ScenarioEdit[];
	createdBy: string;
	createdAt: string;
	updatedAt: string;
}

/** One walking rule in one community, before (the imported network) and with the scenario. */
export interface ScenarioCell {
	community: string;
	communityName: string;
	rule: string;
	before: { status: CoverageStatus; share: number | null; householdsCovered: number };
	after: { status: CoverageStatus; share: number | null; householdsCovered: number };
	householdsTotal: number;
	householdsGained: number;
	householdsLost: number;
}

/** A building whose walk to some category changes across its rule's distance. */
export interface ScenarioBuilding {
	id: string;
	lon: number;
	lat: number;
	/** Categories it comes within reach of / falls out of reach of. */
	gained: string[];
	lost: string[];
}

export interface ScenarioRuleTotal {
	rule: string;
	category: string;
	nameZh: string;
	nameEn: string;
	maxDistanceM: number;
	householdsGained: number;
	householdsLost: number;
	communitiesNowPassing: number;
	communitiesNowFailing: number;
}

export interface ScenarioResult {
	scenario: ScenarioSummary;
	/** The coverage report the scenario is compared with. */
	baselineComputedAt: string;
	ms: number;
	/** Buildings walked again (near the edits); every other building walks as before. */
	recomputedBuildings: number;
	networkEdges: number;
	outcomes: EditOutcome[];
	rules: ScenarioRuleTotal[];
	/** Only the (community, rule) pairs whose covered households change. */
	cells: ScenarioCell[];
	buildings: ScenarioBuilding[];
	/** More buildings changed than the answer lists (MAX_SCENARIO_BUILDINGS). */
	buildingsTruncated: boolean;
	/** The 5/10/15-minute life circles (at the default walking speed) where they change; null without walking rules. */
	lifeCircles: { speedMPerMin: number; communities: ScenarioLifeCircle[] } | null;
	/** Demand-weighted access of each enabled walking capacity rule: the communities whose score changes. */
	access: ScenarioAccessRule[];
}

/** One capacity rule's access score (1 = its standard met) per community, today and with the scenario. */
export interface ScenarioAccessRule {
	rule: string;
	nameZh: string;
	nameEn: string;
	communities: { community: string; communityName: string; before: number | null; after: number | null }[];
}

/** A community whose walking life circles change: per level the share of households with a complete circle. */
export interface ScenarioLifeCircle {
	community: string;
	communityName: string;
	households: number;
	levels: { level: string; before: number | null; after: number | null }[];
}

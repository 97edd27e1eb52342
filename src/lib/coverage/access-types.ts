// The answer of GET /api/access (demand-weighted access, docs/coverage.md#demand-weighted-access): shared
// by the server that makes it and the map and coverage pages that read it.
import type { DecayKind } from '$geo/capacity/decay';
import type { AccessProfile } from '$geo/capacity/access';

export type AccessLevel = 'building' | 'h3' | 'community';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['building', 'h3', 'community'];

/** One building, H3 cell or community: access in the rule's terms (capacity per demandPer), its score, the profile's demand. */
export interface AccessItem {
	/** building source id, H3 index or community code */
	id: string;
	/** community name (level community) */
	name?: string;
	/** point of a building (level building) */
	lon?: number;
	lat?: number;
	/** capacity per demandPer residents (or households) of the profile: A × demandPer; null where no demand is known */
	access: number | null;
	/** access ÷ the rule's capacityPer (1 = meets the standard) */
	score: number | null;
	/** the profile's demand (residents or households; the slow share of them for profile slow) */
	demand: number;
	buildings: number;
}

export interface AccessAnswer {
	rule: {
		id: string;
		nameZh: string;
		nameEn: string;
		category: string;
		capacityPer: number;
		demandPer: number;
		demandBasis: 'population' | 'households';
		capacityUnitZh: string;
		capacityUnitEn: string;
	};
	decay: { kind: DecayKind; beta: number | null };
	profile: AccessProfile;
	level: AccessLevel;
	/** the profile's reach (metres) and walking speed (m/min) */
	reachM: number;
	speedMPerMin: number;
	/** profile slow: the share of demand that walks slowly (an estimate, geo/capacity SLOW_SHARE) */
	slowShare: number | null;
	/** measured on the walking network (false: straight line — no network, or a straight-line rule) */
	walked: boolean;
	/** H3 resolution of level h3 */
	resolution: number;
	/** the category has no facility in the data / none records the capacity attribute */
	noFacilities: boolean;
	noCapacity: boolean;
	/** the largest access figure among the items (the legend's top) */
	max: number;
	items: AccessItem[];
	computedAt: string;
}

// The wall screen's shapes the browser reads too (page data and the live answers); no server code here.
import type { Kpi, PeriodKpi } from '$geo/density';
import type { BBox } from '../map/display-crs';
import type { UnitFacts } from '../map/types';

export interface WallCommunity {
	code: string;
	name: string;
	bbox: BBox | null;
}

export interface WallCompliance {
	code: string;
	name: string;
	/** Enabled rules the community passes / has a result for (no data is not a pass); rules whose
	 * category has no facility in the data are left out (a gap in the data, not a failure). */
	passed: number;
	rules: number;
	noData: number;
	meetsAll: boolean;
}

export interface WallBase {
	facts: UnitFacts;
	communities: WallCommunity[];
	compliance: WallCompliance[];
	/** Communities meeting every enabled coverage rule, of all communities with a result. */
	meetingAll: { count: number; total: number };
	/** Households within a complete 15-minute walking circle; null without a walking network. */
	lifeCircle: { households: number; total: number; share: number | null } | null;
	categories: { code: string; name_zh: string; name_en: string }[];
	/** Facility categories of enabled rules with no facility in the data ("数据中无此类设施"). */
	missingFacilities: { code: string; name_zh: string; name_en: string }[];
}

export interface WallCase {
	id: string;
	category: string;
	status: string;
	reported_at: string;
	community_code: string | null;
	grid_code: string | null;
	description: string | null;
}

/** The KPI strip's figures (geo/density's Kpi, without the all-time total) and what the wall lists beside them. */
export interface WallLive extends Omit<Kpi, 'total'> {
	at: string;
	/** Cases reported in the last 7 days by category (largest first), and today. */
	byCategory: { code: string; week: number; today: number }[];
	byDay: PeriodKpi[];
	byMonth: PeriodKpi[];
	latest: WallCase[];
}

import type { Geometry } from 'geojson';

/** Buildings in columns: index i is one building. */
export interface BuildingSet {
	ids: string[];
	/** representative point (WGS-84) */
	lon: Float64Array;
	lat: Float64Array;
	/** NaN = unknown */
	households: Float64Array;
}

/** A facility: Point | MultiPoint | Polygon | MultiPolygon | LineString | MultiLineString | GeometryCollection. */
export interface CoverageFacility {
	id: string;
	category: string;
	geometry: Geometry;
}

/** Per building; Infinity / -1 when nothing is within maxM. */
export interface NearestResult {
	distanceM: Float64Array;
	nearest: Int32Array;
}

export interface CoverageRuleSpec {
	id: string;
	category: string;
	maxDistanceM: number;
	requiredShare: number;
	metric: 'straight' | 'walk';
}

/** no_facilities: the rule's category has no facility anywhere in the data — a gap in the data, not a failure. */
export type CoverageStatus = 'pass' | 'fail' | 'no_data' | 'no_facilities';

export interface UnitRuleResult {
	ruleId: string;
	/** unit index (community or grid), see unitOf */
	unit: number;
	buildings: number;
	/** sum over the buildings with known households */
	householdsTotal: number;
	householdsCovered: number;
	/** null when no_data */
	share: number | null;
	/** households still needed to reach requiredShare (0 when pass or no_data) */
	householdsShort: number;
	/** no buildings, any building with unknown (NaN) households, or total 0 → 'no_data', never 'pass' */
	status: CoverageStatus;
	/** building indices not covered (ascending) */
	uncovered: number[];
	/** buildings of the unit whose households are unknown (NaN) — addition */
	householdsUnknown: number;
}

export const distanceKey = (metric: CoverageRuleSpec['metric'], category: string) => `${metric}:${category}`;

// Facility coverage, the pure core: nearest-facility distances for every building (WGS-84 ellipsoid,
// within 1 m of PostGIS geography), per-unit coverage against rules, what-if edits and site suggestions.
export type { BuildingSet, CoverageFacility, NearestResult, CoverageRuleSpec, CoverageStatus, UnitRuleResult } from './types';
export { distanceKey } from './types';
export { rulerAt, distFrom, segDistFrom, distanceM, type Ruler } from '../measure/ruler';
export { FacilityIndex } from './facility-index';
export { distanceToGeometry } from './facility-parts';
export { nearestFacilityDistances, prepareBuildings, type NearestOptions } from './nearest';
export { evaluateRules, isJudged, unitResult, withFacilityCount } from './evaluate';
export { CoverageWhatIf, moveGeometry, type WhatIfOptions, type WhatIfChange } from './whatif';
export { suggestSites, greedyPicks, type GreedyPick, type SuggestedSite } from './suggest';
export { demandBuildings, siteReach, householdWeight, type SiteCandidate, type SiteReach } from './reach';
export { packResults, UnitResultTable, type PackedResults } from './result-table';

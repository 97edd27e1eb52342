// Facility coverage compliance on the server: loads buildings, facilities, communities and the
// enabled rules, runs geo/coverage (the same code the browser runs for what-if), and keeps the
// result in memory until any input changes (the data versions of its inputs decide: db/versions).
// types: the shapes; load: the inputs; compute: the computation and its cache; cells: reading the
// result (report, a cell, suggestions); whatif: what-if data and the walking what-if.
export {
	type CellStatus,
	type CoverageCell,
	type CoverageCommunity,
	CoverageInputError,
	type CoverageReport,
	type CoverageState,
	distanceKey,
	type SubdistrictTotal
} from './types';
export { computeCoverage, getCoverage, searchDistances } from './compute';
export {
	type CellDetail,
	cellDetail,
	filterReport,
	findCell,
	perBuildingRows,
	type ReportFilter,
	type SiteSuggestion,
	type SuggestAnswer,
	type SuggestMethod,
	suggestForCell
} from './cells';
export { DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S, type OptimalSummary, type SiteInput } from './optimal';
export { type WalkWhatIfRequest, type WhatIfData, whatIfData, whatIfWalk } from './whatif';

// Optimal facility sites (issue 21): maximal covering (MCLP) and set covering (LSCP) over the same
// reach as the greedy suggestion (geo/coverage), reduced, then solved exactly by HiGHS (WebAssembly).
export { optimizeSites, type OptimizeOptions, type OptimalAnswer, type OptimalSite, type GreedyComparison } from './solve';
export { buildInstance, type CoverageProblem, type CoverageInstance } from './instance';
export { buildModel, type Method } from './model';
export { OptimizeError, type OptimizeErrorCode } from './errors';
export { loadHighs } from './highs';

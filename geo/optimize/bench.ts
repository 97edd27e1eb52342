// `npm run bench -- optimize`: optimal sites (issue 21) for one synthetic community — 3,000 buildings
// in compounds over ≈ 1.2 km × 1.2 km (10–150 households, some 0), two existing facilities already
// covering part of it, 2,000 candidate sites, a 300 m reach. Times the maximal covering problem
// (MCLP, k = 5) solved by HiGHS to proven optimality (goal ≤ 5 s) and the set covering problem
// (LSCP: fewest sites covering every household a candidate reaches), each including the instance
// build and reductions; reports the greedy's shortfall beside the optimum.
// Smoke size (--smoke, run by tests/benches.test.ts): 300 buildings, 200 candidates. BENCH_BUILDINGS,
// BENCH_CANDIDATES, BENCH_K and BENCH_REACH_M change either size.
// Ends with RESULT {"mclp_ms", "mclp_gap", "greedy_shortfall_pct", "lscp_ms"}.
import { runOptimizeBench } from './bench-run';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const { optimal, ...result } = await runOptimizeBench();
console.log(`RESULT ${JSON.stringify(result)}`);
if (!optimal && !SMOKE) process.exitCode = 1;

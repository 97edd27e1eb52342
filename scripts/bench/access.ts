// `npm run bench -- access` (issue 21): demand-weighted access on the benchmark city. A synthetic street
// lattice (80 m blocks, 700 × 700 nodes ≈ 56 km × 56 km) with 1,000,000 buildings and 50,000 facilities
// in 20 categories of 2,500 each; one category's E2SFCA (Gaussian decay, 975 m = 15 minutes on foot)
// for every building, timed from the facilities to the per-building result: the buildings each
// facility reaches on foot (geo/capacity walkCatchmentsByEdge: the buildings read off each reached
// edge) and the allocation. The naive peer, in the same run on the same data: walkCatchments (a KDBush
// box of candidates and one target list per facility) and the same allocation; their ratio is printed
// and the two catchments are checked equal pair by pair. Snapping the buildings to the network is
// once per city (kept with the walk graph) and timed apart. Then the optimize bench (geo/optimize
// runOptimizeBench: MCLP k = 5 among 2,000 candidates in a 3,000-building community) for its figures.
// Smoke size (--smoke, tests/benches.test.ts): 20,000 buildings, 1,000 facilities, a 120 × 120 lattice.
// BENCH_SIDE, BENCH_BUILDINGS, BENCH_FACILITIES, BENCH_CATEGORIES change the size.
// Then a network scenario on the same city (./scenario-run.ts, the first ten categories with reaches of
// 300 m, 500 m and 975 m; its peer and identity check are the `scenario` bench's) for `scenario_ms`, and
// the scenario's access for the category as the app computes it (geo/capacity/scenario-access: from
// today's, only the facilities whose catchment can change walked again, before and after, on the network
// cut round them; median of three) for `scenario_access_ms`. Its peer in the same run: the whole edited
// network made, every building snapped to it and the category's E2SFCA run again; both must give every
// building the same access (relative difference ≤ 1e-9: scenario_access_identical).
// RESULT {"buildings", "facilities", "category_facilities", "e2sfca_ms", "naive_ms", "speedup", "identical",
//         "scenario_ms", "scenario_access_ms", "scenario_access_peer_ms", "scenario_access_identical", "mclp_ms",
//         "mclp_gap", "greedy_shortfall_pct"}
import { benchCity } from '../../geo/capacity/bench-city';
import { snapBuildings } from '../../geo/coverage/walk';
import { decayFunction, e2sfca, walkCatchments, type Catchments } from '../../geo/capacity';
import { scenarioAccess, withScenarioAccess } from '../../geo/capacity/scenario-access';
import { scenarioChanges, scenarioGraph } from '../../geo/network/scenario';
import { walkCatchmentsByEdge } from '../../geo/capacity/edge-catchment';
import { runOptimizeBench } from '../../geo/optimize/bench-run';
import { runScenarioBench } from './scenario-run';
import type { CoverageFacility } from '../../geo/coverage';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const env = (k: string, full: number, smoke: number) => Number(process.env[k] ?? (SMOKE ? smoke : full));
const side = env('BENCH_SIDE', 700, 120);
const nb = env('BENCH_BUILDINGS', 1_000_000, 20_000);
const nf = env('BENCH_FACILITIES', 50_000, 1_000);
const categories = env('BENCH_CATEGORIES', 20, 20);
const REACH_M = 975;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

let t = performance.now();
const { graph, lon, lat, demand, facilities: all, rand } = benchCity({ side, buildings: nb, facilities: nf, categories, seed: 2021 });
const facilities = all.filter((f) => f.category === 'c0');
const capacity = Float64Array.from(facilities, () => 20 + Math.floor(rand() * 200));
console.log(
	`access bench: ${graph.edgeCount.toLocaleString('en')} street edges, ${nb.toLocaleString('en')} buildings, ${nf.toLocaleString('en')} facilities in ` +
		`${categories} categories — one category: ${facilities.length.toLocaleString('en')} facilities; reach ${REACH_M} m on foot (made in ${fmt(performance.now() - t)})`
);

t = performance.now();
const snap = snapBuildings(graph, { lon, lat });
console.log(`buildings snapped to the network (once per city): ${fmt(performance.now() - t)}`);
const weight = decayFunction({ kind: 'gaussian', reachM: REACH_M });

const timed = (make: () => Catchments) => {
	const t0 = performance.now();
	const c = make();
	const t1 = performance.now();
	const r = e2sfca(demand, c, capacity, weight);
	const t2 = performance.now();
	return { c, r, catchmentsMs: t1 - t0, allocationMs: t2 - t1, ms: t2 - t0 };
};
// Both compiled by the JIT before either is timed (a few facilities each).
walkCatchmentsByEdge(graph, snap, facilities.slice(0, 20), REACH_M);
walkCatchments(graph, snap, { lon, lat }, facilities.slice(0, 20), REACH_M);
e2sfca(demand, walkCatchmentsByEdge(graph, snap, facilities.slice(0, 20), REACH_M), capacity.subarray(0, 20), weight);
const fast = timed(() => walkCatchmentsByEdge(graph, snap, facilities, REACH_M));
console.log(
	`E2SFCA, every building, one category: ${fmt(fast.ms)} (goal ≤ 2 s) — catchments from the search ${fmt(fast.catchmentsMs)} ` +
		`(${fast.c.building.length.toLocaleString('en')} facility–building pairs), allocation ${fmt(fast.allocationMs)}`
);
const naive = timed(() => walkCatchments(graph, snap, { lon, lat }, facilities, REACH_M));
console.log(
	`naive peer (KDBush box + one target list per facility): ${fmt(naive.ms)} — catchments ${fmt(naive.catchmentsMs)}, allocation ${fmt(naive.allocationMs)}`
);
const speedup = naive.ms / fast.ms;
console.log(`speed-up ${speedup.toFixed(1)}×`);

// The same pairs at the same distances, and the same access per building.
const key = (c: Catchments, f: number) => {
	const out: [number, number][] = [];
	for (let k = c.start[f]; k < c.start[f + 1]; k++) out.push([c.building[k], c.distanceM[k]]);
	return out.sort((a, b) => a[0] - b[0]);
};
let identical = fast.c.building.length === naive.c.building.length;
for (let f = 0; identical && f < facilities.length; f++) {
	const a = key(fast.c, f),
		b = key(naive.c, f);
	if (a.length !== b.length || a.some((p, k) => p[0] !== b[k][0] || Math.abs(p[1] - b[k][1]) > 1e-6)) identical = false;
}
for (let i = 0; identical && i < nb; i++) if (Math.abs(fast.r.access[i] - naive.r.access[i]) > 1e-9 * Math.max(1e-9, naive.r.access[i])) identical = false;
console.log(`same catchments and access as the peer: ${identical}`);

const scenarioCategories: CoverageFacility[][] = Array.from({ length: Math.min(10, categories) }, (_, c) => all.filter((f) => f.category === `c${c}`));
const scenario = runScenarioBench(
	{ graph, lon, lat, households: demand, categories: scenarioCategories, reaches: scenarioCategories.map((_, c) => [300, 500, 975][c % 3]) },
	{ peer: false }
);

// The scenario's access as the app computes it: today's (the allocation above) and the edits in.
const localAccess = () => {
	const t0 = performance.now();
	const r = scenarioAccess({
		graph,
		edits: scenario.edits,
		lon,
		lat,
		facilities,
		capacity,
		demand,
		decay: { kind: 'gaussian' },
		reachM: REACH_M,
		profile: 'all',
		access: fast.r.access
	});
	return { r, access: withScenarioAccess(fast.r.access, r), ms: performance.now() - t0 };
};
const locals = [localAccess(), localAccess(), localAccess()];
const scenarioAccessMs = locals.map((l) => l.ms).sort((a, b) => a - b)[1];
const local = locals[0];
// The peer: the whole edited network made, every building snapped to it, the category's E2SFCA again.
t = performance.now();
const edited = scenarioGraph(graph, scenarioChanges(graph, scenario.edits));
const wholeAccess = timed(() => walkCatchmentsByEdge(edited, snapBuildings(edited, { lon, lat }), facilities, REACH_M));
const peerMs = performance.now() - t;
let moved = 0;
let worst = 0;
for (let i = 0; i < nb; i++) {
	const a = local.access[i];
	const b = wholeAccess.r.access[i];
	if (Math.abs(b - fast.r.access[i]) > 1e-12) moved++;
	if (a !== b) worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
}
const accessIdentical = worst <= 1e-9;
console.log(
	`the scenario's access, local (${local.r.facilities.toLocaleString('en')} facilities walked again, ${local.r.snapped.toLocaleString('en')} buildings ` +
		`snapped, ${local.r.buildings.length.toLocaleString('en')} recomputed): ${fmt(scenarioAccessMs)} — whole edited network (made, every building ` +
		`snapped, E2SFCA): ${fmt(peerMs)}, ${(peerMs / scenarioAccessMs).toFixed(1)}× — ${moved.toLocaleString('en')} buildings' access changes`
);
console.log(`same access as the whole recompute (largest relative difference ${worst.toExponential(1)}): ${accessIdentical}`);

const opt = await runOptimizeBench();
const result = {
	buildings: nb,
	facilities: nf,
	category_facilities: facilities.length,
	e2sfca_ms: Math.round(fast.ms),
	naive_ms: Math.round(naive.ms),
	speedup: Number(speedup.toFixed(2)),
	identical,
	scenario_ms: scenario.scenario_ms,
	scenario_access_ms: Math.round(scenarioAccessMs),
	scenario_access_peer_ms: Math.round(peerMs),
	scenario_access_identical: accessIdentical,
	mclp_ms: opt.mclp_ms,
	mclp_gap: opt.mclp_gap,
	greedy_shortfall_pct: opt.greedy_shortfall_pct
};
console.log(`RESULT ${JSON.stringify(result)}`);
if (!identical || !accessIdentical) process.exitCode = 1;

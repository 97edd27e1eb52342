// `npm run bench -- capacity`: capacity rules and E2SFCA (issue 21) on a synthetic walk graph (a jittered
// street lattice, 80 m blocks): the buildings each facility reaches on foot within 975 m (one bounded
// search per facility), then the allocation with a Gaussian decay for every building and one category.
// Full size: 1,000,000 buildings and 50,000 facilities (the bench city; BENCH_BUILDINGS,
// BENCH_FACILITIES, BENCH_SIDE change it) — the catchments are one search per facility, so expect
// minutes at full size: the goal (≤ 2 s for E2SFCA over all buildings) is not met yet.
// Smoke size (--smoke, run by tests/benches.test.ts): 5,000 buildings, 50 facilities.
// Ends with RESULT {"buildings", "facilities", "catchments_ms", "e2sfca_ms", "identical"}: identical is
// the plain (no decay) E2SFCA equal to the capacity rules' two-step allocation, building by building,
// and the capacity allocated equal to the capacity of the facilities with demand.
import { benchCity } from './bench-city';
import { snapBuildings } from '../coverage/walk';
import { decayFunction, e2sfca, evaluateCapacity, walkCatchments } from './index';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const env = (k: string, full: number, smoke: number) => Number(process.env[k] ?? (SMOKE ? smoke : full));
const side = env('BENCH_SIDE', 700, 60);
const nb = env('BENCH_BUILDINGS', 1_000_000, 5_000);
const nf = env('BENCH_FACILITIES', 50_000, 50);
const REACH_M = 975;

const { graph, lon, lat, demand, facilities, rand } = benchCity({ side, buildings: nb, facilities: nf });
const capacity = Float64Array.from({ length: nf }, () => 20 + Math.floor(rand() * 200));
console.log(`graph ${graph.edgeCount} edges, ${nb} buildings, ${nf} facilities, reach ${REACH_M} m`);

let t = performance.now();
const snap = snapBuildings(graph, { lon, lat });
const catchments = walkCatchments(graph, snap, { lon, lat }, facilities, REACH_M);
const catchmentsMs = performance.now() - t;
console.log(`catchments on foot: ${catchmentsMs.toFixed(0)} ms (${catchments.building.length} facility–building pairs)`);

t = performance.now();
const gaussian = e2sfca(demand, catchments, capacity, decayFunction({ kind: 'gaussian', reachM: REACH_M }));
const e2sfcaMs = performance.now() - t;
console.log(`E2SFCA (Gaussian) for every building: ${e2sfcaMs.toFixed(0)} ms`);

const plain = e2sfca(demand, catchments, capacity, decayFunction({ kind: 'none', reachM: REACH_M }));
const two = evaluateCapacity(demand, new Int32Array(nb), 1, catchments, capacity, { id: 'bench', basis: 'population', demandPer: 1, capacityPer: 1 });
let same = true;
for (let i = 0; i < nb; i++) if (Math.abs(plain.access[i] - two.access[i]) > 1e-12 * Math.max(1, two.access[i])) same = false;
const served = (r: { ratio: Float64Array }) => capacity.reduce((s, c, f) => s + (r.ratio[f] > 0 ? c : 0), 0);
const allocated = (r: { access: Float64Array }) => demand.reduce((s, d, i) => s + d * r.access[i], 0);
for (const r of [plain, gaussian]) if (Math.abs(allocated(r) - served(r)) > 1e-6 * served(r)) same = false;
console.log(`plain E2SFCA = two-step allocation, capacity conserved: ${same}`);
console.log(
	`RESULT ${JSON.stringify({ buildings: nb, facilities: nf, catchments_ms: Math.round(catchmentsMs), e2sfca_ms: Math.round(e2sfcaMs), identical: same })}`
);

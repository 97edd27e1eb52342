// npm run bench -- scenario
// A network scenario's recompute on a city of 1,000,000 buildings (issue 21, `scenario_ms` ≤ 2 s): a
// synthetic lattice of streets (80 m blocks), buildings scattered over it, 50,000 facilities in ten
// categories, reaches of 300 m, 500 m and a 15-minute walk (975 m) as the seeded rules have; the scenario
// and its peer (the whole city walked again on the whole edited network): ./scenario-run.ts.
// Keys: scenario_ms (median of 3), full_recompute_ms, vs_full, buildings, facilities, recomputed_buildings,
// households_changed, identical.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke): 20,000 buildings, 1,000 facilities.
import { graphFromEdgeList } from '../../geo/network/graph';
import { syntheticLattice, latticeSideFor } from '../../geo/network/synthetic';
import { graphBounds } from '../../geo/network/graph';
import type { CoverageFacility } from '../../geo/coverage';
import { mulberry32 } from '../../geo/synth/prng';
import { fmt, runScenarioBench } from './scenario-run';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const BUILDINGS = Number(process.env.BENCH_BUILDINGS) || (SMOKE ? 20_000 : 1_000_000);
const FACILITIES = Number(process.env.BENCH_FACILITIES) || (SMOKE ? 1_000 : 50_000);
const CATEGORIES = 10;
/** Each category's reach, as the seeded rules have them: 300 m, 500 m, a 15-minute walk. */
const REACH = [300, 300, 300, 500, 500, 500, 500, 975, 975, 975];

// one building per ≈ 3 lattice edges, as in a dense Chinese city district
const side = latticeSideFor(Math.max(2_000, BUILDINGS / 3));
const t0 = performance.now();
const graph = graphFromEdgeList(syntheticLattice({ side, seed: 3 }));
const buildMs = performance.now() - t0;
const [x0, y0, x1, y1] = graphBounds(graph)!;
const rand = mulberry32(17);
const at = (u: number, v: number): [number, number] => [x0 + u * (x1 - x0), y0 + v * (y1 - y0)];
const lon = new Float64Array(BUILDINGS);
const lat = new Float64Array(BUILDINGS);
const households = new Float64Array(BUILDINGS);
for (let i = 0; i < BUILDINGS; i++) {
	[lon[i], lat[i]] = at(rand(), rand());
	households[i] = 10 + Math.floor(rand() * 90);
}
const categories: CoverageFacility[][] = Array.from({ length: CATEGORIES }, () => []);
for (let f = 0; f < FACILITIES; f++) {
	const c = f % CATEGORIES;
	categories[c].push({ id: `f${f}`, category: `c${c}`, geometry: { type: 'Point', coordinates: at(rand(), rand()) } });
}
console.log(
	`city: ${BUILDINGS.toLocaleString('en')} buildings, ${FACILITIES.toLocaleString('en')} facilities in ${CATEGORIES} categories, ` +
		`${graph.edgeCount.toLocaleString('en')} street edges (${side}×${side} lattice, built in ${fmt(buildMs)}), reaches ${[...new Set(REACH)].join(' / ')} m`
);
const f = runScenarioBench({ graph, lon, lat, households, categories, reaches: REACH }, { peer: true });
console.log(
	'RESULT ' +
		JSON.stringify({
			scenario_ms: f.scenario_ms,
			full_recompute_ms: f.full_recompute_ms,
			vs_full: Math.round((f.full_recompute_ms! / f.scenario_ms) * 10) / 10,
			buildings: BUILDINGS,
			facilities: FACILITIES,
			recomputed_buildings: f.recomputed_buildings,
			households_changed: f.households_changed,
			identical: f.identical
		})
);
if (!f.identical) process.exitCode = 1;

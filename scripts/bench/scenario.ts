// npm run bench -- scenario
// A network scenario's recompute on a city of 1,000,000 buildings (issue 21, `scenario_ms` ≤ 2 s): a
// synthetic lattice of streets (80 m blocks), buildings scattered over it, 50,000 facilities in ten
// categories, reaches of 300 m, 500 m and a 15-minute walk (975 m) as the seeded rules have. The scenario — two road
// closures, a footpath, a footbridge, a gate opened and one closed, all within ≈ 2 km — is recomputed
// as the app does it (src/lib/server/jobs/scenario-task.ts: only the buildings the edits can reach, on
// the edited network cut to the region their walks can use), then the gains and losses tallied, and
// compared with the naive peer measured in the same run: the whole city walked again on the whole edited
// network. `identical`: both give every building the same distance for every category (to the millimetre).
// Keys: scenario_ms (median of 3), full_recompute_ms, vs_full, buildings, facilities, recomputed_buildings,
// households_changed, identical.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke): 20,000 buildings, 1,000 facilities.
import { graphFromEdgeList, graphBounds } from '../../geo/network/graph';
import { syntheticLattice, latticeSideFor } from '../../geo/network/synthetic';
import { scenarioChanges, scenarioGraph, type ScenarioEdit } from '../../geo/network/scenario';
import { snapBuildings, walkNearest } from '../../geo/coverage/walk';
import type { CoverageFacility } from '../../geo/coverage';
import { mulberry32 } from '../../geo/synth/prng';
import { scenarioDistances } from '../../src/lib/server/jobs/scenario-task';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const BUILDINGS = Number(process.env.BENCH_BUILDINGS) || (SMOKE ? 20_000 : 1_000_000);
const FACILITIES = Number(process.env.BENCH_FACILITIES) || (SMOKE ? 1_000 : 50_000);
const CATEGORIES = 10;
/** Each category's reach, as the seeded rules have them: 300 m, 500 m, a 15-minute walk. */
const REACH = [300, 300, 300, 500, 500, 500, 500, 975, 975, 975];
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const time = <T>(fn: () => T): [T, number] => {
	const t = performance.now();
	const r = fn();
	return [r, performance.now() - t];
};

// one building per ≈ 3 lattice edges, as in a dense Chinese city district
const side = latticeSideFor(Math.max(2_000, BUILDINGS / 3));
const [base, buildMs] = time(() => graphFromEdgeList(syntheticLattice({ side, seed: 3 })));
const [x0, y0, x1, y1] = graphBounds(base)!;
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
		`${base.edgeCount.toLocaleString('en')} street edges (${side}×${side} lattice, built in ${fmt(buildMs)}), reaches ${[...new Set(REACH)].join(' / ')} m`
);

// the baseline, as the coverage computes it: every building, every category
const [baseline, baselineMs] = time(() => {
	const snap = snapBuildings(base, { lon, lat });
	return categories.map((f, c) => walkNearest(base, snap, f, REACH[c]).distanceM);
});
console.log(`baseline coverage distances (not timed against): ${fmt(baselineMs)}`);

const km = (x1 - x0) * 94_000 > 0 ? 1000 / ((x1 - x0) * 94_000) : 0.01; // ≈ one kilometre as a fraction of the width
const edits: ScenarioEdit[] = [
	{ kind: 'road_close', coordinates: [at(0.5, 0.5), at(0.5 + 0.3 * km, 0.5 + 0.1 * km)] },
	{ kind: 'road_close', coordinates: [at(0.5 + 0.8 * km, 0.5 - 0.4 * km), at(0.5 + 0.8 * km, 0.5 + 0.2 * km)] },
	{ kind: 'footpath', coordinates: [at(0.5 - 0.6 * km, 0.5), at(0.5 - 0.2 * km, 0.5 + 0.5 * km)] },
	{ kind: 'footbridge', coordinates: [at(0.5 + 0.2 * km, 0.5 + 0.8 * km), at(0.5 + 0.9 * km, 0.5 + 0.9 * km)] },
	{ kind: 'gate_open', coordinates: [at(0.5 - 0.3 * km, 0.5 - 0.6 * km), at(0.5 - 0.25 * km, 0.5 - 0.55 * km)] },
	{ kind: 'gate_close', coordinates: [at(0.5 + 0.4 * km, 0.5 - 0.8 * km), at(0.5 + 0.45 * km, 0.5 - 0.75 * km)] }
];
const searches = categories.map((facilities, c) => ({ key: `walk:c${c}`, facilities, maxM: REACH[c] }));

/** As the app: the worker's local recompute, then the gains and losses tallied against the baseline. */
function scenario() {
	const r = scenarioDistances({ lon, lat, graph: { graph: base, id: 1 }, edits, searches }, { part: async () => {} });
	let changed = 0;
	searches.forEach((s, c) => {
		const after = r.results[s.key];
		r.buildings.forEach((i, n) => {
			if (baseline[c][i] <= REACH[c] !== after[n] <= REACH[c]) changed += households[i];
		});
	});
	return { r, changed };
}
const runs: number[] = [];
let last: ReturnType<typeof scenario> | null = null;
for (let k = 0; k < 3; k++) {
	const [out, ms] = time(scenario);
	runs.push(ms);
	last = out;
}
runs.sort((a, b) => a - b);
const scenarioMs = runs[1];
console.log(
	`scenario (local): ${fmt(scenarioMs)} median of ${runs.map(fmt).join(', ')} — ${last!.r.buildings.length.toLocaleString('en')} buildings walked again on ` +
		`${last!.r.edges.toLocaleString('en')} edges; ${Math.round(last!.changed).toLocaleString('en')} households change reach`
);

// the naive peer: the whole edited network, every building, every category
const [full, fullMs] = time(() => {
	const g = scenarioGraph(base, scenarioChanges(base, edits));
	const snap = snapBuildings(g, { lon, lat });
	return categories.map((f, c) => walkNearest(g, snap, f, REACH[c]).distanceM);
});
console.log(`whole-city recompute (peer): ${fmt(fullMs)} → ×${(fullMs / scenarioMs).toFixed(1)}`);

// to the millimetre: edge lengths are summed in single precision (WalkGraph.adjLength), in another order on another graph
const same = (a: number, b: number) => a === b || Math.abs(a - b) < 1e-3;
const near = new Map<number, number>();
last!.r.buildings.forEach((i, n) => near.set(i, n));
let identical = true;
searches.forEach((s, c) => {
	const after = last!.r.results[s.key];
	for (let i = 0; i < BUILDINGS && identical; i++) {
		const n = near.get(i);
		if (!same(n === undefined ? baseline[c][i] : after[n], full[c][i])) {
			identical = false;
			console.log(`differs: category ${c}, building ${i}: local ${n === undefined ? baseline[c][i] : after[n]}, whole ${full[c][i]}`);
		}
	}
});
console.log(`identical: ${identical}`);
console.log(
	'RESULT ' +
		JSON.stringify({
			scenario_ms: Math.round(scenarioMs),
			full_recompute_ms: Math.round(fullMs),
			vs_full: Math.round((fullMs / scenarioMs) * 10) / 10,
			buildings: BUILDINGS,
			facilities: FACILITIES,
			recomputed_buildings: last!.r.buildings.length,
			households_changed: Math.round(last!.changed),
			identical
		})
);

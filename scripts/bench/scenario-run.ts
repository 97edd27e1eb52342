// A network scenario's recompute on a bench city, shared by the `scenario` and `access` benches: the
// baseline distances per category (as the coverage computes them, not timed against), then a scenario of
// six edits within ≈ 2 km of the city's centre — two road closures, a footpath, a footbridge, a gate opened
// and one closed — recomputed as the app does it (src/lib/server/jobs/scenario-task.ts: only the buildings
// the edits can reach, on the edited network cut to their region) with the gains and losses tallied,
// median of three. With `peer`, the naive peer in the same run — the whole city walked again on the
// whole edited network — and whether both give every building the same distance (to the millimetre:
// edge lengths are summed in single precision, in another order on another graph).
import { graphBounds, type WalkGraph } from '../../geo/network/graph';
import { scenarioChanges, scenarioGraph, type ScenarioEdit } from '../../geo/network/scenario';
import { snapBuildings, walkNearest } from '../../geo/coverage/walk';
import type { CoverageFacility } from '../../geo/coverage';
import { scenarioDistances } from '../../src/lib/server/jobs/scenario-task';

export interface ScenarioBenchCity {
	graph: WalkGraph;
	lon: Float64Array;
	lat: Float64Array;
	households: Float64Array;
	/** Facilities per category, and each category's reach (m). */
	categories: CoverageFacility[][];
	reaches: number[];
}

export interface ScenarioBenchFigures {
	scenario_ms: number;
	full_recompute_ms: number | null;
	recomputed_buildings: number;
	recomputed_edges: number;
	households_changed: number;
	identical: boolean | null;
	/** The scenario's edits (for benches that measure more on the same scenario). */
	edits: ScenarioEdit[];
}

export const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const time = <T>(fn: () => T): [T, number] => {
	const t = performance.now();
	const r = fn();
	return [r, performance.now() - t];
};

export function runScenarioBench(city: ScenarioBenchCity, opts: { peer: boolean }): ScenarioBenchFigures {
	const { graph: base, lon, lat, households, categories, reaches } = city;
	const [baseline, baselineMs] = time(() => {
		const snap = snapBuildings(base, { lon, lat });
		return categories.map((f, c) => walkNearest(base, snap, f, reaches[c]).distanceM);
	});
	console.log(`baseline coverage distances (not timed against): ${fmt(baselineMs)}`);

	const [x0, y0, x1, y1] = graphBounds(base)!;
	const at = (u: number, v: number): [number, number] => [x0 + u * (x1 - x0), y0 + v * (y1 - y0)];
	const km = 1000 / ((x1 - x0) * 94_000); // ≈ one kilometre as a fraction of the city's width
	const edits: ScenarioEdit[] = [
		{ kind: 'road_close', coordinates: [at(0.5, 0.5), at(0.5 + 0.3 * km, 0.5 + 0.1 * km)] },
		{ kind: 'road_close', coordinates: [at(0.5 + 0.8 * km, 0.5 - 0.4 * km), at(0.5 + 0.8 * km, 0.5 + 0.2 * km)] },
		{ kind: 'footpath', coordinates: [at(0.5 - 0.6 * km, 0.5), at(0.5 - 0.2 * km, 0.5 + 0.5 * km)] },
		{ kind: 'footbridge', coordinates: [at(0.5 + 0.2 * km, 0.5 + 0.8 * km), at(0.5 + 0.9 * km, 0.5 + 0.9 * km)] },
		{ kind: 'gate_open', coordinates: [at(0.5 - 0.3 * km, 0.5 - 0.6 * km), at(0.5 - 0.25 * km, 0.5 - 0.55 * km)] },
		{ kind: 'gate_close', coordinates: [at(0.5 + 0.4 * km, 0.5 - 0.8 * km), at(0.5 + 0.45 * km, 0.5 - 0.75 * km)] }
	];
	const searches = categories.map((facilities, c) => ({ key: `walk:c${c}`, facilities, maxM: reaches[c] }));

	/** As the app: the worker's local recompute, then the gains and losses tallied against the baseline. */
	const scenario = () => {
		const r = scenarioDistances({ lon, lat, graph: { graph: base, id: 1 }, edits, searches }, { part: async () => {} });
		let changed = 0;
		searches.forEach((s, c) => {
			const after = r.results[s.key];
			r.buildings.forEach((i, n) => {
				if (baseline[c][i] <= reaches[c] !== after[n] <= reaches[c]) changed += households[i];
			});
		});
		return { r, changed };
	};
	const runs: number[] = [];
	let last: ReturnType<typeof scenario> | null = null;
	for (let k = 0; k < 3; k++) {
		const [out, ms] = time(scenario);
		runs.push(ms);
		last = out;
	}
	runs.sort((a, b) => a - b);
	const { r, changed } = last!;
	console.log(
		`scenario (local): ${fmt(runs[1])} median of ${runs.map(fmt).join(', ')} (goal ≤ 2 s) — ${r.buildings.length.toLocaleString('en')} buildings walked again on ` +
			`${r.edges.toLocaleString('en')} edges; ${Math.round(changed).toLocaleString('en')} households change reach`
	);
	const figures: ScenarioBenchFigures = {
		scenario_ms: Math.round(runs[1]),
		full_recompute_ms: null,
		recomputed_buildings: r.buildings.length,
		recomputed_edges: r.edges,
		households_changed: Math.round(changed),
		identical: null,
		edits
	};
	if (!opts.peer) return figures;

	const [full, fullMs] = time(() => {
		const g = scenarioGraph(base, scenarioChanges(base, edits));
		const snap = snapBuildings(g, { lon, lat });
		return categories.map((f, c) => walkNearest(g, snap, f, reaches[c]).distanceM);
	});
	console.log(`whole-city recompute (peer): ${fmt(fullMs)} → ×${(fullMs / runs[1]).toFixed(1)}`);
	const same = (a: number, b: number) => a === b || Math.abs(a - b) < 1e-3;
	const near = new Map<number, number>();
	r.buildings.forEach((i, n) => near.set(i, n));
	let identical = true;
	searches.forEach((s, c) => {
		const after = r.results[s.key];
		for (let i = 0; i < lon.length && identical; i++) {
			const n = near.get(i);
			const local = n === undefined ? baseline[c][i] : after[n];
			if (!same(local, full[c][i])) {
				identical = false;
				console.log(`differs: category ${c}, building ${i}: local ${local}, whole ${full[c][i]}`);
			}
		}
	});
	console.log(`identical: ${identical}`);
	return { ...figures, full_recompute_ms: Math.round(fullMs), identical };
}

// The optimize bench as a function (geo/optimize/bench.ts prints its RESULT; the access bench,
// scripts/bench/access.ts, carries its figures): one synthetic community — 3,000 buildings in compounds,
// two existing facilities locked in, 2,000 candidates, a 300 m reach (smoke: 300 buildings, 200
// candidates; BENCH_BUILDINGS, BENCH_CANDIDATES, BENCH_K, BENCH_REACH_M change either size) — MCLP
// (k = 5) and LSCP solved by HiGHS beside the greedy.
import { mulberry32 } from '../synth/prng';
import { nearestFacilityDistances, rulerAt, type BuildingSet } from '../coverage';
import { loadHighs, optimizeSites } from './index';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const env = (k: string, full: number, smoke: number) => Number(process.env[k] ?? (SMOKE ? smoke : full));
const N = env('BENCH_BUILDINGS', 3000, 300);
const M = env('BENCH_CANDIDATES', 2000, 200);
const K = env('BENCH_K', 5, 5);
const REACH_M = env('BENCH_REACH_M', 300, 300);
const SIDE_M = SMOKE ? 600 : 1200;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

export interface OptimizeBenchResult {
	mclp_ms: number;
	mclp_gap: number | null;
	greedy_shortfall_pct: number;
	lscp_ms: number;
	/** the MCLP was proven optimal */
	optimal: boolean;
}

export async function runOptimizeBench(log: (line: string) => void = (s) => console.log(s)): Promise<OptimizeBenchResult> {
	const rng = mulberry32(20261207);
	const gauss = () => {
		let u = 0;
		for (let i = 0; i < 6; i++) u += rng();
		return (u - 3) / Math.SQRT2;
	};
	const lon0 = 118.78,
		lat0 = 32.04;
	const { kx, ky } = rulerAt(lat0);
	const w = SIDE_M / kx,
		h = SIDE_M / ky;
	const compounds = Array.from({ length: 8 }, () => [lon0 + (0.1 + 0.8 * rng()) * w, lat0 + (0.1 + 0.8 * rng()) * h]);
	const lon = new Float64Array(N),
		lat = new Float64Array(N),
		households = new Float64Array(N);
	for (let i = 0; i < N; i++) {
		if (rng() < 0.25) {
			lon[i] = lon0 + rng() * w;
			lat[i] = lat0 + rng() * h;
		} else {
			const c = compounds[Math.floor(rng() * compounds.length)];
			lon[i] = Math.min(lon0 + w, Math.max(lon0, c[0] + gauss() * w * 0.08));
			lat[i] = Math.min(lat0 + h, Math.max(lat0, c[1] + gauss() * h * 0.08));
		}
		households[i] = rng() < 0.1 ? 0 : 10 + Math.floor(rng() * 140);
	}
	const buildings: BuildingSet = { ids: Array.from({ length: N }, (_, i) => `b${i}`), lon, lat, households };
	const existing = [0, 1].map((f) => ({
		id: `f${f}`,
		category: 'kindergarten',
		geometry: { type: 'Point' as const, coordinates: [lon0 + (0.15 + 0.7 * f) * w, lat0 + (0.2 + 0.6 * f) * h] }
	}));
	const distanceM = nearestFacilityDistances(buildings, existing, REACH_M).distanceM;
	const candidates = Array.from({ length: M }, (_, i) => ({ lon: lon0 + rng() * w, lat: lat0 + rng() * h, id: `c${i}` }));
	const problem = { buildings, distanceM, maxDistanceM: REACH_M, candidates };
	log(
		`geo/optimize bench: ${N.toLocaleString('en')} buildings over ${SIDE_M} m × ${SIDE_M} m, ${M.toLocaleString('en')} candidates, ` +
			`reach ${REACH_M} m, ${existing.length} existing facilities (locked in)`
	);

	let t = performance.now();
	await loadHighs();
	log(`HiGHS loaded (Wasm compiled) in ${fmt(performance.now() - t)}`);

	t = performance.now();
	const mclp = await optimizeSites(problem, { method: 'mclp', k: K, timeLimitS: 30 });
	const mclpMs = performance.now() - t;
	const r = mclp.reduced;
	log(
		`reduced: ${r.demandBuildings.toLocaleString('en')} demand buildings → ${r.groups.toLocaleString('en')} groups; ` +
			`${r.candidates.toLocaleString('en')} candidates → ${r.keptCandidates.toLocaleString('en')} undominated`
	);
	log(
		`MCLP k = ${K}: ${mclp.status}, ${mclp.householdsCovered.toLocaleString('en')} of ${mclp.demandHouseholds.toLocaleString('en')} uncovered households ` +
			`(bound ${mclp.bound}, gap ${((mclp.gap ?? NaN) * 100).toFixed(2)} %) in ${fmt(mclpMs)} (goal ≤ 5 s, proven optimal)`
	);
	const g = mclp.greedy!;
	log(
		`greedy k = ${K}: ${g.householdsCovered.toLocaleString('en')} households — leaves ${g.householdsShort.toLocaleString('en')} (${g.shortPct.toFixed(2)} %) on the table`
	);

	t = performance.now();
	const lscp = await optimizeSites(problem, { method: 'lscp', timeLimitS: 30 });
	const lscpMs = performance.now() - t;
	log(
		`LSCP: ${lscp.status}, ${lscp.sites.length} sites cover all ${lscp.householdsCovered.toLocaleString('en')} reachable households ` +
			`(${lscp.uncoverable.households} out of every candidate's reach; bound ${lscp.bound}) in ${fmt(lscpMs)}; greedy needs ${lscp.greedy!.sites} (${lscp.greedy!.extraSites} more)`
	);

	const result = {
		mclp_ms: Math.round(mclpMs),
		mclp_gap: mclp.gap,
		greedy_shortfall_pct: Number(g.shortPct.toFixed(3)),
		lscp_ms: Math.round(lscpMs)
	};
	return { ...result, optimal: mclp.status === 'optimal' };
}

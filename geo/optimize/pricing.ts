// The uncapacitated MCLP with many candidates, solved exactly in less time than one HiGHS run over
// the whole model (whose root cuts and probing dominate at 2,000 candidates): LP pricing.
//   1. The LP relaxation of the whole model: its value z and each candidate's reduced cost d_s. For
//      every feasible x, Σ w y ≤ z − Σ_{s at 0 in the LP} |d_s| x_s (the reduced costs of a dual
//      feasible basis), so any solution opening s covers at most z − |d_s|.
//   2. The MIP over a few candidates R (the greedy's, the LP's support, the best priced) — a model of
//      its own, only their columns and the groups they reach: its optimum L is a solution of the
//      whole problem.
//   3. A candidate outside R with z − |d_s| < L + 1 (households are whole) cannot improve on L. When
//      every candidate outside R is such, L is the optimum, proven; else R grows by the others and 2
//      runs again.
// Out of time: the best found, against the bound z. Where the LP itself does not finish in time the
// whole model goes to HiGHS as it is.
import type { Highs } from './highs';
import { buildModel, restrictInstance, type ModelInstance } from './model';
import { runLp, runMip } from './run';

export interface PricedRun {
	status: 'optimal' | 'time_limit';
	/** the chosen candidates (indices into inst.kept) */
	chosen: number[];
	bound: number;
	/** candidates in the last restricted MIP */
	restricted: number;
	rounds: number;
}

/** greedy: the greedy's choice (indices into inst.kept); step: the objective's granularity (1: whole households, 0: any). */
export function mclpByPricing(solver: Highs, inst: ModelInstance, k: number, timeLimitS: number, step: number, greedy: number[]): PricedRun {
	const deadline = performance.now() + timeLimitS * 1000;
	const left = () => (deadline - performance.now()) / 1000;
	const absGap = step > 0 ? step - 1e-6 : 1e-6;
	const m = inst.kept.length;
	const whole = buildModel(inst, 'mclp', k, null);
	const lp = runLp(solver, whole.data, timeLimitS);
	if (!lp) {
		const run = runMip(solver, whole.data, { timeLimitS: left(), absGap, presolve: 'off' }, startOf(inst, whole.data.numCols, greedy));
		const chosen = run.colValue ? [...Array(m).keys()].filter((s) => run.colValue![s] > 0.5) : greedy;
		return { status: run.status === 'optimal' ? 'optimal' : 'time_limit', chosen, bound: run.bound, restricted: m, rounds: 0 };
	}
	const z = lp.objective;
	const tol = 1e-7 * Math.max(1, Math.abs(z));
	// the most a solution opening s can cover
	const best = Float64Array.from({ length: m }, (_, s) => (lp.colValue[s] > 1e-9 ? z : z - Math.abs(lp.colDual[s])));
	const inR = new Uint8Array(m);
	for (const s of greedy) inR[s] = 1;
	for (let s = 0; s < m; s++) if (lp.colValue[s] > 1e-9) inR[s] = 1;
	const order = [...best.keys()].filter((s) => !inR[s]).sort((a, b) => best[b] - best[a] || a - b);
	for (const s of order.slice(0, 4 * k)) inR[s] = 1;
	let incumbent = greedy;
	for (let rounds = 1; ; rounds++) {
		const sub = restrictInstance(inst, inR);
		const model = buildModel(sub, 'mclp', k, null);
		const local = new Map(sub.kept.map((s, i) => [s, i]));
		const run = runMip(
			solver,
			model.data,
			{ timeLimitS: left(), absGap, presolve: 'off' },
			startOf(
				sub,
				model.data.numCols,
				incumbent.map((s) => local.get(s)!)
			)
		);
		if (run.colValue) incumbent = sub.kept.filter((_, i) => run.colValue![i] > 0.5);
		const restricted = sub.kept.length;
		if (run.status !== 'optimal') return { status: 'time_limit', chosen: incumbent, bound: z, restricted, rounds };
		let grew = false;
		for (let s = 0; s < m; s++) {
			if (inR[s] || best[s] + tol < run.objective + step) continue;
			inR[s] = 1;
			grew = true;
		}
		if (!grew) return { status: 'optimal', chosen: incumbent, bound: run.objective, restricted, rounds };
		if (left() <= 0) return { status: 'time_limit', chosen: incumbent, bound: z, restricted, rounds };
	}
}

/** A starting solution: the chosen candidates open, every group they reach covered. */
function startOf(inst: ModelInstance, numCols: number, chosen: number[]): Float64Array {
	const col = new Float64Array(numCols);
	const open = new Uint8Array(inst.kept.length);
	for (const s of chosen) open[s] = col[s] = 1;
	const m = inst.kept.length;
	for (let g = 0; g + 1 < inst.groupStart.length; g++) {
		for (let q = inst.groupStart[g]; q < inst.groupStart[g + 1]; q++) if (open[inst.groupCand[q]]) col[m + g] = 1;
	}
	return col;
}

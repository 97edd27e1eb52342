// One HiGHS solve of a model (./model), its outcome in the terms the answer uses.
import type { ModelData } from 'highs';
import type { Highs } from './highs';
import { OptimizeError } from './errors';

export interface MipRun {
	status: 'optimal' | 'time_limit' | 'infeasible';
	/** the best solution found (null: none) */
	colValue: Float64Array | null;
	objective: number;
	/** HiGHS's bound on the objective (NaN: none yet) */
	bound: number;
}

export interface RunOptions {
	timeLimitS: number;
	/** the absolute gap that counts as proven (below 1 for a whole-number objective) */
	absGap: number;
	/** HiGHS's presolve (default on; on covering models with dense rows it can cost more than it saves) */
	presolve?: 'on' | 'off';
}

/** The MIP, from `start` when given (HiGHS checks it and keeps it if feasible). */
export function runMip(solver: Highs, data: ModelData, options: RunOptions, start?: Float64Array): MipRun {
	const model = solver.createModel(data);
	try {
		model.options.set({
			output_flag: false,
			time_limit: Math.max(0.01, options.timeLimitS),
			mip_rel_gap: 0,
			mip_abs_gap: options.absGap,
			presolve: options.presolve ?? 'choose'
		});
		if (start) model.setSolution({ colValue: start });
		const { modelStatus } = model.run();
		const codes = solver.constants.modelStatus;
		if (modelStatus === codes.infeasible) return { status: 'infeasible', colValue: null, objective: NaN, bound: NaN };
		if (modelStatus !== codes.optimal && modelStatus !== codes.timeLimit) {
			throw new OptimizeError('solver_failed', `求解器未能完成（状态 ${modelStatus}）/ the solver did not finish (model status ${modelStatus})`);
		}
		const has = model.info.get('primal_solution_status') === 2;
		const colValue = has ? model.getSolution().colValue : null;
		const bound = Number(model.info.get('mip_dual_bound'));
		return {
			status: modelStatus === codes.optimal ? 'optimal' : 'time_limit',
			colValue,
			objective: has ? model.getObjectiveValue() : NaN,
			bound: Number.isFinite(bound) ? bound : NaN
		};
	} finally {
		model.dispose();
	}
}

/**
 * The LP relaxation: objective, primal and reduced costs; null unless solved to optimality in time.
 * Without presolve: on the MCLP at 2,000 candidates HiGHS's presolve took 4× the simplex itself.
 */
export function runLp(solver: Highs, data: ModelData, timeLimitS: number): { objective: number; colValue: Float64Array; colDual: Float64Array } | null {
	const model = solver.createModel({ ...data, integrality: undefined });
	try {
		model.options.set({ output_flag: false, time_limit: Math.max(0.01, timeLimitS), presolve: 'off' });
		const { modelStatus } = model.run();
		if (modelStatus !== solver.constants.modelStatus.optimal) return null;
		const sol = model.getSolution();
		return { objective: model.getObjectiveValue(), colValue: sol.colValue, colDual: sol.colDual };
	} finally {
		model.dispose();
	}
}

// A site optimisation the planner asked for that cannot be run as asked; `message` is Chinese / English.
import { GridAtlasError } from '../errors';

export type OptimizeErrorCode = 'bad_k' | 'bad_method' | 'bad_time_limit' | 'bad_capacity' | 'no_candidates' | 'no_demand' | 'solver_failed';

/** Bad parameters: 400; nothing to cover or nowhere to put a site (a state of the data): 409; the solver failing: 500. */
const STATUS: Record<OptimizeErrorCode, number> = {
	bad_k: 400,
	bad_method: 400,
	bad_time_limit: 400,
	bad_capacity: 400,
	no_candidates: 409,
	no_demand: 409,
	solver_failed: 500
};

export class OptimizeError extends GridAtlasError {
	constructor(
		readonly code: OptimizeErrorCode,
		message: string
	) {
		super(message, { code, status: STATUS[code] });
		this.name = 'OptimizeError';
	}
}

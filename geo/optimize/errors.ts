// A site optimisation the planner asked for that cannot be run as asked; `message` is Chinese / English.

export type OptimizeErrorCode = 'bad_k' | 'bad_method' | 'bad_time_limit' | 'bad_capacity' | 'no_candidates' | 'no_demand' | 'solver_failed';

export class OptimizeError extends Error {
	constructor(
		readonly code: OptimizeErrorCode,
		message: string
	) {
		super(message);
		this.name = 'OptimizeError';
	}
}

// The plan API's answers: typed plan errors → the shared error shape {message, code, errors?}
// (src/lib/server/api-errors.ts) with the status their type implies; anything else is rethrown.
import { apiError, jobErrorResponse } from './api-errors';
import { JobError } from './jobs/errors';
import { PlanConflictError, PlanInputError, PlanViolationError } from './plans';

export function planErrorResponse(err: unknown): Response {
	if (err instanceof JobError) return jobErrorResponse(err);
	if (err instanceof PlanInputError) return apiError(err.status, err.message, { code: err.code, errors: err.errors });
	if (err instanceof PlanViolationError) return apiError(422, err.message, { code: err.code, errors: err.violations, warnings: err.warnings });
	if (err instanceof PlanConflictError) return apiError(409, err.message, { code: err.code, latest: err.latest, baseRevision: err.baseRevision });
	throw err;
}

/** The acting user's name for a revision's author ('system' when nobody is signed in). */
export function authorOf(locals: App.Locals): string {
	const user = (locals as { user?: { username?: string; name?: string } | null }).user;
	return user?.username ?? user?.name ?? 'system';
}

/** A positive whole number from a path or query parameter, or null. */
export function positiveInt(value: string | null | undefined): number | null {
	if (!value || !/^[0-9]{1,15}$/.test(value)) return null;
	const n = Number(value);
	return n > 0 ? n : null;
}

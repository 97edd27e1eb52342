// One JSON shape for refused API requests: { message, code?, errors? }, with the HTTP status the
// error's type implies. Routes catch, and hand the error here.
import { json } from '@sveltejs/kit';
import { RuleExistsError, RuleNotFoundError, RuleValidationError } from './rules';
import { CoverageInputError } from './coverage';
import { JobError } from './jobs/errors';
import { FieldError } from './worker/errors';

export function apiError(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
	return json({ message, ...extra }, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

/** A heavy job refused (busy: 503 with Retry-After), stopped over its budget (422) or out of memory (413). */
export function jobErrorResponse(err: JobError) {
	return apiError(err.status, err.message, { code: err.code }, err.retryAfterS ? { 'retry-after': String(err.retryAfterS) } : {});
}

/** Known, typed errors become 4xx answers; anything else is rethrown (SvelteKit logs it, 500). */
export function apiErrorFrom(err: unknown) {
	if (err instanceof JobError) return jobErrorResponse(err);
	if (err instanceof FieldError) return apiError(err.status, err.message, { code: err.code, zh: err.zh, en: err.en });
	if (err instanceof RuleValidationError) return apiError(400, err.message, { code: 'invalid_rule', rule: err.ruleId, errors: err.errors });
	if (err instanceof RuleNotFoundError) return apiError(404, err.message, { code: 'unknown_rule' });
	if (err instanceof RuleExistsError) return apiError(409, err.message, { code: 'rule_exists' });
	if (err instanceof CoverageInputError) {
		return apiError(err.code === 'unknown_community' || err.code === 'unknown_rule' ? 404 : 400, err.message, { code: err.code });
	}
	throw err;
}

/** The request body as JSON, or a 400 answer saying it isn't. */
export async function readJson(request: Request): Promise<{ body: unknown } | { error: Response }> {
	try {
		return { body: await request.json() };
	} catch {
		return { error: apiError(400, '请求体不是有效的 JSON / the request body is not valid JSON', { code: 'bad_json' }) };
	}
}

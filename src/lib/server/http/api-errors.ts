// One JSON shape for refused API requests, made in one place: any GridAtlasError (geo/errors.ts)
// becomes `{ message, code, zh?, en?, ...details }` with the HTTP status the error implies (and
// Retry-After when it names one). Routes catch and hand the error here, or wrap their work in
// answerOrError; anything that is not a GridAtlasError is rethrown (SvelteKit logs it, 500).
// Form actions (+page.server.ts) answer with SvelteKit's fail() instead: failFrom, below.
import { fail, json, type ActionFailure } from '@sveltejs/kit';
import { GridAtlasError } from '$geo/errors';
import type { Lang } from '../../i18n';

export function apiError(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
	return json({ message, ...extra }, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

/** The fields of a GridAtlasError's answer besides its message: code, zh / en when set, details. */
function errorFields(err: GridAtlasError): Record<string, unknown> {
	const fields: Record<string, unknown> = { code: err.code };
	if (err.zh !== undefined) fields.zh = err.zh;
	if (err.en !== undefined) fields.en = err.en;
	return { ...fields, ...err.details };
}

/** Typed errors become their answer; anything else is rethrown. */
export function apiErrorFrom(err: unknown): Response {
	if (!(err instanceof GridAtlasError)) throw err;
	return apiError(err.status, err.message, errorFields(err), err.retryAfterS ? { 'retry-after': String(err.retryAfterS) } : {});
}

/** The route's answer, or the answer its typed error implies. */
export async function answerOrError(work: () => Promise<Response>): Promise<Response> {
	try {
		return await work();
	} catch (err) {
		return apiErrorFrom(err);
	}
}

/** The request body as JSON, or a 400 answer saying it isn't. */
export async function readJson(request: Request): Promise<{ body: unknown } | { error: Response }> {
	try {
		return { body: await request.json() };
	} catch {
		return { error: apiError(400, '请求体不是有效的 JSON / the request body is not valid JSON', { code: 'bad_json' }) };
	}
}

/** What a page shows of a refusal besides its message. */
export interface FailShape<F extends Record<string, unknown>> {
	/** The fields the page reads besides `message` (the values typed, which form or row failed), or made from the error. */
	fields?: F | ((err: GridAtlasError) => F);
	/** The page's status where it is not the error's own — kept as the page answered before it shared this mapping. */
	status?: number | ((err: GridAtlasError) => number);
}

/**
 * A form action's refusal, as apiErrorFrom is a route's: any GridAtlasError becomes
 * `fail(status, { message, ...fields })` — the message in the reader's language when the error has its
 * Chinese and English apart, else its own text (which holds both); anything else is rethrown.
 */
export function failFrom<F extends Record<string, unknown> = Record<never, never>>(
	err: unknown,
	lang: Lang,
	shape: FailShape<F> = {}
): ActionFailure<{ message: string } & F> {
	if (!(err instanceof GridAtlasError)) throw err;
	const fields = typeof shape.fields === 'function' ? shape.fields(err) : shape.fields;
	const status = typeof shape.status === 'function' ? shape.status(err) : (shape.status ?? err.status);
	return fail(status, { message: (lang === 'en' ? err.en : err.zh) ?? err.message, ...fields } as { message: string } & F);
}

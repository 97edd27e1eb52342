// One JSON shape for refused API requests, made in one place: any GridAtlasError (geo/errors.ts)
// becomes `{ message, code, zh?, en?, ...details }` with the HTTP status the error implies (and
// Retry-After when it names one). Routes catch and hand the error here, or wrap their work in
// answerOrError; anything that is not a GridAtlasError is rethrown (SvelteKit logs it, 500).
import { json } from '@sveltejs/kit';
import { GridAtlasError } from '$geo/errors';

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

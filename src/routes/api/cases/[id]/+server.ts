// GET /api/cases/<external id> → the case with the time of each step and its operations (ops); PATCH → move its status
// ({status, escalation_level?, status_at?} or corrected fields). 404 unknown id, 409 a step backwards.
// A case outside the reader's jurisdiction reads as unknown (404): not even where it lies is told.
import { json } from '@sveltejs/kit';
import { readScope } from '$lib/server/auth/scope';
import { requireDb } from '$lib/server/runtime';
import { getCase, ingestCases } from '$lib/server/cases';
import { caseOps } from '$lib/server/cases/ops';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

const notFound = (id: string) => apiError(404, `案件“${id}”不存在 / no case "${id}"`, { code: 'unknown_case' });

export const GET: RequestHandler = async ({ params, locals }) => {
	const db = requireDb();
	const found = await getCase(db, params.id, readScope(locals.user));
	// ops: the case's operations (subclass, department, steps, the open stage's clock), null before 立案 here.
	return found ? json({ ...found, ops: await caseOps(db, params.id) }, { headers: { 'cache-control': 'no-store' } }) : notFound(params.id);
};

export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	if (!read.body || typeof read.body !== 'object' || Array.isArray(read.body)) {
		return apiError(400, '请求体应为一个对象，如 {"status":"registered"} / the body must be one object, e.g. {"status":"registered"}', { code: 'bad_body' });
	}
	const db = requireDb();
	const scope = readScope(locals.user);
	if (!(await getCase(db, params.id))) return notFound(params.id);
	try {
		const result = await ingestCases(db, { ...(read.body as object), id: params.id }, { scope });
		if (result.rejected) {
			const backwards = result.errors.some((e) => e.code === 'status_backwards');
			return apiError(backwards ? 409 : 400, result.errors.map((e) => e.message).join('; '), {
				code: backwards ? 'status_backwards' : 'invalid_case',
				errors: result.errors
			});
		}
		return json({ outcome: result.outcomes[0]?.outcome, lastEventId: result.lastEventId, case: await getCase(db, params.id, scope) });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

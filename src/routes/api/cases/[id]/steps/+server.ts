// POST /api/cases/<id>/steps {action, reason?, subclass?, urgent?, department?, days?} → one step of the
// operations workflow (立案 register, 派遣 dispatch, 改派 reassign, 退回 send_back, 处置 handle, 缓办
// postpone_request/approve/reject, 核查 verify_pass/verify_fail, 结案 close, 作废 void); answers the case's
// operations with the open stage's clock. 409 a step the stage does not allow, 403 the other side's step.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { getCase } from '$lib/server/cases';
import { takeStep } from '$lib/server/cases/ops';
import { answerOrError, apiError, readJson } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const db = requireDb();
	if (!(await getCase(db, params.id, readScope(locals.user))))
		return apiError(404, `案件“${params.id}”不存在 / no case "${params.id}"`, { code: 'unknown_case' });
	const read = await readJson(request);
	if ('error' in read) return read.error;
	return answerOrError(async () => json({ ops: await takeStep(db, params.id, read.body, locals.user!) }, { headers: { 'cache-control': 'no-store' } }));
};

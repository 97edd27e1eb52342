// GET /api/rules → every coverage rule (enabled or not); POST /api/rules → create one (400 with a
// per-field list when invalid, 409 when the id is taken).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { createRule, listRules, type RuleInput } from '$lib/server/coverage/rules';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => json({ rules: await listRules(requireDb()) }, { headers: { 'cache-control': 'no-store' } });

export const POST: RequestHandler = async ({ request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	if (!read.body || typeof read.body !== 'object' || Array.isArray(read.body)) {
		return apiError(400, '请求体应为一个规则对象 / the body must be one rule object', { code: 'bad_body' });
	}
	try {
		return json(await createRule(requireDb(), read.body as RuleInput), { status: 201 });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

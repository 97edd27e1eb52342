// GET / PATCH / DELETE /api/rules/<id>: one coverage rule. PATCH merges the fields sent onto the
// stored rule and validates the whole result.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { deleteRule, getRule, updateRule, RuleNotFoundError, type RuleInput } from '$lib/server/coverage/rules';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const rule = await getRule(requireDb(), params.id);
	return rule ? json(rule) : apiErrorFrom(new RuleNotFoundError(params.id));
};

export const PATCH: RequestHandler = async ({ params, request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	if (!read.body || typeof read.body !== 'object' || Array.isArray(read.body)) {
		return apiError(400, '请求体应为规则字段对象 / the body must be an object of rule fields', { code: 'bad_body' });
	}
	try {
		const db = requireDb();
		return json(await db.transaction((tx) => updateRule(tx, params.id, read.body as RuleInput)));
	} catch (err) {
		return apiErrorFrom(err);
	}
};

export const DELETE: RequestHandler = async ({ params }) => {
	try {
		await deleteRule(requireDb(), params.id);
		return new Response(null, { status: 204 });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

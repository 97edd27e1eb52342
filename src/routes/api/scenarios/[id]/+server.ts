// GET /api/scenarios/<id>[?result=1] → the scenario; with result=1 also what it changes against the
// current coverage (ScenarioResult: households gaining or losing each walking rule's category, by
// community, and the buildings concerned).
// PUT /api/scenarios/<id> { name?, edits? } → the scenario changed. DELETE → 204.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { deleteScenario, getScenario, parseScenarioId, scenarioResult, updateScenario } from '$lib/server/scenarios';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { readScope } from '$lib/server/auth/scope';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url, locals }) => {
	try {
		const db = requireDb();
		const id = parseScenarioId(params.id);
		const body = url.searchParams.get('result') === '1' ? await scenarioResult(db, id, readScope(locals.user)) : await getScenario(db, id);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

export const PUT: RequestHandler = async ({ params, request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	if (!read.body || typeof read.body !== 'object' || Array.isArray(read.body))
		return apiError(400, '请求体应为 {name?, edits?} 对象 / the body must be an object {name?, edits?}', { code: 'bad_body' });
	try {
		const db = requireDb();
		const id = parseScenarioId(params.id);
		return json(await db.transaction((tx) => updateScenario(tx, id, read.body as { name?: unknown; edits?: unknown })));
	} catch (err) {
		return apiErrorFrom(err);
	}
};

export const DELETE: RequestHandler = async ({ params }) => {
	try {
		const db = requireDb();
		const id = parseScenarioId(params.id);
		await db.transaction((tx) => deleteScenario(tx, id));
		return new Response(null, { status: 204 });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

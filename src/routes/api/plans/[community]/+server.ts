// GET  /api/plans/<community> → the plan the editor opens (grids, buildings, boundary, band,
//      neighbouring grids, roads) and the revisions list.
// POST /api/plans/<community> {grids, assignments?, note, status: draft|approved, baseRevision,
//      effectiveFrom?, band?} → a new revision (201); 400 bad input, 409 conflict (latest revision
//      attached), 422 hard violations (listed in `errors`, nothing written).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { loadPlan, savePlan, type SaveInput } from '$lib/server/plans';
import { authorOf } from '$lib/server/plans/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	try {
		return json(await loadPlan(requireDb(), params.community), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		const result = await savePlan(requireDb(), params.community, (read.body ?? {}) as SaveInput, { author: authorOf(locals) });
		return json(result, { status: 201, headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

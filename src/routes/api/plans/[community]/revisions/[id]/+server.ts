// GET /api/plans/<community>/revisions/<id> → one revision: who, when, note, status, its grids
// (GeoJSON with households) and every building's grid.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { getRevision } from '$lib/server/plans';
import { positiveInt } from '$lib/server/plans/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	const id = positiveInt(params.id);
	if (id === null)
		return apiError(400, `版本编号应为正整数，收到 “${params.id}” / a revision id is a positive whole number, got "${params.id}"`, { code: 'bad_revision' });
	try {
		return json(await getRevision(requireDb(), params.community, id), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

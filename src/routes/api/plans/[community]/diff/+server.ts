// GET /api/plans/<community>/diff?from=<revision>&to=<revision> → the areas that changed grid
// (polygons with m², from → to) and the buildings that moved.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { diffRevisions } from '$lib/server/plans';
import { positiveInt } from '$lib/server/plans/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const from = positiveInt(url.searchParams.get('from'));
	const to = positiveInt(url.searchParams.get('to'));
	if (from === null || to === null)
		return apiError(400, '需要 from 和 to 两个版本编号（正整数） / from and to must both be revision ids (positive whole numbers)', { code: 'bad_revision' });
	try {
		return json(await diffRevisions(requireDb(), params.community, from, to), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

// GET /api/patrol/tracks[?day=YYYY-MM-DD] → the day's patrol walks (default today) of the workers inside a
// leader's or admin's jurisdiction, one GeoJSON line per patrol, for the map. Others: 404, as /api/patrol.
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom } from '$lib/server/http/api-errors';
import { streamedJson } from '$lib/server/http/json-stream';
import { patrolLines } from '$lib/server/worker/patrol';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		return streamedJson(await patrolLines(requireDb(), locals.user!, url.searchParams.get('day')), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

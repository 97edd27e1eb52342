// GET /api/patrol[?user=&day=YYYY-MM-DD] → a worker's patrol track of a day (default: the reader,
// today) with distance and time inside the own grid(s). Personal data: the worker itself, leaders
// and admins of its jurisdiction only (404 for anyone else).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom } from '$lib/server/http/api-errors';
import { readTrack } from '$lib/server/worker/patrol';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		return json(await readTrack(requireDb(), locals.user!, url.searchParams.get('user'), url.searchParams.get('day')), {
			headers: { 'cache-control': 'no-store' }
		});
	} catch (err) {
		return apiErrorFrom(err);
	}
};

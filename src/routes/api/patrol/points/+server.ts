// POST /api/patrol/points {points: [{id, patrol, at, lon, lat, accuracy?}]} → the sender's patrol
// track points, stored per worker and day, each once by its id. See docs/worker.md.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { storePoints } from '$lib/server/worker/patrol';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		return json(await storePoints(requireDb(), locals.user!, read.body), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

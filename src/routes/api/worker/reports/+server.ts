// POST /api/worker/reports {id, subclass, lon, lat, accuracy?, corrected?, description?, reported_at?}
// → a report from the worker's phone, stored through the case ingest (id = the phone's id:
// idempotent). 403 outside the sender's grid(s), 400 a bad field. See docs/worker.md.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { submitReport } from '$lib/server/worker/reports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		return json(await submitReport(requireDb(), locals.user!, read.body), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

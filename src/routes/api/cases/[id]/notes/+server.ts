// POST /api/cases/<id>/notes {id, kind: 'note'|'take', text?} → a note (or 接单) on a case of the
// sender's jurisdiction, stored by the phone's id (sent twice, stored once).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { addNote } from '$lib/server/worker/notes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		return json(await addNote(requireDb(), locals.user!, params.id, read.body), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

// GET /api/worker/tasks → the reader's tasks: cases of its jurisdiction, open or closed in the last
// three days, with stage, clock, why a case came back, notes and photos; most urgent first, and the
// stream position read before them (resume /api/cases/stream from it: nothing missed).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { lastEventId } from '$lib/server/cases/events';
import { listTasks } from '$lib/server/worker/tasks';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const db = requireDb();
	const last = await lastEventId(db, readScope(locals.user));
	return json({ tasks: await listTasks(db, locals.user!), lastEventId: last, asOf: new Date().toISOString() }, { headers: { 'cache-control': 'no-store' } });
};

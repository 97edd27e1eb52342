// GET /api/cases/stream → server-sent events of new and changed cases (event id = case_events id).
// Resume with the Last-Event-ID header (or ?lastEventId=): everything after it is replayed from
// case_events, then the live events follow — nothing lost, nothing twice. Heartbeat every 15 s.
import { requireDb } from '$lib/server/runtime';
import { apiError } from '$lib/server/api-errors';
import { caseEventStream } from '$lib/server/case-events';
import { readScope } from '$lib/server/auth/scope';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, url, locals }) => {
	const text = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
	let lastEventId: number | null = null;
	if (text !== null && text.trim() !== '') {
		if (!/^\d+$/.test(text.trim())) return apiError(400, `Last-Event-ID“${text}”无效 / Last-Event-ID "${text}" is not an event id`, { code: 'bad_last_event_id' });
		lastEventId = Number(text.trim());
	}
	const heartbeat = Number(process.env.GRIDATLAS_SSE_HEARTBEAT_MS) || 15_000;
	// Cleanup on disconnect: adapter-node cancels the stream when the socket closes.
	const stream = caseEventStream(requireDb(), { lastEventId, heartbeatMs: heartbeat, scope: readScope(locals.user) });
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			connection: 'keep-alive',
			'x-accel-buffering': 'no'
		}
	});
};

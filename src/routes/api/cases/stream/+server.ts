// GET /api/cases/stream → server-sent events of new and changed cases (event id = case_events id).
// Resume with the Last-Event-ID header (or ?lastEventId=): everything after it is replayed from
// case_events, then the live events follow — nothing lost, nothing twice. Heartbeat every 15 s.
import { requireDb } from '$lib/server/runtime';
import { intParam } from '$lib/server/http/params';
import { caseEventStream } from '$lib/server/cases/events';
import { readScope } from '$lib/server/auth/scope';
import { watchCredential } from '$lib/server/auth/live-credentials';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, url, locals }) => {
	const text = (request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId'))?.trim();
	const lastEventId = text ? intParam(text, 'lastEventId', { min: 0, max: Number.MAX_SAFE_INTEGER }) : null;
	const heartbeat = Number(process.env.GRIDATLAS_SSE_HEARTBEAT_MS) || 15_000;
	// Ends when the credential that opened it is revoked or changes its grant (the resume is then
	// refused by the hook); on disconnect adapter-node cancels the stream, which stops the watch.
	const revoked = new AbortController();
	const unwatch = watchCredential(locals.credential, locals.user, () => revoked.abort());
	const stream = caseEventStream(requireDb(), { lastEventId, heartbeatMs: heartbeat, scope: readScope(locals.user), signal: revoked.signal, onClose: unwatch });
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			connection: 'keep-alive',
			'x-accel-buffering': 'no'
		}
	});
};

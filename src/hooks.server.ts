// Every request passes through here: the one place where sign-in, roles and jurisdiction are
// enforced (src/lib/server/auth/policy.ts holds the rules), where requests are size- and
// rate-limited, and where requests wait out the database start-up without ever seeing an error.
import { randomUUID } from 'node:crypto';
import { type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import type { Db } from '$lib/server/db';
import { DatabaseStartingError, requireDb, runtimeState, startRuntime, stopRuntime } from '$lib/server/runtime';
import { isCrossSiteWrite } from '$lib/server/http/csrf';
import { startingPage } from '$lib/server/runtime/starting-page';
import { authorize } from '$lib/server/auth/policy';
import { resolveSession, SESSION_COOKIE, TOKEN_COOKIE } from '$lib/server/auth/sessions';
import { resolveToken } from '$lib/server/auth/tokens';
import { userPrincipal } from '$lib/server/auth/users';
import { runAs } from '$lib/server/auth/actor';
import { cachedPrincipal } from '$lib/server/auth/principal-cache';
import { ingestLimiter } from '$lib/server/auth/rate-limit';
import { forbiddenPage } from '$lib/server/auth/forbidden-page';
import type { Credential } from '$lib/server/auth/live-credentials';
import { BadTextError, bodyLimit, boundedRequest, BodyTooLargeError, dropUnreadBody, nulInUrl } from '$lib/server/http/body';
import { setCookieHeader } from '$lib/server/http/cookies';
import { apiError } from '$lib/server/http/api-errors';
import { withSecurityHeaders } from '$lib/server/http/security-headers';
import { withReadContext } from '$lib/server/db/read-context';
import { planReads, parseSeen, replicaTopics, SEEN_COOKIE, SEEN_MAX_AGE_S, seenAfterWrite } from '$lib/server/db/replica';
import { versionTracker } from '$lib/server/db/versions';
import { jobs, streamJobs } from '$lib/server/jobs/pool';

// Open the database in the background (not awaited): the HTTP server answers at once.
export const init: ServerInit = () => {
	startRuntime().catch(() => {});
	// Job workers load geo/ once, now, rather than on the first heavy request.
	jobs().warm();
	// adapter-node stops accepting requests on SIGTERM/SIGINT, then emits this: close the database
	// so the process can exit (the embedded engine keeps it alive otherwise).
	process.once('sveltekit:shutdown' as never, () => {
		Promise.all([stopRuntime(), jobs().close(), streamJobs().close()]).finally(() => process.exit(0));
	});
};

const isApi = (path: string) => path.startsWith('/api/') || path.startsWith('/tiles/');

/** Refusals made before any route runs: the one answer shape of http/api-errors. */
const jsonError = (status: number, message: string, code: string, headers: Record<string, string> = {}): Response =>
	apiError(status, message, { code }, headers);

// The rest of an oversized body is never parsed: Node discards it after the answer (closing the
// connection instead would reset it under a client still sending, and lose the answer).
const tooLarge = (err: BodyTooLargeError) => jsonError(err.status, err.message, err.code);

function preferJson(request: Request) {
	const accept = request.headers.get('accept') ?? '';
	if (/json|\*\/\*/.test(accept)) return;
	try {
		request.headers.set('accept', 'application/json');
	} catch {
		// headers that cannot change (not so under adapter-node): the client gets kit's page
	}
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });

const tokenCredential = (db: Db, token: string): Credential => ({ key: `t:${token}`, resolve: () => resolveToken(db, token) });

const sessionCredential = (db: Db, session: string): Credential => ({
	key: `s:${session}`,
	resolve: async () => {
		const row = await resolveSession(db, session);
		return row ? userPrincipal(row.user) : null;
	}
});

/**
 * The request's credential — a bearer token (machine clients), else a session cookie (people), else
 * a wall token cookie (kiosks) — as an uncached lookup, so a long-lived answer can repeat it later.
 */
function credentialOf(event: RequestEvent): Credential | undefined {
	const db = requireDb();
	const auth = event.request.headers.get('authorization');
	if (auth?.toLowerCase().startsWith('bearer ')) return tokenCredential(db, auth.slice(7).trim());
	const session = event.cookies.get(SESSION_COOKIE);
	const token = event.cookies.get(TOKEN_COOKIE);
	const parts = [session ? sessionCredential(db, session) : null, token ? tokenCredential(db, token) : null].filter((c) => c !== null);
	if (parts.length <= 1) return parts[0];
	return {
		key: parts.map((c) => c.key).join('|'),
		async resolve() {
			for (const c of parts) {
				const found = await c.resolve();
				if (found) return found;
			}
			return null;
		}
	};
}

const handleRequest: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	if (isCrossSiteWrite(event.request)) {
		return new Response('跨站表单提交被拒绝 / cross-site form submission refused', { status: 403 });
	}
	const { status } = runtimeState();
	const path = event.url.pathname;
	if (status !== 'ok' && path !== '/api/health' && !path.startsWith('/_app/')) {
		if (isApi(path)) {
			return new Response(JSON.stringify({ status: 'starting' }), {
				status: 503,
				headers: { 'content-type': 'application/json', 'retry-after': '1' }
			});
		}
		const { error, steps } = runtimeState();
		return new Response(startingPage(status, error, { now: steps.now(), done: steps.steps }), {
			headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
		});
	}
	if (status !== 'ok') return resolve(event);

	const nul = nulInUrl(event.url);
	if (nul) return jsonError(400, nul.message, 'bad_text');
	// An API answers in JSON whatever the client accepts: kit renders a refusal (error()) as an HTML page
	// for a request that accepts no JSON (no Accept header: curl, a city's scripts; a browser opening the URL)
	if (isApi(path)) preferJson(event.request);

	const method = event.request.method;
	const limit = bodyLimit(event.route.id, method);
	const declared = Number(event.request.headers.get('content-length') ?? 0);
	if (declared > limit) return tooLarge(new BodyTooLargeError(declared, limit, true));

	// A kiosk opens /wall/…?token=ga_wall_…: keep the token in a cookie and drop it from the address.
	const urlToken = event.url.searchParams.get('token');
	if (urlToken && method === 'GET' && event.route.id === '/wall/[[code]]') {
		const principal = await resolveToken(requireDb(), urlToken);
		if (principal) {
			const clean = new URL(event.url);
			clean.searchParams.delete('token');
			const res = seeOther(clean.pathname + clean.search);
			// A response made here bypasses event.cookies: the cookie is written by hand.
			res.headers.append('set-cookie', setCookieHeader(event.url, TOKEN_COOKIE, urlToken, 60 * 60 * 24 * 365));
			return res;
		}
	}

	// The data versions this request's caches key by, and whether its reads may use the replica.
	const db = requireDb();
	const seen = db.engine === 'postgres' ? parseSeen(event.cookies.get(SEEN_COOKIE)) : undefined;
	const reads = await planReads(db, method === 'GET' ? replicaTopics(event.route.id, event.params) : null, seen);

	const credential = credentialOf(event);
	const principal = credential ? await cachedPrincipal(credential.key, credential.resolve, reads.versions.accounts) : null;
	event.locals.user = principal;
	event.locals.credential = credential;
	const decision = await authorize(event, principal, requireDb());
	if (!decision.ok) {
		if (decision.status === 401 && !isApi(path) && method === 'GET') {
			return seeOther(`/login?next=${encodeURIComponent(path + event.url.search)}`);
		}
		if (!isApi(path) && method === 'GET') {
			return new Response(forbiddenPage(decision.message, principal), { status: decision.status, headers: { 'content-type': 'text/html; charset=utf-8' } });
		}
		return jsonError(decision.status, decision.message, decision.code);
	}

	if (
		(event.route.id === '/api/cases' && method === 'POST') ||
		(event.route.id === '/api/cases/[id]' && method === 'PATCH') ||
		event.route.id === '/api/worker/reports'
	) {
		const wait = ingestLimiter.hit(`${principal?.kind}:${principal?.id}`);
		if (wait > 0)
			return jsonError(429, `上报过于频繁，请 ${wait} 秒后再试 / too many case reports; retry in ${wait} s`, 'rate_limited', { 'retry-after': String(wait) });
	}

	// Read only after the sender is known to be allowed: an anonymous upload is refused unread.
	try {
		event.request = await boundedRequest(event.request, limit, event.route.id);
	} catch (err) {
		if (err instanceof BodyTooLargeError) return tooLarge(err);
		if (err instanceof BadTextError) return jsonError(err.status, err.message, err.code);
		throw err;
	}

	const actor = principal ? `${principal.kind}:${principal.name}` : 'anonymous';
	const response = await runAs(actor, () => withReadContext(reads, () => resolve(event)));
	if (db.engine === 'postgres' && method !== 'GET' && method !== 'HEAD') await rememberWrites(event, response, reads.versions, seen);
	return response;
};

/**
 * After a write on the server engine: the versions it produced go back to the client in a cookie, so
 * its next request — answered by any app process, reading on the replica or not — shows the write.
 */
async function rememberWrites(event: RequestEvent, response: Response, before: Parameters<typeof seenAfterWrite>[0], seen: ReturnType<typeof parseSeen>) {
	const after = await versionTracker(requireDb()).current();
	const value = seenAfterWrite(before, after, seen);
	if (!value) return;
	try {
		response.headers.append('set-cookie', setCookieHeader(event.url, SEEN_COOKIE, value, SEEN_MAX_AGE_S));
	} catch {
		// a response with immutable headers (a fetched one passed through): the cookie is an optimisation
	}
}

export const handle: Handle = async (input) => {
	const response = await handleRequest(input);
	dropUnreadBody(input.event.request);
	return withSecurityHeaders(response);
};

/**
 * An error no route turned into an answer. Its text (a database message, a stack) is for the log
 * only: the answer names an id to find it there, never the internals.
 */
export const handleError: HandleServerError = ({ error, event }) => {
	if (error instanceof DatabaseStartingError) return { message: error.message };
	const id = randomUUID().slice(0, 8);
	console.error(`[error ${id}] ${event.request.method} ${event.url.pathname}:`, error);
	return { message: `内部错误（编号 ${id}），请联系管理员 / internal error (id ${id}); ask an administrator`, id };
};

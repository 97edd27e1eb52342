// Every request passes through here: the one place where sign-in, roles and jurisdiction are
// enforced (src/lib/server/auth/policy.ts holds the rules), where requests are size- and
// rate-limited, and where requests wait out the database start-up without ever seeing an error.
import { type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import { DatabaseStartingError, requireDb, runtimeState, startRuntime, stopRuntime } from '$lib/server/runtime';
import { isCrossSiteWrite } from '$lib/server/csrf';
import { startingPage } from '$lib/server/starting-page';
import { authorize } from '$lib/server/auth/policy';
import { resolveSession, SESSION_COOKIE, TOKEN_COOKIE } from '$lib/server/auth/sessions';
import { resolveToken } from '$lib/server/auth/tokens';
import { userPrincipal } from '$lib/server/auth/users';
import { runAs } from '$lib/server/auth/actor';
import { cachedPrincipal } from '$lib/server/auth/principal-cache';
import { bodyLimit, ingestLimiter } from '$lib/server/auth/rate-limit';
import { forbiddenPage } from '$lib/server/auth/forbidden-page';
import type { Principal } from '$lib/auth/capabilities';

// Open the database in the background (not awaited): the HTTP server answers at once.
export const init: ServerInit = () => {
	startRuntime().catch(() => {});
	// adapter-node stops accepting requests on SIGTERM/SIGINT, then emits this: close the database
	// so the process can exit (the embedded engine keeps it alive otherwise).
	process.once('sveltekit:shutdown' as never, () => {
		stopRuntime().finally(() => process.exit(0));
	});
};

const isApi = (path: string) => path.startsWith('/api/') || path.startsWith('/tiles/');

function jsonError(status: number, message: string, code: string, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify({ message, code }), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }
	});
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });

/** A bearer token (machine clients), a wall token cookie (kiosks), or a session cookie (people). */
async function resolvePrincipal(event: RequestEvent): Promise<Principal | null> {
	const db = requireDb();
	const auth = event.request.headers.get('authorization');
	if (auth?.toLowerCase().startsWith('bearer ')) {
		const token = auth.slice(7).trim();
		return cachedPrincipal(`t:${token}`, () => resolveToken(db, token));
	}
	const session = event.cookies.get(SESSION_COOKIE);
	if (session) {
		const found = await cachedPrincipal(`s:${session}`, async () => {
			const row = await resolveSession(db, session);
			return row ? userPrincipal(row.user) : null;
		});
		if (found) return found;
	}
	const token = event.cookies.get(TOKEN_COOKIE);
	if (token) return cachedPrincipal(`t:${token}`, () => resolveToken(db, token));
	return null;
}

export const handle: Handle = async ({ event, resolve }) => {
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
		return new Response(startingPage(status, runtimeState().error), {
			headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
		});
	}
	if (status !== 'ok') return resolve(event);

	const method = event.request.method;
	const limit = bodyLimit(event.route.id, method);
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (limit !== null && length > limit) {
		return jsonError(413, `请求过大（${(length / 1048576).toFixed(1)} MB，上限 ${(limit / 1048576).toFixed(1)} MB）/ request too large (${(length / 1048576).toFixed(1)} MB; the limit is ${(limit / 1048576).toFixed(1)} MB)`, 'too_large');
	}

	// A kiosk opens /wall/…?token=ga_wall_…: keep the token in a cookie and drop it from the address.
	const urlToken = event.url.searchParams.get('token');
	if (urlToken && method === 'GET' && event.route.id === '/wall/[[code]]') {
		const principal = await resolveToken(requireDb(), urlToken);
		if (principal) {
			const clean = new URL(event.url);
			clean.searchParams.delete('token');
			const res = seeOther(clean.pathname + clean.search);
			// A response made here bypasses event.cookies: the cookie is written by hand.
			const secure = event.url.protocol === 'https:' ? '; Secure' : '';
			res.headers.append('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(urlToken)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${60 * 60 * 24 * 365}${secure}`);
			return res;
		}
	}

	const principal = await resolvePrincipal(event);
	event.locals.user = principal;
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

	if ((event.route.id === '/api/cases' && method === 'POST') || (event.route.id === '/api/cases/[id]' && method === 'PATCH')) {
		const wait = ingestLimiter.hit(`${principal?.kind}:${principal?.id}`);
		if (wait > 0) return jsonError(429, `上报过于频繁，请 ${wait} 秒后再试 / too many case reports; retry in ${wait} s`, 'rate_limited', { 'retry-after': String(wait) });
	}

	const actor = principal ? `${principal.kind}:${principal.name}` : 'anonymous';
	return runAs(actor, () => resolve(event));
};

export const handleError: HandleServerError = ({ error }) => {
	if (error instanceof DatabaseStartingError) return { message: error.message };
	console.error(error);
	return { message: error instanceof Error ? error.message : '内部错误 / internal error' };
};

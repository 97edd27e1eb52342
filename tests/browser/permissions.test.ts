// Who may call what, over HTTP against the production build: every route of src/routes (found on
// disk, so a new route can't be missed) is called with no session, then as each demo role. No session
// → 401 (pages: to the sign-in page); a role without the capability or outside its jurisdiction →
// 403; an allowed role → the route's own answer. Plus tokens, kiosk wall tokens, jurisdiction of
// case writes and reads, size and rate limits, and the audit trail of a change.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from './helpers/app-server';
import { sessionCookie, type DemoRole } from './helpers/session';
import { ROUTE_RULES } from '../../src/lib/server/auth/policy';
import { routesOnDisk } from '../helpers/routes';
import { examples, routeContext, ROLES, type Ctx, type Example } from '../helpers/route-examples';

/** Sign-in attempts per address per minute on this test's server (the other tests sign in about 15 times). */
const LOGIN_LIMIT = 30;

describe('permissions over HTTP', () => {
	let app: AppServer;
	let ctx: Ctx;
	const cookies = new Map<DemoRole, string>();

	async function call(ex: Example, method: string, cookie: string | null, extra: Record<string, string> = {}): Promise<Response> {
		const headers: Record<string, string> = { origin: app.url, ...extra };
		if (cookie) headers.cookie = cookie;
		let body: BodyInit | undefined;
		if (ex.form) {
			body = new URLSearchParams(ex.form);
			headers['content-type'] = 'application/x-www-form-urlencoded';
			headers['x-sveltekit-action'] = 'true';
		} else if (ex.body !== undefined) {
			body = JSON.stringify(ex.body);
			headers['content-type'] = 'application/json';
		}
		const res = await fetch(`${app.url}${ex.path}`, { method, headers, body, redirect: 'manual' });
		return res;
	}

	/** Status and a short reason (stream bodies are cancelled, not read). */
	async function outcome(res: Response): Promise<{ status: number; text: string; location: string | null }> {
		const type = res.headers.get('content-type') ?? '';
		const text = type.includes('event-stream') ? '' : await res.text();
		if (type.includes('event-stream')) await res.body?.cancel();
		return { status: res.status, text: text.slice(0, 300), location: res.headers.get('location') };
	}

	beforeAll(async () => {
		app = await startApp({ env: { GRIDATLAS_LOGIN_PER_MINUTE: String(LOGIN_LIMIT) } });
		for (const role of ROLES) cookies.set(role, await sessionCookie(app.url, role));
		ctx = await routeContext(app, cookies);
	}, 300_000);
	afterAll(() => app?.stop());

	it('every route on disk has a permission rule and an example here (a new route fails this test)', () => {
		const disk = routesOnDisk();
		expect(disk.length).toBeGreaterThan(40);
		const table = examples(ctx);
		const missingRule = disk.filter((r) => !ROUTE_RULES[r.id]?.[r.method as 'GET']);
		const missingExample = disk.filter((r) => !table[r.id]?.[r.method]);
		expect(missingRule, 'routes without a rule in src/lib/server/auth/policy.ts').toEqual([]);
		expect(missingExample, 'routes without an example in this test').toEqual([]);
		// And no rule for a route that does not exist (a renamed route would leave a stale rule).
		const onDisk = new Set(disk.map((r) => `${r.method} ${r.id}`));
		const stale = Object.entries(ROUTE_RULES)
			.flatMap(([id, rules]) => Object.keys(rules).map((m) => `${m} ${id}`))
			.filter((k) => !onDisk.has(k));
		expect(stale).toEqual([]);
	});

	it('no session → 401 (pages: to the sign-in page); each role → allowed or 403', async () => {
		const table = examples(ctx);
		const failures: string[] = [];
		for (const { id, method } of routesOnDisk()) {
			const ex = table[id]?.[method];
			if (!ex) continue;
			const anonymous = await outcome(await call(ex, method, null));
			if (ex.allowed === 'public') {
				if (anonymous.status === 403 || anonymous.status >= 500) failures.push(`${method} ${ex.path} public but ${anonymous.status}`);
				continue;
			}
			const page = !ex.path.startsWith('/api/') && !ex.path.startsWith('/tiles/') && method === 'GET';
			if (page ? !(anonymous.status === 303 && anonymous.location?.startsWith('/login?next=')) : anonymous.status !== 401) {
				failures.push(`${method} ${ex.path} without a session: ${anonymous.status} ${anonymous.location ?? ''}`);
			}
			for (const role of ROLES) {
				const cookie = ex.fresh ? await sessionCookie(app.url, role) : cookies.get(role)!;
				const got = await outcome(await call(ex, method, cookie));
				const allowed = ex.allowed.includes(role);
				if (!allowed && got.status !== 403) failures.push(`${method} ${ex.path} as ${role}: expected 403, got ${got.status} ${got.text}`);
				if (allowed) {
					const actionRefused = /"type":"error"/.test(got.text) && /"status":40[13]/.test(got.text);
					const bad = got.status === 401 || got.status === 403 || got.status >= 500 || actionRefused || (ex.expect !== 'handled' && got.status >= 400);
					if (bad) failures.push(`${method} ${ex.path} as ${role}: allowed but ${got.status} ${got.text}`);
				}
			}
		}
		expect(failures).toEqual([]);
	}, 300_000);

	it('jurisdiction: a planner can not open or change a community outside its subdistrict; a worker not a case outside its grid', async () => {
		const as = (role: DemoRole, p: string, init: RequestInit = {}) =>
			fetch(`${app.url}${p}`, {
				...init,
				headers: { cookie: cookies.get(role)!, origin: app.url, 'content-type': 'application/json', ...(init.headers as object) }
			});
		expect((await as('planner', `/api/units/${ctx.otherCommunity}`)).status).toBe(403);
		expect((await as('planner', `/api/units/${ctx.subdistrict}`)).status).toBe(200);
		expect((await as('planner', `/api/plans/${ctx.otherCommunity}`, { method: 'POST', body: '{}' })).status).toBe(403);
		expect((await as('planner', `/api/coverage/cell?community=${ctx.otherCommunity}&rule=${ctx.rule}`)).status).toBe(403);
		const outside = await as('worker', '/api/cases/PERM-OUT', { method: 'PATCH', body: JSON.stringify({ status: 'registered' }) });
		expect(outside.status).toBe(403);
		expect((await outside.json()).code).toBe('outside_jurisdiction');
		// Reading it: unknown (404), as if it did not exist (tests/security/jurisdiction-reads.test.ts has the rest).
		expect((await as('worker', '/api/cases/PERM-OUT')).status).toBe(404);
		// Reporting a new case elsewhere is refused item by item, nothing stored.
		const far = await as('worker', '/api/cases', { method: 'POST', body: JSON.stringify({ id: 'PERM-FAR', category: 'other', lon: 118.9, lat: 32.2 }) });
		expect(far.status).toBe(400);
		expect((await far.json()).errors[0].code).toBe('outside_jurisdiction');
		expect((await app.fetch(`${app.url}/api/cases/PERM-FAR`)).status).toBe(404);
		// The worker's lists hold only its grid's cases; the leader's the whole city.
		const mine = (await (await as('worker', '/api/cases?limit=5000')).json()).cases as { id: string; grid_code: string }[];
		expect(mine.map((c) => c.id)).toContain('PERM-IN');
		expect(mine.every((c) => c.grid_code === ctx.grid)).toBe(true);
		const all = (await (await as('leader', '/api/cases?limit=5000')).json()).cases as { id: string }[];
		expect(all.map((c) => c.id)).toEqual(expect.arrayContaining(['PERM-IN', 'PERM-OUT']));
		// Exact case points are for leaders and admins.
		expect((await as('viewer', '/api/layers/cases')).status).toBe(403);
		expect((await as('leader', '/api/layers/cases')).status).toBe(200);
	});

	it('the audit log names who changed a case status and a rule, before and after', async () => {
		const entries = (await (await app.fetch(`${app.url}/api/audit?entity=cases&limit=50`)).json()).entries as {
			actor: string;
			entity_id: string;
			before: { status: string };
			after: { status: string };
		}[];
		const step = entries.find((e) => e.entity_id === 'PERM-IN');
		expect(step).toBeTruthy();
		expect(['user:admin', 'user:worker']).toContain(step!.actor);
		expect(step!.before.status).toBe('reported');
		expect(step!.after.status).toBe('registered');
		// Readers outside the whole city see their units' entries only.
		const planner = (await (await fetch(`${app.url}/api/audit?entity=cases`, { headers: { cookie: cookies.get('planner')! } })).json()).entries as {
			unit_code: string;
		}[];
		expect(planner.every((e) => e.unit_code.startsWith(ctx.subdistrict))).toBe(true);
	});

	it('API tokens: bearer access by scope, revocation; wall tokens open a kiosk read-only', async () => {
		const made = await (
			await app.fetch(`${app.url}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'feed', kind: 'api' })
			})
		).json();
		expect(made.token).toMatch(/^ga_api_/);
		const bearer = { authorization: `Bearer ${made.token}`, 'content-type': 'application/json' };
		const post = await fetch(`${app.url}/api/cases`, {
			method: 'POST',
			headers: bearer,
			body: JSON.stringify({ id: 'TOKEN-1', category: 'other', lon: ctx.lonlat[0], lat: ctx.lonlat[1] })
		});
		expect(post.status).toBe(200);
		expect((await fetch(`${app.url}/api/rules`, { headers: bearer })).status).toBe(403);
		expect((await app.fetch(`${app.url}/api/tokens/${made.id}`, { method: 'DELETE' })).status).toBe(200);
		expect((await fetch(`${app.url}/api/cases`, { headers: bearer })).status).toBe(401);

		const wall = await (
			await app.fetch(`${app.url}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'lobby', kind: 'wall', units: [ctx.subdistrict] })
			})
		).json();
		const open = await fetch(`${app.url}/wall/${ctx.subdistrict}?token=${wall.token}`, { redirect: 'manual' });
		expect(open.status).toBe(303);
		expect(open.headers.get('location')).toBe(`/wall/${ctx.subdistrict}`);
		const kiosk = open.headers.get('set-cookie')!.split(';')[0];
		expect(open.headers.get('set-cookie')).toMatch(/HttpOnly/i);
		expect((await fetch(`${app.url}/wall/${ctx.subdistrict}`, { headers: { cookie: kiosk } })).status).toBe(200);
		expect((await fetch(`${app.url}/api/wall?unit=${ctx.subdistrict}`, { headers: { cookie: kiosk } })).status).toBe(200);
		expect((await fetch(`${app.url}/api/wall?unit=${ctx.otherCommunity.slice(0, 9)}`, { headers: { cookie: kiosk } })).status).toBe(403);
		expect((await fetch(`${app.url}/api/cases`, { method: 'POST', headers: { cookie: kiosk, 'content-type': 'application/json' }, body: '{}' })).status).toBe(
			403
		);
		expect((await fetch(`${app.url}/coverage/rules`, { headers: { cookie: kiosk }, redirect: 'manual' })).status).toBe(403);
	});

	it('session cookies are HttpOnly and SameSite; sign-out ends the session', async () => {
		const res = await fetch(`${app.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'viewer', password: 'gridatlas-test-password' })
		});
		const set = res.headers.get('set-cookie')!;
		expect(set).toMatch(/HttpOnly/i);
		expect(set).toMatch(/SameSite=Lax/i);
		const cookie = set.split(';')[0];
		expect((await fetch(`${app.url}/api/coverage`, { headers: { cookie } })).status).toBe(200);
		await fetch(`${app.url}/api/session`, { method: 'DELETE', headers: { cookie } });
		expect((await fetch(`${app.url}/api/coverage`, { headers: { cookie } })).status).toBe(401);
	});

	it('refuses oversized bodies before reading them', async () => {
		const big = JSON.stringify({ id: 'x'.repeat(3 * 1024 * 1024) });
		// The server answers before reading the body and drops the connection: don't reuse it.
		const res = await app.fetch(`${app.url}/api/rules`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: big });
		expect(res.status).toBe(413);
		expect((await res.json()).code).toBe('too_large');
	});

	/** A wrong sign-in sent from `localAddress` (a loopback address of its own is a client of its own). */
	function wrongSignInFrom(localAddress: string): Promise<{ status: number; retryAfter: number }> {
		const body = JSON.stringify({ username: 'nobody', password: 'wrong-password' });
		return new Promise((resolve, reject) => {
			const req = http.request(
				`${app.url}/api/session`,
				{ method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
				(res) => {
					res.resume();
					res.on('end', () => resolve({ status: res.statusCode!, retryAfter: Number(res.headers['retry-after'] ?? 0) }));
				}
			);
			req.on('error', reject);
			req.end(body);
		});
	}

	it('rate-limits sign-in attempts per address', async () => {
		// From an address no other test uses (127.0.0.2, Linux answers the whole 127/8), so the
		// limiter's one-minute window opens with this test's first attempt; LOGIN_LIMIT + 1 attempts
		// at once. The limiter counts an attempt as it arrives, before the password check, so exactly
		// one is refused however fast the machine checks passwords (all arrive within seconds, far
		// inside the window), and the other tests' address keeps its own count.
		const attempts = await Promise.all(Array.from({ length: LOGIN_LIMIT + 1 }, () => wrongSignInFrom('127.0.0.2')));
		expect(attempts.filter((a) => a.status === 401)).toHaveLength(LOGIN_LIMIT);
		const throttled = attempts.filter((a) => a.status === 429);
		expect(throttled).toHaveLength(1);
		expect(throttled[0].retryAfter).toBeGreaterThan(0);
		expect((await wrongSignInFrom('127.0.0.3')).status).toBe(401);
	}, 120_000);
});

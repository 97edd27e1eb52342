// What the server believes about how a request reached it (issue 16, finding 4), and the headers
// every answer carries (finding 13). The server listens on every interface, as on an intranet:
// signing in at an address other than localhost over plain HTTP must give a cookie the browser
// keeps (not Secure); only a proxy named in GRIDATLAS_TRUSTED_PROXIES may say the request was
// HTTPS; links the server builds (a wall token's kiosk link) use the address the request came to.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../browser/helpers/app-server';
import { sessionCookie, TEST_DEMO_PASSWORD } from '../browser/helpers/session';
import { formAction, rawRequest } from '../helpers/http';

/** An address of this machine other than 127.0.0.1: a LAN address if there is one, else 127.0.0.2. */
function otherAddress(): string {
	for (const list of Object.values(os.networkInterfaces())) {
		for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	}
	return '127.0.0.2';
}

const signInBody = JSON.stringify({ username: 'viewer', password: TEST_DEMO_PASSWORD });

describe('requests over plain HTTP and through a proxy', () => {
	let app: AppServer;
	let port: string;
	const lan = otherAddress();

	beforeAll(async () => {
		// 127.0.0.1 is the proxy the operator trusts; 127.0.0.2 (also this machine) is anyone else.
		app = await startApp({ env: { HOST: '0.0.0.0', GRIDATLAS_TRUSTED_PROXIES: '127.0.0.1' } });
		port = new URL(app.url).port;
	}, 300_000);
	afterAll(() => app?.stop());

	const signIn = (host: string, headers: Record<string, string> = {}, localAddress?: string) =>
		rawRequest(`http://${host}:${port}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(signInBody)), ...headers },
			chunks: [signInBody],
			localAddress
		});

	it(`signing in at http://${lan} and at a host name gives a cookie without Secure, and the cookie works`, async () => {
		for (const [address, host] of [
			[lan, undefined],
			['127.0.0.2', undefined],
			['127.0.0.1', 'gridatlas.district.local']
		] as const) {
			const res = await signIn(address, host ? { host: `${host}:${port}` } : {});
			expect(res.status, res.body).toBe(200);
			const set = String(res.headers['set-cookie']);
			expect(set).toMatch(/gridatlas_session=/);
			expect(set).not.toMatch(/secure/i);
			const cookie = set.split(';')[0];
			const me = await rawRequest(`http://${address}:${port}/api/session`, { headers: { cookie, ...(host ? { host: `${host}:${port}` } : {}) } });
			expect(JSON.parse(me.body).principal.name).toBe('viewer');
		}
	});

	it('a trusted proxy saying https gets a Secure cookie; anyone else saying so is not believed', async () => {
		const viaProxy = await signIn('127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.1.2.3' }, '127.0.0.1');
		expect(String(viaProxy.headers['set-cookie'])).toMatch(/;\s*Secure/i);
		const forged = await signIn('127.0.0.2', { 'x-forwarded-proto': 'https' }, '127.0.0.2');
		expect(forged.status).toBe(200);
		expect(String(forged.headers['set-cookie'])).not.toMatch(/secure/i);
	});

	it('sign-out over plain HTTP clears the cookie (the deletion is not Secure either)', async () => {
		const cookie = (await sessionCookie(`http://${lan}:${port}`, 'viewer')).split(';')[0];
		const out = await rawRequest(`http://${lan}:${port}/api/session`, { method: 'DELETE', headers: { cookie, origin: `http://${lan}:${port}` } });
		const cleared = String(out.headers['set-cookie']);
		expect(cleared).toMatch(/gridatlas_session=;/);
		expect(cleared).not.toMatch(/secure/i);
	});

	it('a new wall token’s kiosk link uses the address and scheme the admin used', async () => {
		const base = `http://${lan}:${port}`;
		const admin = await sessionCookie(base, 'admin');
		const made = await formAction(base, '/admin/tokens?/create', { name: 'lobby-link', kind: 'wall' }, admin);
		expect(made.type).toBe('success');
		expect(String(made.data?.wallUrl)).toMatch(new RegExp(`^http://${lan.replaceAll('.', '\\.')}:${port}/wall\\?token=ga_wall_`));
		// Through the trusted proxy, the link is the public HTTPS address.
		const proxied = await rawRequest(`http://127.0.0.1:${port}/admin/tokens?/create`, {
			method: 'POST',
			headers: {
				cookie: admin,
				host: 'intranet.example',
				origin: 'https://gridatlas.example.gov.cn',
				'x-forwarded-proto': 'https',
				'x-forwarded-host': 'gridatlas.example.gov.cn',
				'content-type': 'application/x-www-form-urlencoded',
				'x-sveltekit-action': 'true'
			},
			chunks: [new URLSearchParams({ name: 'lobby-https', kind: 'wall' }).toString()],
			localAddress: '127.0.0.1'
		});
		expect(proxied.body).toMatch(/https:\/\/gridatlas\.example\.gov\.cn\/wall\?token=ga_wall_/);
	});

	it('pages carry a content security policy with a nonce, framing limits, nosniff and a referrer policy', async () => {
		const cookie = await sessionCookie(app.url, 'admin');
		const page = await fetch(`${app.url}/`, { headers: { cookie } });
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-[^']+'/);
		expect(csp).not.toMatch(/'unsafe-eval'/);
		expect(csp).toMatch(/frame-ancestors 'self'/);
		expect(csp).toMatch(/worker-src 'self' blob:/);
		expect(csp).toMatch(/object-src 'none'/);
		expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
		for (const res of [page, await fetch(`${app.url}/api/health`), await fetch(`${app.url}/favicon.ico`)]) {
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('referrer-policy')).toBe('same-origin');
		}
		const asset = (await page.text()).match(/\/_app\/immutable\/[^"]+\.js/)![0];
		const js = await fetch(`${app.url}${asset}`);
		expect(js.headers.get('x-content-type-options')).toBe('nosniff');
	});
});

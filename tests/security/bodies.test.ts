// Request bodies are bounded on every route however they are sent (issue 16, findings 6 and 12):
// every route and method that takes a body (found on disk) is sent one just over its limit, once
// with Content-Length and once chunked (no length up front); each is refused with 413 and the
// bilingual message, and the server stays responsive. The import limit follows
// GRIDATLAS_MAX_IMPORT_MB alone (no second limit of the HTTP adapter's answers first, in English).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppServer } from '../browser/helpers/app-server';
import { sessionCookie } from '../browser/helpers/session';
import { routesOnDisk } from '../helpers/routes';
import { examples, routeContext, ROLES, type Ctx } from '../helpers/route-examples';
import { rawRequest } from '../helpers/http';
import { bodyLimit } from '../../src/lib/server/http/body';
import type { DemoRole } from '../browser/helpers/session';

const IMPORT_MB = 3;

function* chunks(total: number, size = 64 * 1024): Generator<Uint8Array> {
	const block = new Uint8Array(size).fill(0x61);
	for (let sent = 0; sent < total; sent += size) yield block.subarray(0, Math.min(size, total - sent));
}

describe('bounded request bodies', () => {
	let app: AppServer;
	let ctx: Ctx;
	const cookies = new Map<DemoRole, string>();

	beforeAll(async () => {
		process.env.GRIDATLAS_MAX_IMPORT_MB = String(IMPORT_MB); // bodyLimit() below reads the same setting
		app = await startApp({ env: { GRIDATLAS_MAX_IMPORT_MB: String(IMPORT_MB) } });
		for (const role of ROLES) cookies.set(role, await sessionCookie(app.url, role));
		ctx = await routeContext(app, cookies);
	}, 300_000);
	afterAll(async () => {
		delete process.env.GRIDATLAS_MAX_IMPORT_MB;
		await app?.stop();
	});

	it('every route with a body refuses one just over its limit, sent with a length or chunked', async () => {
		const table = examples(ctx);
		const failures: string[] = [];
		let tried = 0;
		for (const { id, method } of routesOnDisk()) {
			if (method === 'GET') continue;
			const ex = table[id]?.[method];
			if (!ex) continue;
			const limit = bodyLimit(id, method);
			const size = limit + 1024;
			const role: DemoRole = ex.allowed === 'public' || ex.allowed.includes('admin') ? 'admin' : ex.allowed[0];
			const type = ex.form ? 'application/x-www-form-urlencoded' : 'application/json';
			for (const chunked of [false, true]) {
				// Examples that end their session (sign-out) get a session of their own.
				const cookie = ex.fresh || id === '/api/session' ? await sessionCookie(app.url, role) : cookies.get(role)!;
				const headers: Record<string, string> = { cookie, origin: app.url, 'content-type': type };
				// Node's client chunks a body of its own accord only for methods that usually have one.
				headers[chunked ? 'transfer-encoding' : 'content-length'] = chunked ? 'chunked' : String(size);
				const res = await rawRequest(`${app.url}${ex.path}`, { method, headers, chunks: chunks(size) });
				tried++;
				const label = `${method} ${id} (${(size / 1048576).toFixed(2)} MB, ${chunked ? 'chunked' : 'with length'})`;
				if (res.status !== 413) failures.push(`${label}: ${res.status} ${res.body.slice(0, 120)}`);
				else if (!/请求过大.*request too large/.test(res.body)) failures.push(`${label}: 413 without the bilingual message: ${res.body.slice(0, 120)}`);
			}
		}
		expect(tried).toBeGreaterThan(30);
		expect(failures).toEqual([]);
		expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
	}, 300_000);

	it('an anonymous 100 MB chunked sign-in is refused after its first 16 kB, unparsed', async () => {
		const res = await rawRequest(`${app.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			chunks: chunks(100 * 1024 * 1024)
		});
		expect(res.status).toBe(413);
	});

	it('an anonymous upload is refused before its body is read', async () => {
		const res = await rawRequest(`${app.url}/import`, {
			method: 'POST',
			headers: { 'content-type': 'multipart/form-data; boundary=x', origin: app.url },
			chunks: chunks(2 * 1024 * 1024)
		});
		expect([303, 401]).toContain(res.status);
	});

	it(`the import page takes a file up to GRIDATLAS_MAX_IMPORT_MB (${IMPORT_MB} MB) and refuses a larger one in both languages`, async () => {
		const upload = async (bytes: number) => {
			const form = new FormData();
			form.set('layer', 'facilities');
			form.set('crs', 'wgs84');
			form.set('file', new Blob([new Uint8Array(bytes).fill(0x20)]), 'big.geojson');
			const res = await fetch(`${app.url}/import`, {
				method: 'POST',
				headers: { cookie: cookies.get('admin')!, origin: app.url, 'x-sveltekit-action': 'true' },
				body: form
			});
			return { status: res.status, text: await res.text() };
		};
		const under = await upload(IMPORT_MB * 1024 * 1024 - 4096);
		expect(under.text).not.toMatch(/too large|过大/); // read, and refused for its content (blank text), not its size
		const over = await upload(IMPORT_MB * 1024 * 1024 + 1024 * 1024 + 4096);
		expect(over.status).toBe(413);
		expect(over.text).toMatch(/请求过大.*request too large/);
	}, 120_000);
});

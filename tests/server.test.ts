// The production server: answers at once while the embedded database opens ("starting", never an
// error), reports its engine when ready, loads the demo on the first start only, and reuses the
// data directory on the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, freePort, ROOT } from './browser/helpers/app-server';
import { sessionCookie, TEST_DEMO_PASSWORD } from './browser/helpers/session';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** fetch() with the demo admin's session on that server. */
const cookies = new Map<string, string>();
async function authed(url: string): Promise<Response> {
	const base = new URL(url).origin;
	if (!cookies.has(base)) cookies.set(base, await sessionCookie(base, 'admin'));
	return fetch(url, { headers: { cookie: cookies.get(base)! } });
}

interface Started {
	url: string;
	child: ChildProcess;
	first: { status: number; body: string; ms: number };
	pageWhileStarting?: { status: number; body: string };
}

async function start(dataDir: string): Promise<Started> {
	const port = await freePort();
	const t0 = Date.now();
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		cwd: ROOT,
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', GRIDATLAS_DATA_DIR: dataDir, DATABASE_URL: '', GRIDATLAS_DEMO_PASSWORD: TEST_DEMO_PASSWORD },
		stdio: 'ignore'
	});
	const url = `http://127.0.0.1:${port}`;
	for (;;) {
		try {
			const res = await fetch(`${url}/api/health`);
			const first = { status: res.status, body: await res.text(), ms: Date.now() - t0 };
			let pageWhileStarting: Started['pageWhileStarting'];
			if (res.status === 503) {
				const page = await fetch(`${url}/`);
				pageWhileStarting = { status: page.status, body: await page.text() };
			}
			return { url, child, first, pageWhileStarting };
		} catch {
			if (Date.now() - t0 > 20_000) throw new Error('no HTTP answer within 20 s');
			await sleep(10);
		}
	}
}

async function waitReady(url: string): Promise<Record<string, unknown>> {
	const t0 = Date.now();
	for (;;) {
		// The embedded database runs on the server's event loop: while the demo loads, an idle
		// keep-alive socket can be reset under us. That is a retry, not a failure.
		const res = await fetch(`${url}/api/health`, { headers: { connection: 'close' } }).catch(() => null);
		if (!res) {
			await sleep(200);
			continue;
		}
		const body = await res.json();
		if (res.status === 200) return body;
		expect(body).toEqual({ status: 'starting' });
		if (Date.now() - t0 > 240_000) throw new Error('not ready after 240 s');
		await sleep(200);
	}
}

async function stop(child: ChildProcess) {
	const done = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await done;
}

describe('the production server on the embedded database', () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-server-'));
	let first: Started;
	let health: Record<string, unknown>;

	beforeAll(async () => {
		ensureBuild();
		first = await start(dataDir);
		health = await waitReady(first.url);
	}, 400_000);
	afterAll(async () => {
		if (first?.child.exitCode === null) await stop(first.child);
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	it('answers HTTP at once with 503 "starting" while the database opens, and pages show a starting state', () => {
		expect(first.first.status).toBe(503);
		expect(JSON.parse(first.first.body)).toEqual({ status: 'starting' });
		expect(first.pageWhileStarting?.status).toBe(200);
		expect(first.pageWhileStarting?.body).toContain('data-testid="starting"');
	});

	it('reports the engine and PostGIS version when ready, with the demo loaded', () => {
		expect(health).toMatchObject({ status: 'ok', engine: 'pglite', demo: 'loaded' });
		expect(String(health.postgis)).toMatch(/^3\.\d+/);
	});

	it('locates a point in the demo hierarchy and names bad coordinates', async () => {
		const ok = await authed(`${first.url}/api/locate?lon=118.7845&lat=32.0415`);
		const body = await ok.json();
		expect(body.grid.code).toMatch(/^3201\d{11}$/);
		expect(body.grid.code.startsWith(body.community.code)).toBe(true);
		const swapped = await authed(`${first.url}/api/locate?lon=32.04&lat=118.78`);
		expect(swapped.status).toBe(400);
		expect((await swapped.json()).message).toMatch(/swapped/);
		expect((await authed(`${first.url}/api/locate?lon=abc`)).status).toBe(400);
	});

	it('reuses the data directory on the next start: no second demo load', async () => {
		const [{ n: before }] = [{ n: (await (await authed(`${first.url}/api/layers/buildings`)).json()).features.length }];
		await stop(first.child);
		const second = await start(dataDir);
		try {
			const h = await waitReady(second.url);
			expect(h.demo).toBe('already-loaded');
			const after = (await (await authed(`${second.url}/api/layers/buildings`)).json()).features.length;
			expect(after).toBe(before);
			expect(before).toBeGreaterThan(1000);
		} finally {
			await stop(second.child);
		}
	}, 300_000);
});

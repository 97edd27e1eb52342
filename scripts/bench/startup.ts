// npm run bench -- startup
// Time to first HTTP answer and to the first spatial query (/api/locate: point-in-polygon over
// subdistricts, communities and grids), on a cold start (fresh data directory: migrations and the
// demo load) and a warm start (reusing it). With BENCH_DATABASE_URL, the server engine is measured
// too as the peer. Ends with RESULT {json}: first_http_ms, cold_query_ms, warm_query_ms,
// warm_vs_cold_ratio (and server_query_ms, embedded_warm_vs_server_ratio with the peer).
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches/server.test.ts): the same two
// starts (there is nothing smaller to start), without the server peer.
import { sessionCookie, TEST_DEMO_PASSWORD } from '../../tests/browser/helpers/session';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const PROBE = '/api/locate?lon=118.7845&lat=32.0415';

function ensureBuild() {
	if (fs.existsSync(path.join(root, 'build', 'index.js'))) return;
	console.log('building the app first…');
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) process.exit(1);
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
	firstHttpMs: number;
	readyMs: number;
	firstQueryMs: number;
	queryLatencyMs: number;
}

async function measure(env: Record<string, string>): Promise<Run> {
	const port = await freePort();
	const t0 = performance.now();
	const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'serve.js')], {
		cwd: root,
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', GRIDATLAS_DEMO_PASSWORD: TEST_DEMO_PASSWORD, GRIDATLAS_DEMO_ACCOUNTS: 'on' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const base = `http://127.0.0.1:${port}`;
	try {
		let firstHttpMs = NaN;
		while (Number.isNaN(firstHttpMs)) {
			try {
				await fetch(`${base}/api/health`);
				firstHttpMs = performance.now() - t0;
			} catch {
				await sleep(5);
			}
		}
		let readyMs = NaN;
		while (Number.isNaN(readyMs)) {
			// A poll can fail while the server starts (a reset connection, ECONNRESET): poll again.
			const status = await fetch(`${base}/api/health`).then(
				async (r) => (await r.arrayBuffer(), r.status),
				() => 0
			);
			if (status === 200) readyMs = performance.now() - t0;
			else await sleep(20);
			if (performance.now() - t0 > 300_000) throw new Error('server not ready after 300 s');
		}
		// Signed in first (every route but health and sign-in needs a session); the probe is timed alone.
		const cookie = await sessionCookie(base, 'admin');
		const q0 = performance.now();
		const r = await fetch(`${base}${PROBE}`, { headers: { cookie } });
		const body = (await r.json()) as { grid?: { code: string } | null };
		if (!r.ok || !body.grid) throw new Error(`spatial probe failed: ${r.status} ${JSON.stringify(body)}`);
		const firstQueryMs = performance.now() - t0;
		const queryLatencyMs = performance.now() - q0;
		return { firstHttpMs, readyMs, firstQueryMs, queryLatencyMs };
	} finally {
		// (a server that already exited, e.g. crashed, would never say 'exit' again)
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	}
}

const fmt = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
function print(label: string, r: Run) {
	console.log(
		`${label.padEnd(28)} first HTTP ${fmt(r.firstHttpMs)}   ready ${fmt(r.readyMs)}   first spatial query ${fmt(r.firstQueryMs)} (query itself ${r.queryLatencyMs.toFixed(1)} ms)`
	);
}

ensureBuild();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-bench-'));
const embedded = { GRIDATLAS_DATA_DIR: dataDir, DATABASE_URL: '' };
const cold = await measure(embedded);
print('embedded, cold (new dir)', cold);
const warm = await measure(embedded);
print('embedded, warm (reused dir)', warm);
const result: Record<string, number> = {
	first_http_ms: Math.round(Math.max(cold.firstHttpMs, warm.firstHttpMs)),
	cold_query_ms: Math.round(cold.firstQueryMs),
	warm_query_ms: Math.round(warm.firstQueryMs),
	warm_vs_cold_ratio: Number((cold.firstQueryMs / warm.firstQueryMs).toFixed(2))
};
if (process.env.BENCH_DATABASE_URL && process.env.GRIDATLAS_BENCH_SIZE !== 'smoke') {
	const server = await measure({ DATABASE_URL: process.env.BENCH_DATABASE_URL });
	print('postgres server (peer)', server);
	result.server_query_ms = Math.round(server.firstQueryMs);
	result.embedded_warm_vs_server_ratio = Number((warm.firstQueryMs / server.firstQueryMs).toFixed(2));
}
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`goal: first HTTP ≤ 2000 ms → ${result.first_http_ms <= 2000 ? 'met' : 'NOT met'}`);
console.log(`RESULT ${JSON.stringify(result)}`);

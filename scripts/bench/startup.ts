// npm run bench -- startup
// Time to first HTTP answer, to ready (/api/health 200) and to the first spatial query (/api/locate:
// point-in-polygon over subdistricts, communities and grids, after signing in), on
// - a first start of an install: an empty engine cache (src/lib/server/db/engine-cache.ts, here a
//   folder of the bench's own) and a new data directory: initdb, CREATE EXTENSION postgis, migrations,
//   the demo load;
// - a cold start: a new data directory with the engine cache made (as `npm start`'s build makes it):
//   migrations and the demo load;
// - a warm start: the same data directory again.
// Each start's steps, as the server timed them (/api/health `startup`: boot = loading the server's
// modules, then modules, new_database, engine_open, migrations, versions, demo, accounts, and warm_up
// after ready), are printed, and the engine's floor beside them: PGlite alone opening the warm data
// directory, with pglite-postgis's own bundle, and with the engine cache's (scripts/bench/engine-floor.ts).
// With BENCH_DATABASE_URL, the server engine is measured too as the peer. Ends with RESULT {json}:
// first_http_ms, cold_query_ms, warm_query_ms, warm_vs_cold_ratio, first_install_query_ms, cold_ready_ms,
// warm_ready_ms, <cold|warm>_<step>_ms for each step, <cold|warm>_rss_mb and _peak_rss_mb (the server
// process after its first spatial query), floor_<none|stock|cached>_ms (and server_query_ms,
// embedded_warm_vs_server_ratio with the peer).
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches/server.test.ts): the cold and
// warm starts (there is nothing smaller to start) on the project's engine cache, without the first
// install, the floor and the server peer.
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
	signInMs: number;
	firstQueryMs: number;
	queryLatencyMs: number;
	/** The server's own timing of its steps (ms), from /api/health. */
	steps: Record<string, number>;
	/** The server process's resident memory after its first spatial query, and its peak until then (MB; NaN off Linux). */
	rssMb: number;
	peakRssMb: number;
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc (Linux). */
function residentMb(pid: number | undefined): { rssMb: number; peakRssMb: number } {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
		return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
	} catch {
		return { rssMb: NaN, peakRssMb: NaN };
	}
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
		const s0 = performance.now();
		const cookie = await sessionCookie(base, 'admin');
		const signInMs = performance.now() - s0;
		const q0 = performance.now();
		const r = await fetch(`${base}${PROBE}`, { headers: { cookie } });
		const body = (await r.json()) as { grid?: { code: string } | null };
		if (!r.ok || !body.grid) throw new Error(`spatial probe failed: ${r.status} ${JSON.stringify(body)}`);
		const firstQueryMs = performance.now() - t0;
		const queryLatencyMs = performance.now() - q0;
		const memory = residentMb(child.pid);
		// The warm-up after ready reports itself when done: wait for it (briefly) to print its cost too.
		let steps: Record<string, number> = {};
		for (let i = 0; i < 100; i++) {
			const h = (await (await fetch(`${base}/api/health`)).json()) as { startup?: Record<string, number> };
			steps = h.startup ?? {};
			if ('warm_up' in steps || !('engine_open' in steps)) break;
			await sleep(100);
		}
		return { firstHttpMs, readyMs, signInMs, firstQueryMs, queryLatencyMs, steps, ...memory };
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
		`${label.padEnd(30)} first HTTP ${fmt(r.firstHttpMs)}   ready ${fmt(r.readyMs)}   first spatial query ${fmt(r.firstQueryMs)} (sign-in ${r.signInMs.toFixed(0)} ms, query itself ${r.queryLatencyMs.toFixed(1)} ms)   RSS ${r.rssMb} MB (peak ${r.peakRssMb} MB)`
	);
	console.log(
		`${''.padEnd(30)} steps: ${Object.entries(r.steps)
			.map(([k, ms]) => `${k} ${ms}`)
			.join(', ')} (ms)`
	);
}

function floor(variant: string, dataDir: string): { open_ms: number; first_spatial_ms: number | null } {
	const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'bench', 'engine-floor.ts'), variant, dataDir], {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, GRIDATLAS_ENGINE_CACHE: engineCache ?? '', TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.node.json') }
	});
	if (r.status !== 0) throw new Error(`engine floor ${variant} failed: ${r.stderr}`);
	return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
ensureBuild();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-bench-'));
// The full bench starts from an empty engine cache of its own; the smoke uses the project's (made on first use).
const engineCache = SMOKE ? undefined : path.join(scratch, 'engine-cache');
const cacheEnv: Record<string, string> = engineCache ? { GRIDATLAS_ENGINE_CACHE: engineCache } : {};
const result: Record<string, number> = {};
let first: Run | undefined;
if (!SMOKE) {
	first = await measure({ GRIDATLAS_DATA_DIR: path.join(scratch, 'first'), DATABASE_URL: '', ...cacheEnv });
	print('embedded, first start', first);
}
const dataDir = path.join(scratch, 'data');
const embedded = { GRIDATLAS_DATA_DIR: dataDir, DATABASE_URL: '', ...cacheEnv };
const cold = await measure(embedded);
print('embedded, cold (new dir)', cold);
const warm = await measure(embedded);
print('embedded, warm (reused dir)', warm);
Object.assign(result, {
	first_http_ms: Math.round(Math.max(cold.firstHttpMs, warm.firstHttpMs)),
	cold_query_ms: Math.round(cold.firstQueryMs),
	warm_query_ms: Math.round(warm.firstQueryMs),
	warm_vs_cold_ratio: Number((cold.firstQueryMs / warm.firstQueryMs).toFixed(2)),
	cold_ready_ms: Math.round(cold.readyMs),
	warm_ready_ms: Math.round(warm.readyMs)
});
if (first) result.first_install_query_ms = Math.round(first.firstQueryMs);
// Every step's key for both starts, 0 for a step that did not run (a warm start makes no new database).
const STEPS = ['boot', 'data_dir', 'modules', 'new_database', 'engine_open', 'migrations', 'versions', 'demo', 'accounts', 'warm_up'];
for (const [label, run] of [
	['cold', cold],
	['warm', warm]
] as const) {
	for (const k of STEPS) result[`${label}_${k}_ms`] = run.steps[k] ?? 0;
	result[`${label}_sign_in_ms`] = Math.round(run.signInMs);
	result[`${label}_rss_mb`] = run.rssMb;
	result[`${label}_peak_rss_mb`] = run.peakRssMb;
}
if (!SMOKE) {
	// The engine's floor on the warm data directory, each in a process of its own.
	const pglite = path.join(dataDir, 'pglite');
	const floors = { none: floor('none', pglite), stock: floor('stock', pglite), cached: floor('cached', pglite) };
	console.log(
		`engine floor (warm dir)         PGlite alone ${fmt(floors.none.open_ms)}   + PostGIS (package bundle) ${fmt(floors.stock.open_ms)}   + PostGIS (engine cache) ${fmt(floors.cached.open_ms)}   first spatial statement ${floors.cached.first_spatial_ms} ms`
	);
	for (const [k, f] of Object.entries(floors)) result[`floor_${k}_ms`] = f.open_ms;
	result.floor_first_spatial_ms = floors.cached.first_spatial_ms ?? NaN;
}
if (process.env.BENCH_DATABASE_URL && !SMOKE) {
	const server = await measure({ DATABASE_URL: process.env.BENCH_DATABASE_URL });
	print('postgres server (peer)', server);
	result.server_query_ms = Math.round(server.firstQueryMs);
	result.embedded_warm_vs_server_ratio = Number((warm.firstQueryMs / server.firstQueryMs).toFixed(2));
}
fs.rmSync(scratch, { recursive: true, force: true });
console.log(`goal: first HTTP ≤ 2000 ms → ${result.first_http_ms <= 2000 ? 'met' : 'NOT met'}`);
console.log(
	`goal: warm ready ≤ 2000 ms → ${result.warm_ready_ms <= 2000 ? 'met' : 'NOT met'}; cold first spatial query (with the demo) ≤ 10000 ms → ${result.cold_query_ms <= 10000 ? 'met' : 'NOT met'}`
);
console.log(`RESULT ${JSON.stringify(result)}`);

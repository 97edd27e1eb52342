// Runs the real production build (adapter-node) for the browser tests: builds it when the sources
// are newer than build/, starts it on a free port with a fresh embedded database (or on a PostgreSQL
// database given by the test: `database`, with a replica and several worker processes if asked),
// waits for /api/health, and stops it afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionCookie, TEST_DEMO_PASSWORD } from './session';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILD_ENTRY = path.join(ROOT, 'build', 'handler.js');
const SOURCES = ['src', 'geo', 'migrations', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json', 'package-lock.json'];

function newestMtime(p: string): number {
	if (!fs.existsSync(p)) return 0;
	const st = fs.statSync(p);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const entry of fs.readdirSync(p)) {
		if (entry === 'node_modules' || entry.startsWith('.')) continue;
		newest = Math.max(newest, newestMtime(path.join(p, entry)));
	}
	return newest;
}

/**
 * Builds with `npx vite build` unless build/ is newer than every source file. A fresh clone (CI)
 * has no build/, so it builds once per run; GRIDATLAS_TEST_REBUILD=1 forces a build.
 */
export function ensureBuild(): void {
	const built = fs.existsSync(BUILD_ENTRY) ? fs.statSync(BUILD_ENTRY).mtimeMs : 0;
	const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
	if (!process.env.GRIDATLAS_TEST_REBUILD && built > sources) return;
	const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
	if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export interface AppServer {
	url: string;
	dataDir: string;
	/** The server's process id (to sample its memory, as the security tests and the bomb bench do). */
	pid: number;
	/** fetch() signed in as the demo admin (every route but /api/health and /login needs a session). */
	fetch(input: string, init?: RequestInit): Promise<Response>;
	/** Everything the server printed, for failure messages. */
	log(): string;
	/** The exit code once the server process has exited (undefined while it runs; null: by a signal). */
	exitCode(): number | null | undefined;
	/** Stops the server and removes its data directory (kept with keepData, e.g. to restart on it). */
	stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
	/** Load the Nanjing demo city on first start (slow: tens of seconds). Default true. */
	demo?: boolean;
	/** How long to wait for /api/health to say ok. */
	timeoutMs?: number;
	/** Extra environment for the server (e.g. basemap configuration). */
	env?: Record<string, string>;
	/** A data directory prepared beforehand (e.g. by `gridatlas synth`); removed on stop like a fresh one. */
	dataDir?: string;
	/** Listen on this port (e.g. to restart a server at the same address); default a free one. */
	port?: number;
	/** The server engine: this PostgreSQL database (DATABASE_URL) instead of an embedded data directory. */
	database?: string;
	/** With `database`: its streaming replica for reads (DATABASE_READ_URL). */
	readDatabase?: string;
	/** GRIDATLAS_WORKERS: processes sharing the port (server engine). */
	workers?: number;
}

/**
 * The demo city, loaded once per test run (tests/global-setup.ts names the directory) and copied
 * for every server that asks for it: loading it takes tens of seconds, copying it well under one.
 * Each server still gets its own copy, so no test sees another's writes.
 */
async function demoDataDir(): Promise<string> {
	const template = process.env.GRIDATLAS_TEST_DEMO_TEMPLATE;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-browser-'));
	if (!template) return dir;
	const ready = path.join(template, '.gridatlas-template-ready');
	if (!fs.existsSync(ready)) {
		fs.rmSync(template, { recursive: true, force: true });
		fs.mkdirSync(template, { recursive: true });
		const loader = await startApp({ dataDir: template, timeoutMs: 300_000, fromTemplate: false });
		await loader.stop({ keepData: true });
		fs.writeFileSync(ready, new Date().toISOString());
	}
	fs.cpSync(template, dir, { recursive: true, filter: (src) => src !== ready });
	return dir;
}

export async function startApp(options: StartOptions & { fromTemplate?: boolean } = {}): Promise<AppServer> {
	ensureBuild(); // a no-op when build/ is newer than every source
	const port = options.port ?? (await freePort());
	const dataDir =
		options.dataDir ??
		(options.demo !== false && options.fromTemplate !== false && !options.database
			? await demoDataDir()
			: fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-browser-')));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		GRIDATLAS_DATA_DIR: dataDir,
		GRIDATLAS_DEMO: options.demo === false ? 'off' : 'on',
		// No ORIGIN, as under `npm start`: form posts over plain http must work without it.
		// Demo accounts (admin, planner, leader, worker, viewer) with one known password, even without the demo city.
		GRIDATLAS_DEMO_PASSWORD: TEST_DEMO_PASSWORD,
		GRIDATLAS_DEMO_ACCOUNTS: 'on',
		// Every page of a test signs in: the per-address sign-in limit is tested on its own.
		GRIDATLAS_LOGIN_PER_MINUTE: '10000',
		// Soaks post 10 cases/s for minutes: above the default ingest limit per account.
		GRIDATLAS_INGEST_PER_MINUTE: '100000',
		...options.env
	};
	// The embedded engine unless the test names its own database: a server DATABASE_URL from the
	// environment would be shared between runs.
	delete env.DATABASE_URL;
	delete env.DATABASE_READ_URL;
	delete env.GRIDATLAS_WORKERS;
	if (options.database) env.DATABASE_URL = options.database;
	if (options.readDatabase) env.DATABASE_READ_URL = options.readDatabase;
	if (options.workers) env.GRIDATLAS_WORKERS = String(options.workers);
	// BENCH_APP_NODE_ARGS: Node's own flags for the app (e.g. --cpu-prof --cpu-prof-dir=… to see where a bench's time goes)
	const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
	const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'scripts/serve.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	let exited: number | null | undefined;
	child.on('exit', (code) => (exited = code));

	const url = `http://127.0.0.1:${port}`;
	let cookie = '';
	const server: AppServer = {
		url,
		dataDir,
		pid: child.pid!,
		fetch: (input, init) => fetch(input, { ...init, headers: { cookie, ...(init?.headers as Record<string, string> | undefined) } }),
		log: () => output,
		exitCode: () => exited,
		async stop(stopOptions) {
			if (exited === undefined) {
				const done = new Promise<void>((r) => child.once('exit', () => r()));
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
				await done;
				clearTimeout(timer);
			}
			if (!stopOptions?.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};

	const deadline = Date.now() + (options.timeoutMs ?? 180_000);
	let last = '';
	while (Date.now() < deadline) {
		if (exited !== undefined) {
			await server.stop();
			throw new Error(`the server exited with ${exited} before it was ready:\n${output}`);
		}
		try {
			const res = await fetch(`${url}/api/health`);
			last = await res.text();
			if (res.ok && JSON.parse(last).status === 'ok') {
				cookie = await sessionCookie(url, 'admin');
				return server;
			}
			if (JSON.parse(last).status === 'error') break;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	await server.stop();
	throw new Error(`the server did not become healthy (last /api/health: ${last}):\n${output}`);
}

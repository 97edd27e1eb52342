// npm run bench -- load
// Many users at once on the server engine (issue 19): the 200,000-building synthetic city
// (`gridatlas synth`, generated once into the database gridatlas_bench_load on BENCH_DATABASE_URL or
// DATABASE_URL and reused) under a mixed workload — 100 map users, 20 wall screens, 10 planners,
// 2 coverage readers, ingest at 100 cases/s — for 60 s, against the production build with 1 process,
// 2 processes (GRIDATLAS_WORKERS=2), and 2 processes + the read replica (BENCH_DATABASE_READ_URL:
// the same database on a streaming replica, e.g. scripts/make-replica.sh). Then each process count
// once more with map users that do not pause (the most the processes serve: the scaling figure).
// Ends with RESULT {json}: errors, tiles_p95_ms, api_p95_ms, post_to_wall_p99_ms (the worst of the
// three mixed runs), scale_2_vs_1 (requests/s of the busy runs, 2 processes over 1), replica_ok (the
// replica run had no errors and served reads; null without a replica).
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, or BENCH_LOAD_SMOKE=1): a seconds-long run of a
// small city with a handful of users (tests/benches/load.test.ts runs it).
// BENCH_LOAD_DB, BENCH_LOAD_SECONDS, BENCH_LOAD_BUILDINGS override the database, duration and city.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import { writeSynthCity } from '../../src/lib/server/imports/synth';
import { ensureBuild, startApp, type AppServer } from '../../tests/browser/helpers/app-server';
import { sessionCookie } from '../../tests/browser/helpers/session';
import { quantile, runWorkload, Stats, warm, type CityFacts, type Sizes } from './load-workload';
import { cpuCores, sampleCpu } from './cpu-share';

const SMOKE = process.env.BENCH_LOAD_SMOKE === '1' || process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS) || (SMOKE ? 2 : 60);
const BUSY_SECONDS = SMOKE ? 1 : 20;
const BUILDINGS = Number(process.env.BENCH_LOAD_BUILDINGS) || (SMOKE ? 2000 : 200_000);
const DB_NAME = process.env.BENCH_LOAD_DB || (SMOKE ? 'gridatlas_bench_load_smoke' : 'gridatlas_bench_load');
const SIZES: Sizes = SMOKE
	? { mapUsers: 4, walls: 2, planners: 1, coverageReaders: 1, casesPerS: 10, casesPerPost: 2, thinkMs: [200, 400] }
	: // a feed posting every 50 ms: 100 single-case POSTs a second, each a transaction taking the ingest lock
		// in turn, fell behind on this shared machine and starved every process's connection pool
		{ mapUsers: 100, walls: 20, planners: 10, coverageReaders: 2, casesPerS: 100, casesPerPost: 5, thinkMs: [1000, 3000] };
const GOALS = { tiles_p95_ms: 50, api_p95_ms: 200, post_to_wall_p99_ms: 250, scale_2_vs_1: 1.6 };
const MARKER = 'bench_load_city';

const primaryUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
const replicaBase = process.env.BENCH_DATABASE_READ_URL || '';
if (!primaryUrl) {
	console.error('load: the server engine is measured: set BENCH_DATABASE_URL (or DATABASE_URL) to a PostgreSQL + PostGIS server');
	process.exit(2);
}
const inDatabase = (url: string, name: string) => {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
};
const dbUrl = inDatabase(primaryUrl, DB_NAME);
// The app's files, the tile store among them (src/lib/server/map/tile-store.ts), as a deployment keeps
// them: beside the reused city, across runs and processes. BENCH_LOAD_COLD_STORE=1 empties it first.
// A smoke run's are its own, removed at the end.
const STORE_HOME = SMOKE
	? fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-bench-load-smoke-'))
	: path.join(os.tmpdir(), `gridatlas-bench-load-files-${DB_NAME}`);
if (process.env.BENCH_LOAD_COLD_STORE === '1') fs.rmSync(STORE_HOME, { recursive: true, force: true });
fs.mkdirSync(STORE_HOME, { recursive: true });
const readUrl = replicaBase ? inDatabase(replicaBase, DB_NAME) : undefined;

async function ensureCity(): Promise<string> {
	const admin = await openDb({ databaseUrl: primaryUrl, migrate: false });
	if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).length === 0) await admin.exec(`CREATE DATABASE ${DB_NAME}`);
	await admin.close();
	const db = await openDb({ databaseUrl: dbUrl });
	try {
		const want = { buildings: BUILDINGS, seed: 1 };
		const [row] = await db.query<{ value: typeof want }>('SELECT value FROM app_settings WHERE key = $1', [MARKER]);
		if (row?.value.buildings === want.buildings) {
			// every invocation starts from the same city: the cases and plans of earlier runs removed
			await db.exec('TRUNCATE cases, case_events, plan_revisions CASCADE');
			return `reused (${BUILDINGS.toLocaleString('en')} buildings; earlier runs' cases and plans removed)`;
		}
		const t0 = performance.now();
		console.log(`  generating the synthetic city (${BUILDINGS.toLocaleString('en')} buildings) once…`);
		await db.exec('TRUNCATE cases, case_events, plan_revisions, buildings, grids, grid_history, communities, subdistricts CASCADE');
		await writeSynthCity(db, { buildings: BUILDINGS, seed: 1 });
		await db.query(`INSERT INTO app_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
			MARKER,
			JSON.stringify(want)
		]);
		await db.exec('ANALYZE');
		return `generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
	} finally {
		await db.close();
	}
}

async function cityFacts(db: Db): Promise<CityFacts> {
	const views = await db.query<CityFacts['views'][number]>(
		`SELECT ST_X(p) AS lon, ST_Y(p) AS lat, code AS grid, community_code AS community, name
		 FROM (SELECT code, community_code, name, ST_PointOnSurface(geom) AS p FROM grids ORDER BY md5(code) LIMIT 400) g`
	);
	// one community each, across the city (the planners sign in with city-wide rights)
	const plans = await db.query<{ code: string }>(
		`SELECT c.code FROM communities c WHERE EXISTS (SELECT 1 FROM grids g WHERE g.community_code = c.code) ORDER BY md5(c.code) LIMIT $1`,
		[SIZES.planners]
	);
	const subs = await db.query<{ code: string }>('SELECT code FROM subdistricts ORDER BY code LIMIT 20');
	const rules = await db.query<{ id: string }>('SELECT id FROM coverage_rules WHERE enabled ORDER BY id LIMIT 1');
	return { views, planCommunities: plans.map((p) => p.code), subdistricts: subs.map((s) => s.code), rules: rules.map((r) => r.id) };
}

interface Measured {
	label: string;
	errors: number;
	tilesP95: number;
	apiP95: number;
	writeP95: number;
	ingestP95: number;
	wallP99: number;
	deliveries: number;
	requestsPerS: number;
	replicaReads?: number;
}

type Cookies = Parameters<typeof runWorkload>[0]['cookies'];
type Running = { app: AppServer; cookies: Cookies };

async function measure(label: string, { app, cookies }: Running, city: CityFacts, sizes: Sizes, seconds: number, seed: number): Promise<Measured> {
	const stats = new Stats();
	const cpu0 = os.cpus().map((c) => c.times);
	const share0 = sampleCpu(app.pid);
	const { requests, seconds: took } = await runWorkload({ base: app.url, cookies, sizes, city, seconds, seed }, stats);
	const cores = cpuCores(share0, sampleCpu(app.pid));
	const busy = os.cpus().map((c, i) => {
		const d = (k: keyof typeof c.times) => c.times[k] - cpu0[i][k];
		const total = d('user') + d('nice') + d('sys') + d('idle') + d('irq');
		return total ? 1 - d('idle') / total : 0;
	});
	const m: Measured = {
		label,
		errors: stats.errors.length,
		tilesP95: quantile(stats.ms.tile, 0.95),
		apiP95: quantile(stats.ms.api, 0.95),
		writeP95: quantile(stats.ms.write, 0.95),
		ingestP95: quantile(stats.ms.ingest, 0.95),
		wallP99: quantile(stats.wallMs, 0.99),
		deliveries: stats.wallMs.length,
		requestsPerS: requests / took
	};
	// Errors: what the server printed (a process that exited, a refused request) says why.
	if (m.errors > 0)
		console.log(
			`  ${label}: server log (last 40 lines):\n${app
				.log()
				.split('\n')
				.slice(-40)
				.map((l) => `    | ${l}`)
				.join('\n')}`
		);
	const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
	console.log(
		`  ${label}: ${requests.toLocaleString('en')} requests in ${took.toFixed(0)} s = ${m.requestsPerS.toFixed(0)}/s · errors ${m.errors} · ` +
			`tiles p95 ${f(m.tilesP95)} ms (${stats.ms.tile.length}) · page APIs p95 ${f(m.apiP95)} ms (${stats.ms.api.length}) · ` +
			`plan saves p95 ${f(m.writeP95)} ms · case POST p95 ${f(m.ingestP95)} ms · POST → wall p99 ${f(m.wallP99)} ms (${m.deliveries} deliveries) · ` +
			`CPU busy ${busy.map((b) => `${Math.round(b * 100)}%`).join('/')} (cores used: app ${cores.app}, PostgreSQL ${cores.database}, load generator ${cores.load})`
	);
	return m;
}

async function health(app: AppServer) {
	return (await (await fetch(`${app.url}/api/health`)).json()) as { replica?: { state: string; reads: { replica: number; fallback: number } } };
}

async function withApp<T>(workers: number, withReplica: boolean, fn: (running: Running) => Promise<T>): Promise<T> {
	const app = await startApp({
		database: dbUrl,
		dataDir: STORE_HOME,
		readDatabase: withReplica ? readUrl : undefined,
		workers,
		demo: false,
		timeoutMs: 300_000,
		env: { GRIDATLAS_DEMO_ACCOUNTS: 'on', GRIDATLAS_INGEST_PER_MINUTE: '1000000', GRIDATLAS_LOGIN_PER_MINUTE: '100000' }
	});
	try {
		const cookies: Cookies = {
			admin: await sessionCookie(app.url, 'admin'),
			// the demo planner may edit one subdistrict only; these plan across the city
			planner: await sessionCookie(app.url, 'admin'),
			leader: await sessionCookie(app.url, 'leader'),
			viewer: await sessionCookie(app.url, 'viewer')
		};
		// every process ready and warm (its own coverage of the city) before timing
		await warm(app.url, '/api/coverage', cookies.viewer, workers * 4);
		return await fn({ app, cookies });
	} finally {
		await app.stop({ keepData: true });
	}
}

console.log(
	`load: ${SMOKE ? 'SMOKE run, ' : ''}${SECONDS} s per run; ${os.cpus().length} cores, load average ${os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')} (a shared machine: other work takes cores too)`
);
console.log(
	`  workload: ${SIZES.mapUsers} map users (pause ${SIZES.thinkMs.join('–')} ms), ${SIZES.walls} wall screens, ${SIZES.planners} planners, ` +
		`${SIZES.coverageReaders} coverage readers, ingest ${SIZES.casesPerS} cases/s (${SIZES.casesPerPost} a POST)`
);
ensureBuild();
console.log(`  city: ${await ensureCity()}`);
const storeFolder = process.env.GRIDATLAS_TILE_STORE || path.join(STORE_HOME, 'tiles');
const storedTiles = fs.existsSync(storeFolder) ? (fs.readdirSync(storeFolder, { recursive: true }) as string[]).filter((f) => f.endsWith('.mvt')).length : 0;
console.log(`  tile store: ${storeFolder === 'off' ? 'off' : `${storedTiles.toLocaleString('en')} tiles at the start (${storeFolder})`}`);
const factsDb = await openDb({ databaseUrl: dbUrl, migrate: false });
const city = await cityFacts(factsDb);
await factsDb.close();

const runs: Measured[] = [];
const busy: Record<number, Measured> = {};
const busySizes: Sizes = { ...SIZES, thinkMs: [0, 0] };
let seed = 1;
for (const workers of [1, 2]) {
	await withApp(workers, false, async (running) => {
		runs.push(await measure(`${workers} process${workers > 1 ? 'es' : ''}`, running, city, SIZES, SECONDS, seed++));
		busy[workers] = await measure(`${workers} process${workers > 1 ? 'es' : ''}, map users without pauses`, running, city, busySizes, BUSY_SECONDS, seed++);
	});
}
let replicaOk: boolean | null = null;
if (readUrl) {
	await withApp(2, true, async (running) => {
		const { app } = running;
		const before = (await health(app)).replica?.reads.replica ?? 0;
		const m = await measure('2 processes + replica', running, city, SIZES, SECONDS, seed++);
		const h = await health(app);
		m.replicaReads = (h.replica?.reads.replica ?? 0) - before;
		console.log(`    replica: ${h.replica?.state}; reads there (this process) ${m.replicaReads}, repeated on the primary ${h.replica?.reads.fallback}`);
		replicaOk = m.errors === 0 && m.replicaReads > 0;
		runs.push(m);
	});
} else console.log('  (no BENCH_DATABASE_READ_URL: the replica run is skipped; scripts/make-replica.sh makes one on port 5433)');

const worst = (k: keyof Measured) => Math.max(...runs.map((r) => Number(r[k])).filter(Number.isFinite));
const scale = busy[2].requestsPerS / busy[1].requestsPerS;
console.log(
	`  busy: 1 process ${busy[1].requestsPerS.toFixed(0)} requests/s (tiles p95 ${busy[1].tilesP95.toFixed(0)} ms), ` +
		`2 processes ${busy[2].requestsPerS.toFixed(0)}/s (tiles p95 ${busy[2].tilesP95.toFixed(0)} ms): ×${scale.toFixed(2)} (goal ≥ ${GOALS.scale_2_vs_1})`
);
const result = {
	errors: runs.reduce((a, r) => a + r.errors, 0) + busy[1].errors + busy[2].errors,
	tiles_p95_ms: Number(worst('tilesP95').toFixed(1)),
	api_p95_ms: Number(worst('apiP95').toFixed(1)),
	post_to_wall_p99_ms: Number(worst('wallP99').toFixed(1)),
	scale_2_vs_1: Number(scale.toFixed(2)),
	replica_ok: replicaOk
};
for (const [k, goal] of Object.entries(GOALS)) {
	const v = result[k as keyof typeof result] as number;
	const met = k === 'scale_2_vs_1' ? v >= goal : v <= goal;
	console.log(`  ${k}: ${v} (goal ${k === 'scale_2_vs_1' ? '≥' : '≤'} ${goal}: ${met ? 'met' : 'NOT met on this machine'})`);
}
console.log(`RESULT ${JSON.stringify(result)}`);
if (SMOKE) fs.rmSync(STORE_HOME, { recursive: true, force: true });
process.exit(0);

// npm run bench -- worker
// The grid workers' phones at the morning peak (issue 17): 1,000 workers each sending one report with
// a 300 kB photo (and its 30 kB thumbnail) over one minute, against the production build — the two
// requests a queued report becomes (POST /api/worker/reports, then POST /api/cases/<id>/photos),
// arrivals spread evenly over the minute. The embedded engine always; the server engine too with
// BENCH_DATABASE_URL (or DATABASE_URL; a database of its own, created once and emptied).
// The workers share the demo worker's account and grid (one session per 50 workers): what is measured
// is the server's path for each report, not sign-ins.
// Ends with RESULT {"reports_per_s","p99_ms","photo_bytes_on_disk_ratio","pglite":{…},"postgres":{…}|null}:
// reports_per_s = reports completed (both requests 2xx) ÷ seconds from the first arrival to the last
// answer; p99_ms = 99th percentile of a report's time (report + photo); photo_bytes_on_disk_ratio =
// bytes in the photo directory ÷ photo and thumbnail bytes uploaded (1.0: stored as sent, nothing
// duplicated). The top-level keys are the slower engine's (reports_per_s, p99_ms) and the embedded
// engine's ratio.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke; tests/benches/worker.test.ts): 20 workers over 2 s.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/lib/server/db';
import { ensureBuild, startApp, type AppServer } from '../../tests/browser/helpers/app-server';
import { sessionCookie } from '../../tests/browser/helpers/session';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const WORKERS = Number(process.env.BENCH_WORKER_COUNT) || (SMOKE ? 20 : 1000);
const SECONDS = Number(process.env.BENCH_WORKER_SECONDS) || (SMOKE ? 2 : 60);
const PHOTO_BYTES = 300 * 1024;
const THUMB_BYTES = 30 * 1024;

/** A "photo": a JPEG signature and random (incompressible, like real JPEG data) bytes. */
function jpeg(bytes: number): Uint8Array {
	const b = new Uint8Array(bytes);
	crypto.randomFillSync(b);
	b.set([0xff, 0xd8, 0xff, 0xe0], 0);
	b.set([0xff, 0xd9], bytes - 2);
	return b;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
};

function dirBytes(dir: string): number {
	let n = 0;
	if (!fs.existsSync(dir)) return 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		n += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
	}
	return n;
}

interface EngineResult {
	reports_per_s: number;
	p99_ms: number;
	p50_ms: number;
	errors: number;
	photo_bytes_on_disk_ratio: number;
}

async function run(app: AppServer, photoDir: string): Promise<EngineResult> {
	const who = await (await fetch(`${app.url}/api/session`, { headers: { cookie: await sessionCookie(app.url, 'worker') } })).json();
	const grid: string = who.principal.units[0];
	const grids = await (await app.fetch(`${app.url}/api/layers/grids?labels=1`)).json();
	const [lon, lat] = grids.features.find((f: { properties: { code: string } }) => f.properties.code === grid).geometry.coordinates as [number, number];
	const cookies = await Promise.all(Array.from({ length: Math.ceil(WORKERS / 50) }, () => sessionCookie(app.url, 'worker')));
	const photo = jpeg(PHOTO_BYTES);
	const thumb = jpeg(THUMB_BYTES);
	const times: number[] = [];
	let errors = 0;
	let uploaded = 0;
	const before = dirBytes(photoDir);
	const t0 = performance.now();
	const one = async (i: number) => {
		await new Promise((r) => setTimeout(r, (i * SECONDS * 1000) / WORKERS));
		const cookie = cookies[i % cookies.length];
		const id = `bench-${process.pid}-${i.toString(36).padStart(4, '0')}`;
		const start = performance.now();
		const headers = { cookie, origin: app.url };
		const r1 = await fetch(`${app.url}/api/worker/reports`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({
				id,
				subclass: 'E0102',
				lon: lon + ((i % 7) - 3) * 1e-6,
				lat,
				accuracy: 10,
				description: `bench ${i}`,
				reported_at: new Date().toISOString()
			})
		});
		await r1.arrayBuffer();
		if (!r1.ok) return void errors++;
		const form = new FormData();
		form.set('id', `p-${id}`);
		form.set('photo', new Blob([photo as Uint8Array<ArrayBuffer>]), 'photo.jpg');
		form.set('thumb', new Blob([thumb as Uint8Array<ArrayBuffer>]), 'thumb.jpg');
		const r2 = await fetch(`${app.url}/api/cases/${id}/photos`, { method: 'POST', headers, body: form });
		await r2.arrayBuffer();
		if (!r2.ok) return void errors++;
		uploaded += PHOTO_BYTES + THUMB_BYTES;
		times.push(performance.now() - start);
	};
	await Promise.all(Array.from({ length: WORKERS }, (_, i) => one(i)));
	const seconds = (performance.now() - t0) / 1000;
	const stored = dirBytes(photoDir) - before;
	return {
		reports_per_s: Math.round((times.length / seconds) * 10) / 10,
		p99_ms: Math.round(quantile(times, 0.99)),
		p50_ms: Math.round(quantile(times, 0.5)),
		errors,
		photo_bytes_on_disk_ratio: uploaded ? Math.round((stored / uploaded) * 1000) / 1000 : NaN
	};
}

async function engine(database?: string): Promise<EngineResult> {
	const photoDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'gridatlas-bench-photos-'));
	const app = await startApp({ database, env: { GRIDATLAS_PHOTO_DIR: photoDir, GRIDATLAS_INGEST_PER_MINUTE: '1000000' } });
	try {
		return await run(app, photoDir);
	} finally {
		await app.stop();
		fs.rmSync(photoDir, { recursive: true, force: true });
	}
}

async function serverDatabase(): Promise<string | undefined> {
	const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
	if (!url) return undefined;
	const name = 'gridatlas_bench_worker';
	const admin = await openDb({ databaseUrl: url, migrate: false });
	await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
	await admin.exec(`CREATE DATABASE ${name}`);
	await admin.close();
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

ensureBuild();
console.log(`worker: ${WORKERS} workers × one report with a ${PHOTO_BYTES / 1024} kB photo (+ ${THUMB_BYTES / 1024} kB thumbnail) over ${SECONDS} s`);
const pglite = await engine();
console.log(
	`  embedded: ${pglite.reports_per_s} reports/s, p50 ${pglite.p50_ms} ms, p99 ${pglite.p99_ms} ms, ${pglite.errors} errors, on disk ${pglite.photo_bytes_on_disk_ratio} × uploaded`
);
const db = await serverDatabase();
const postgres = db ? await engine(db) : null;
if (postgres)
	console.log(
		`  server:   ${postgres.reports_per_s} reports/s, p50 ${postgres.p50_ms} ms, p99 ${postgres.p99_ms} ms, ${postgres.errors} errors, on disk ${postgres.photo_bytes_on_disk_ratio} × uploaded`
	);
else console.log('  server:   not measured (set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server)');
const slower = postgres && postgres.reports_per_s < pglite.reports_per_s ? postgres : pglite;
console.log(
	'RESULT ' +
		JSON.stringify({
			reports_per_s: slower.reports_per_s,
			p99_ms: Math.max(pglite.p99_ms, postgres?.p99_ms ?? 0),
			photo_bytes_on_disk_ratio: pglite.photo_bytes_on_disk_ratio,
			errors: pglite.errors + (postgres?.errors ?? 0),
			pglite,
			postgres
		})
);
process.exit(0);

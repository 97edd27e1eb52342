// npm run bench -- import [--smoke] [--buildings 1000000] [--only pglite|postgres]
// Importing a city's OSM extract (issue 23): a repeated extract of N buildings (the demo's real
// Xinjiekou buildings laid out copy after copy, with the synthetic city's boundaries already in the
// database) written as an OSM PBF file, then `gridatlas import <file> --layer buildings` in a process of
// its own, on the embedded engine and on PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL; a database of
// its own, dropped afterwards), its peak RSS read from /proc. Beside it, in the same run, osm2pgsql's
// full import of the same file into PostGIS (when osm2pgsql is installed and a server is given).
// Ends with RESULT {"buildings", "buildings_per_s", "vs_osm2pgsql", "peak_rss_mb", "embedded_s", …}.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import { writeSynthCity } from '../../src/lib/server/imports/synth';
import type { SynthCopy } from '$geo/synth';
import { OsmPbfWriter, type PbfWay } from './osm-pbf-writer';

const arg = (name: string, fallback: number) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const smoke = process.argv.includes('--smoke') || process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const N = arg('buildings', smoke ? 3_000 : 1_000_000);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-bench-import-'));
const pbfPath = path.join(work, `city-${N}.osm.pbf`);

/** Nodes and ways of the extract, gathered copy by copy, written when all are known (nodes before ways). */
class Extract {
	lon: number[] = [];
	lat: number[] = [];
	ways: PbfWay[] = [];

	add(buildings: SynthCopy['buildings']) {
		for (const b of buildings) {
			const ring = b.geometry.type === 'Polygon' ? b.geometry.coordinates[0] : b.geometry.coordinates[0][0];
			const first = this.lon.length + 1;
			const nodes: number[] = [];
			for (const [x, y] of ring.slice(0, -1)) {
				this.lon.push(x);
				this.lat.push(y);
				nodes.push(this.lon.length);
			}
			nodes.push(first);
			const tags: Record<string, string> = { building: 'yes' };
			if (b.levels !== undefined) tags['building:levels'] = String(b.levels);
			if (b.name) tags.name = b.name;
			this.ways.push({ id: this.ways.length + 1, nodes, tags });
		}
	}

	write(file: string) {
		const writer = new OsmPbfWriter(file);
		writer.nodes(
			Array.from(this.lon, (_, i) => i + 1),
			this.lon,
			this.lat
		);
		writer.ways(this.ways);
		writer.close();
	}
}

/** The synthetic city's boundaries in `db`; the first time, its buildings into the PBF file. */
let written = false;
async function prepare(db: Db) {
	const extract = written ? null : new Extract();
	const t0 = performance.now();
	await writeSynthCity(db, { buildings: N, buildingsTo: (b) => extract?.add(b) });
	if (extract) {
		extract.write(pbfPath);
		written = true;
		console.log(`extract: ${extract.ways.length} buildings, ${extract.lon.length} nodes, ${(fs.statSync(pbfPath).size / 1e6).toFixed(1)} MB PBF`);
	}
	console.log(`boundaries written in ${Math.round(performance.now() - t0)} ms`);
}

/** Runs a command, polling its peak RSS (VmHWM) until it exits; seconds and MB. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ s: number; peakMb: number | null; out: string }> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let peakKb: number | null = null;
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const poll = setInterval(() => {
			try {
				const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
				if (hwm) peakKb = Math.max(peakKb ?? 0, Number(hwm[1]));
			} catch {
				/* gone, or not Linux */
			}
		}, 50);
		child.on('error', reject);
		child.on('close', (code) => {
			clearInterval(poll);
			if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-3000)}`));
			resolve({ s: (performance.now() - t0) / 1000, peakMb: peakKb === null ? null : Math.round(peakKb / 1024), out });
		});
	});
}

async function importWithCli(env: NodeJS.ProcessEnv, count: () => Promise<number>) {
	const run = await timed(process.execPath, ['bin/gridatlas.js', 'import', pbfPath, '--layer', 'buildings'], env);
	const stored = await count();
	if (stored !== N) throw new Error(`the import stored ${stored} buildings of ${N}:\n${run.out.slice(-3000)}`);
	return run;
}

const cliEnv = (extra: Record<string, string>) => {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	for (const k of ['DATABASE_URL', 'DATABASE_READ_URL', 'GRIDATLAS_DATA_DIR']) if (!(k in extra)) delete env[k];
	return env;
};

const result: Record<string, number | null> = { buildings: N };
try {
	if (only !== 'postgres') {
		const dataDir = path.join(work, 'data');
		// The command line's embedded database lives in <GRIDATLAS_DATA_DIR>/pglite.
		const pgliteDir = path.join(dataDir, 'pglite');
		const db = await openDb({ dataDir: pgliteDir });
		await prepare(db);
		await db.close();
		const run = await importWithCli(cliEnv({ GRIDATLAS_DATA_DIR: dataDir }), async () => {
			const check = await openDb({ dataDir: pgliteDir, migrate: false });
			const [{ n }] = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM buildings');
			await check.close();
			return n;
		});
		result.embedded_s = +run.s.toFixed(1);
		result.embedded_peak_rss_mb = run.peakMb;
		console.log(`embedded: ${N} buildings in ${run.s.toFixed(1)} s (${Math.round(N / run.s)}/s), peak RSS ${run.peakMb} MB`);
	}

	const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
	if (serverUrl && only !== 'pglite') {
		const admin = await openDb({ databaseUrl: serverUrl, migrate: false });
		const urlFor = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
		const ours = `gridatlas_bench_import_${process.pid}`;
		const theirs = `gridatlas_bench_osm2pgsql_${process.pid}`;
		try {
			for (const name of [ours, theirs]) {
				await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
				await admin.exec(`CREATE DATABASE ${name}`);
				const db = await openDb({ databaseUrl: urlFor(name), migrate: false });
				await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
				await db.close();
			}
			const db = await openDb({ databaseUrl: urlFor(ours) });
			await prepare(db);
			const run = await importWithCli(cliEnv({ DATABASE_URL: urlFor(ours) }), async () => {
				const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM buildings');
				return n;
			});
			await db.close();
			result.server_s = +run.s.toFixed(1);
			result.buildings_per_s = Math.round(N / run.s);
			result.server_peak_rss_mb = run.peakMb;
			console.log(`PostgreSQL: ${N} buildings in ${run.s.toFixed(1)} s (${result.buildings_per_s}/s), peak RSS ${run.peakMb} MB`);

			let osm2pgsql: string | null = null;
			try {
				osm2pgsql = execFileSync('sh', ['-c', 'command -v osm2pgsql'], { encoding: 'utf8' }).trim() || null;
			} catch {
				osm2pgsql = null;
			}
			if (osm2pgsql) {
				const u = new URL(serverUrl);
				const args = ['--create', '-d', theirs, '-H', u.hostname, '-P', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), pbfPath];
				const peer = await timed(osm2pgsql, args, { ...process.env, PGPASSWORD: decodeURIComponent(u.password) });
				result.osm2pgsql_s = +peer.s.toFixed(1);
				result.vs_osm2pgsql = +(run.s / peer.s).toFixed(2);
				console.log(`osm2pgsql (all layers, same file, same server): ${peer.s.toFixed(1)} s — ours ${result.vs_osm2pgsql}× its time (goal ≤ 2×)`);
			} else console.log('osm2pgsql is not installed: no comparison (apt-get install osm2pgsql)');
		} finally {
			for (const name of [ours, theirs]) await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.close();
		}
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}

result.buildings_per_s ??= result.embedded_s ? Math.round(N / result.embedded_s) : null;
// Every key in every run (null: not measured here), so the RESULT line has one shape.
for (const key of ['vs_osm2pgsql', 'embedded_s', 'embedded_peak_rss_mb', 'server_s', 'server_peak_rss_mb', 'osm2pgsql_s']) result[key] ??= null;
const peaks = [result.embedded_peak_rss_mb, result.server_peak_rss_mb].filter((v): v is number => typeof v === 'number');
result.peak_rss_mb = peaks.length ? Math.max(...peaks) : null;
console.log(`goals: ≤ 60 s embedded, ≤ 2× osm2pgsql on the server, peak RSS ≤ 1024 MB`);
console.log(`RESULT ${JSON.stringify(result)}`);

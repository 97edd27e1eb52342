// `gridatlas backup` / `restore`: round trips on the embedded engine (library and CLI) and, with
// TEST_DATABASE_URL, on the server (pg_dump → pg_restore into a second throwaway database); and the
// refusals — missing, corrupt or foreign files, a non-empty target without --force, a data
// directory the running app holds — each leaving the target untouched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type Queryable } from '../src/lib/server/db';
import { backup, BackupError, restore, type BackupErrorCode } from '../src/lib/server/backup';
import { compressedZeros, GiB, MiB } from './security/bombs';

const SD = '320102001';
const COMM = '320102001001';
const G1 = `${COMM}001`;
const G2 = `${COMM}002`;
const square = (lon: number, lat: number, d: number) =>
	JSON.stringify({
		type: 'MultiPolygon',
		coordinates: [
			[
				[
					[lon, lat],
					[lon + d, lat],
					[lon + d, lat + d],
					[lon, lat + d],
					[lon, lat]
				]
			]
		]
	});
const GRID1_WKT = 'MULTIPOLYGON(((118.78 32.04,118.79 32.04,118.79 32.05,118.78 32.05,118.78 32.04)))';
const EXPECTED = { subdistricts: 1, communities: 1, grids: 2, buildings: 3, cases: 2 };

async function seed(db: Queryable): Promise<void> {
	await db.query(`INSERT INTO subdistricts (code, name, geom) VALUES ($1, '备份街道', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`, [
		SD,
		square(118.78, 32.04, 0.02)
	]);
	await db.query(
		`INSERT INTO communities (code, subdistrict_code, name, households, geom) VALUES ($1, $2, '备份社区', 1234, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))`,
		[COMM, SD, square(118.78, 32.04, 0.02)]
	);
	await db.query(
		`INSERT INTO grids (code, community_code, seq, name, geom) VALUES
		 ($1, $3, 1, '一网格', ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), ($2, $3, 2, '二网格', ST_SetSRID(ST_GeomFromGeoJSON($5), 4326))`,
		[G1, G2, COMM, square(118.78, 32.04, 0.01), square(118.79, 32.04, 0.01)]
	);
	for (const [i, lon, grid, households] of [
		[1, 118.781, G1, 120],
		[2, 118.785, G1, 80],
		[3, 118.791, G2, 45]
	] as const) {
		await db.query(
			`INSERT INTO buildings (source_id, geom, footprint_m2, households, community_code, grid_code)
			 VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 100, $3, $4, $5)`,
			[`b${i}`, square(lon, 32.041, 0.0005), households, COMM, grid]
		);
	}
	for (const [i, lon, grid] of [
		[1, 118.7815, G1],
		[2, 118.7915, G2]
	] as const) {
		await db.query(
			`INSERT INTO cases (source_id, category, status, geom, community_code, grid_code)
			 VALUES ($1, 'environment', 'reported', ST_SetSRID(ST_MakePoint($2, 32.045), 4326), $3, $4)`,
			[`c${i}`, lon, COMM, grid]
		);
	}
}

/** What a round trip must preserve: counts, names, households, a geometry, the migrations applied. */
async function snapshot(db: Queryable) {
	const count = async (t: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
	const counts: Record<string, number> = {};
	for (const t of Object.keys(EXPECTED)) counts[t] = await count(t);
	const [grid] = await db.query<{ name: string; wkt: string; same: boolean }>(
		`SELECT name, ST_AsText(geom) AS wkt, ST_Equals(geom, ST_GeomFromText($2, 4326)) AS same FROM grids WHERE code = $1`,
		[G1, GRID1_WKT]
	);
	const [b] = await db.query<{ households: number; area: number }>(
		`SELECT sum(households)::int AS households, round(sum(ST_Area(geom::geography))::numeric, 1)::float8 AS area FROM buildings`
	);
	const [c] = await db.query<{ name: string; households: number }>('SELECT name, households FROM communities WHERE code = $1', [COMM]);
	const migrations = (await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name);
	return { counts, grid, households: b.households, buildingArea: b.area, community: c, migrations };
}

/** The database's tile store epoch (migrations/024): a restore makes a new one, so tiles stored before are never read again. */
async function tileStoreEpoch(db: Queryable): Promise<string> {
	const [row] = await db.query<{ epoch: string }>(`SELECT value #>> '{}' AS epoch FROM app_settings WHERE key = 'tile_store_epoch'`);
	return row.epoch;
}

async function rejects(p: Promise<unknown>, code: BackupErrorCode, message: RegExp): Promise<BackupError> {
	const err = await p.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(err, `expected BackupError ${code}`).toBeInstanceOf(BackupError);
	expect((err as BackupError).code).toBe(code);
	expect((err as BackupError).message).toMatch(message);
	return err as BackupError;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-backup-'));
const cli = (env: Record<string, string>, ...args: string[]) =>
	spawnSync(process.execPath, ['bin/gridatlas.js', ...args], {
		encoding: 'utf8',
		timeout: 120_000,
		env: { ...process.env, DATABASE_URL: '', ...env }
	});
/** Files and folders in a directory (to show that nothing was left behind). */
const ls = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('backup and restore (embedded engine)', () => {
	const srcHome = path.join(root, 'src'); // GRIDATLAS_DATA_DIR
	const srcDir = path.join(srcHome, 'pglite');
	const libFile = path.join(root, 'lib-backup.tar.gz');
	const cliFile = path.join(root, 'cli-backup.tar.gz');
	let original: Awaited<ReturnType<typeof snapshot>>;
	let originalEpoch: string;
	let sleeper: ChildProcess | undefined;

	beforeAll(async () => {
		const db = await openDb({ dataDir: srcDir });
		try {
			await seed(db);
			original = await snapshot(db);
			originalEpoch = await tileStoreEpoch(db);
		} finally {
			await db.close();
		}
		expect(original.counts).toEqual(EXPECTED);
		expect(original.grid.same).toBe(true);
		expect(originalEpoch).toMatch(/^[0-9a-f]{32}$/);
	});

	afterAll(() => {
		if (sleeper?.pid) process.kill(sleeper.pid);
	});

	it('backs up through the library: a gzip tarball of the data directory, with the counts saved', async () => {
		const r = await backup({ dataDir: srcDir, out: libFile });
		expect(r.engine).toBe('pglite');
		expect(r.file).toBe(libFile);
		expect(r.bytes).toBe(fs.statSync(libFile).size);
		expect(r.counts).toMatchObject(EXPECTED);
		const head = fs.readFileSync(libFile).subarray(0, 2);
		expect([...head]).toEqual([0x1f, 0x8b]);
		// The lock taken during the backup is released, and no partial file is left.
		expect(fs.existsSync(path.join(srcHome, 'gridatlas.pid'))).toBe(false);
		expect(ls(root).filter((f) => f.includes('partial'))).toEqual([]);
		// An existing file is not overwritten without --force.
		await rejects(backup({ dataDir: srcDir, out: libFile }), 'out_exists', /already exists.*--force/);
	}, 120_000);

	it('backs up through the CLI (GRIDATLAS_DATA_DIR) and prints file, size, engine and counts', () => {
		const r = cli({ GRIDATLAS_DATA_DIR: srcHome }, 'backup', '--out', cliFile);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain(`backup written: ${cliFile}`);
		expect(r.stdout).toMatch(/\d+(\.\d)? MB/);
		expect(r.stdout).toContain('embedded (PGlite)');
		expect(r.stdout).toContain('街道 subdistricts 1 · 社区 communities 1 · 网格 grids 2 · 建筑 buildings 3');
		expect(r.stdout).toContain('案件 cases 2');
		expect(fs.statSync(cliFile).size).toBeGreaterThan(100_000);
	}, 120_000);

	it('restores the CLI backup into a fresh directory through the CLI: same rows, same geometry', async () => {
		const home = path.join(root, 'restored-cli');
		const r = cli({ GRIDATLAS_DATA_DIR: home }, 'restore', cliFile);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain(`→ ${path.join(home, 'pglite')}`);
		expect(r.stdout).toContain('网格 grids 2 · 建筑 buildings 3');
		// Only the database directory is left: no temporary directory, no lock file.
		expect(ls(home)).toEqual(['pglite']);
		const db = await openDb({ dataDir: path.join(home, 'pglite'), migrate: false });
		try {
			const restored = await snapshot(db);
			expect(restored).toEqual(original);
			expect(restored.grid).toEqual({ name: '一网格', wkt: GRID1_WKT, same: true });
			expect(restored.community).toEqual({ name: '备份社区', households: 1234 });
			expect(restored.households).toBe(245);
			expect(await tileStoreEpoch(db)).toMatch(/^[0-9a-f]{32}$/);
			expect(await tileStoreEpoch(db)).not.toBe(originalEpoch);
			// The restored database is a working one: it takes writes and spatial queries.
			await db.query(`INSERT INTO cases (source_id, category, geom) VALUES ('c3', 'environment', ST_SetSRID(ST_MakePoint(118.795, 32.045), 4326))`);
			const [hit] = await db.query<{ code: string }>(`SELECT code FROM grids WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(118.795, 32.045), 4326))`);
			expect(hit.code).toBe(G2);
		} finally {
			await db.close();
		}
	}, 180_000);

	it('restores the library backup into a directory that does not exist yet, parents included', async () => {
		const dir = path.join(root, 'fresh', 'nested', 'pglite');
		const r = await restore({ file: libFile, dataDir: dir });
		expect(r).toMatchObject({ engine: 'pglite', target: dir, replaced: false });
		expect(r.counts).toMatchObject(EXPECTED);
		expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
		expect(ls(path.dirname(dir))).toEqual(['pglite']);
	}, 120_000);

	it('refuses a missing file, a file that is not a backup, a damaged backup and a server dump — writing nothing', async () => {
		const dir = path.join(root, 'never', 'pglite');
		await rejects(restore({ file: path.join(root, 'missing.tar.gz'), dataDir: dir }), 'not_found', /no such backup file/);

		const notes = path.join(root, 'notes.txt');
		fs.writeFileSync(notes, 'grid list, not a backup\n');
		await rejects(restore({ file: notes, dataDir: dir }), 'not_a_backup', /notes\.txt is not a GridAtlas backup/);
		const emptyFile = path.join(root, 'empty.tar.gz');
		fs.writeFileSync(emptyFile, '');
		await rejects(restore({ file: emptyFile, dataDir: dir }), 'not_a_backup', /the file is empty/);

		// A gzip, but of a text file; a tar.gz, but of some other folder.
		const gz = path.join(root, 'notes.txt.gz');
		fs.writeFileSync(gz, zlib.gzipSync('hello '.repeat(500)));
		await rejects(restore({ file: gz, dataDir: dir }), 'not_a_backup', /does not hold a tar archive/);
		const otherTar = path.join(root, 'other.tar.gz');
		const tarDir = path.join(root, 'tar-src');
		fs.mkdirSync(tarDir);
		fs.writeFileSync(path.join(tarDir, 'readme.md'), '# not a database\n');
		expect(spawnSync('tar', ['-czf', otherTar, '-C', tarDir, '.']).status).toBe(0);
		await rejects(restore({ file: otherTar, dataDir: dir }), 'not_a_backup', /no PG_VERSION, global\/pg_control/);

		// The real backup cut in half, and with bytes flipped inside the compressed stream.
		const good = fs.readFileSync(libFile);
		const truncated = path.join(root, 'truncated.tar.gz');
		fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
		await rejects(restore({ file: truncated, dataDir: dir }), 'corrupt', /damaged or truncated: truncated\.tar\.gz .*nothing was written/);
		const flipped = Buffer.from(good);
		for (let i = 0; i < 64; i++) flipped[4000 + i * 997] ^= 0xff;
		const damaged = path.join(root, 'damaged.tar.gz');
		fs.writeFileSync(damaged, flipped);
		await rejects(restore({ file: damaged, dataDir: dir }), 'corrupt', /damaged or truncated/);

		// A gzip bomb: 1 GiB of zeros in 1 MB, refused a 100 MB in (a backup inflates ~10 ×), not inflated whole.
		const bomb = path.join(root, 'bomb.tar.gz');
		fs.writeFileSync(bomb, (await compressedZeros(GiB, 'gzip')).data);
		const before = process.memoryUsage().rss;
		await rejects(
			restore({ file: bomb, dataDir: dir }),
			'too_large',
			/bomb\.tar\.gz inflates to more than the \d+ MB limit .*a backup is about 10 × its \.tar\.gz\); nothing was written/
		);
		expect(process.memoryUsage().rss - before).toBeLessThan(400 * MiB);

		const dump = path.join(root, 'server.dump');
		fs.writeFileSync(dump, Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(200)]));
		await rejects(restore({ file: dump, dataDir: dir }), 'wrong_engine', /set DATABASE_URL/);

		expect(fs.existsSync(path.dirname(dir))).toBe(false);

		// The CLI says the same, exit code 1 (a refusal) or 2 (usage).
		const home = path.join(root, 'never-cli');
		const r = cli({ GRIDATLAS_DATA_DIR: home }, 'restore', truncated);
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/restore refused, nothing changed:\n {2}备份文件已损坏或不完整/);
		const missing = cli({ GRIDATLAS_DATA_DIR: home }, 'restore', path.join(root, 'missing.tar.gz'));
		expect(missing.status).toBe(1);
		expect(missing.stderr).toMatch(/no such backup file/);
		const usage = cli({ GRIDATLAS_DATA_DIR: home }, 'restore');
		expect(usage.status).toBe(2);
		expect(usage.stderr).toMatch(/give exactly one backup file[\s\S]*gridatlas restore <file> \[--force\]/);
		expect(fs.existsSync(home)).toBe(false);
	}, 120_000);

	it('will not back up an empty data directory (nothing to save)', async () => {
		await rejects(
			backup({ dataDir: path.join(root, 'nothing', 'pglite'), out: path.join(root, 'nothing.tar.gz') }),
			'no_database',
			/no embedded database to back up/
		);
		expect(fs.existsSync(path.join(root, 'nothing.tar.gz'))).toBe(false);
	});

	it('will not overwrite a non-empty target without --force; with --force replaces it', async () => {
		const home = path.join(root, 'occupied');
		const dir = path.join(home, 'pglite');
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'keep-me.txt'), 'precious');
		await rejects(restore({ file: libFile, dataDir: dir }), 'target_not_empty', /is not empty: add --force/);
		const refused = cli({ GRIDATLAS_DATA_DIR: home }, 'restore', libFile);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toMatch(/已有数据.*--force/);
		expect(ls(dir)).toEqual(['keep-me.txt']);
		expect(ls(home)).toEqual(['pglite']);

		const forced = cli({ GRIDATLAS_DATA_DIR: home }, 'restore', libFile, '--force');
		expect(forced.status, forced.stderr).toBe(0);
		expect(forced.stdout).toMatch(/replaced the existing data/);
		expect(forced.stdout).toContain('街道 subdistricts 1 · 社区 communities 1 · 网格 grids 2 · 建筑 buildings 3');
		expect(ls(dir)).not.toContain('keep-me.txt');
		expect(ls(dir)).toContain('PG_VERSION');
		expect(ls(home)).toEqual(['pglite']); // the old copy and the temporary directory are gone
	}, 120_000);

	it('refuses to back up or restore while the app holds the data directory', async () => {
		// Another live process (standing in for the running app) owns the pid file.
		sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
		const pidFile = path.join(srcHome, 'gridatlas.pid');
		fs.writeFileSync(pidFile, String(sleeper.pid));
		try {
			const out = path.join(root, 'while-running.tar.gz');
			await rejects(backup({ dataDir: srcDir, out }), 'in_use', new RegExp(`in use by the running app \\(pid ${sleeper.pid}\\)[\\s\\S]*stop the app`));
			expect(fs.existsSync(out)).toBe(false);
			await rejects(restore({ file: libFile, dataDir: srcDir, force: true }), 'in_use', /in use by the running app/);
			const r = cli({ GRIDATLAS_DATA_DIR: srcHome }, 'backup', '--out', out);
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/backup failed, no backup file written:[\s\S]*in use by the running app/);
			expect(fs.existsSync(out)).toBe(false);
			expect(fs.readFileSync(pidFile, 'utf8')).toBe(String(sleeper.pid)); // the app's claim is left alone
		} finally {
			fs.rmSync(pidFile, { force: true });
			sleeper.kill();
			sleeper = undefined;
		}
		// The source was not touched by the refused restore.
		const db = await openDb({ dataDir: srcDir, migrate: false });
		try {
			expect((await snapshot(db)).counts).toEqual(EXPECTED);
		} finally {
			await db.close();
		}
	}, 120_000);
});

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)('backup and restore (server engine, pg_dump / pg_restore)', () => {
	const name = `gridatlas_backup_test_${process.pid}`;
	const urlFor = (db: string) => {
		const u = new URL(serverUrl!);
		u.pathname = `/${db}`;
		u.search = '';
		return u.toString();
	};
	// Built only when the block runs (describe bodies are evaluated even when skipped).
	const srcUrl = serverUrl ? urlFor(`${name}_src`) : '';
	const dstUrl = serverUrl ? urlFor(`${name}_dst`) : '';
	const dumpFile = path.join(root, 'server.backup.dump');
	let original: Awaited<ReturnType<typeof snapshot>>;

	// CREATE / DROP DATABASE from the server's maintenance database, not the shared test database.
	const admin = async (sql: string[]) => {
		const db = await openDb({ databaseUrl: urlFor('postgres'), migrate: false });
		try {
			for (const s of sql) await db.exec(s);
		} finally {
			await db.close();
		}
	};
	const withDb = async <T>(url: string, fn: (db: Db) => Promise<T>, migrate = false): Promise<T> => {
		const db = await openDb({ databaseUrl: url, migrate });
		try {
			return await fn(db);
		} finally {
			await db.close();
		}
	};

	beforeAll(async () => {
		await admin([`DROP DATABASE IF EXISTS ${name}_src`, `DROP DATABASE IF EXISTS ${name}_dst`, `CREATE DATABASE ${name}_src`, `CREATE DATABASE ${name}_dst`]);
		await withDb(dstUrl, (db) => db.exec('CREATE EXTENSION IF NOT EXISTS postgis'));
		original = await withDb(
			srcUrl,
			async (db) => {
				await seed(db);
				return snapshot(db);
			},
			true
		);
		expect(original.counts).toEqual(EXPECTED);
	});

	afterAll(async () => {
		await admin([`DROP DATABASE IF EXISTS ${name}_src WITH (FORCE)`, `DROP DATABASE IF EXISTS ${name}_dst WITH (FORCE)`]);
	});

	it('pg_dump → pg_restore into a second database: same rows, same geometry', async () => {
		const r = await backup({ databaseUrl: srcUrl, out: dumpFile });
		expect(r.engine).toBe('postgres');
		expect(r.counts).toMatchObject(EXPECTED);
		expect(fs.readFileSync(dumpFile).subarray(0, 5).toString()).toBe('PGDMP');

		const back = await restore({ databaseUrl: dstUrl, file: dumpFile });
		expect(back).toMatchObject({ engine: 'postgres', replaced: false });
		expect(back.counts).toMatchObject(EXPECTED);
		const restored = await withDb(dstUrl, snapshot);
		expect(restored).toEqual(original);
		expect(restored.grid).toEqual({ name: '一网格', wkt: GRID1_WKT, same: true });
		const epochs = [await withDb(srcUrl, tileStoreEpoch), await withDb(dstUrl, tileStoreEpoch)];
		expect(epochs[1]).toMatch(/^[0-9a-f]{32}$/);
		expect(epochs[1]).not.toBe(epochs[0]);
	}, 120_000);

	it('through the CLI with DATABASE_URL: a .dump in the folder given, then refusals and --force', async () => {
		const outDir = path.join(root, 'server-cli');
		fs.mkdirSync(outDir);
		const r = cli({ DATABASE_URL: srcUrl }, 'backup', '--out', outDir);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/backup written: .*gridatlas-backup-\d{8}-\d{6}\.dump/);
		expect(r.stdout).toContain('PostgreSQL 服务器 server (pg_dump)');
		expect(r.stdout).toContain('网格 grids 2 · 建筑 buildings 3');
		const [file] = ls(outDir);
		const cliDump = path.join(outDir, file);

		// The target now has tables: refused without --force, and left as it was.
		await withDb(dstUrl, (db) => db.query(`DELETE FROM cases WHERE source_id = 'c2'`));
		const refused = cli({ DATABASE_URL: dstUrl }, 'restore', cliDump);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toMatch(/already has \d+ tables: add --force/);
		expect((await withDb(dstUrl, snapshot)).counts.cases).toBe(1);

		// A damaged dump: refused (or rolled back), the target unchanged.
		const good = fs.readFileSync(cliDump);
		const truncated = path.join(root, 'truncated.dump');
		fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 3)));
		const bad = await restore({ databaseUrl: dstUrl, file: truncated, force: true }).then(
			() => undefined,
			(e: unknown) => e
		);
		expect(bad).toBeInstanceOf(BackupError);
		expect(['corrupt', 'tool_failed']).toContain((bad as BackupError).code);
		expect((await withDb(dstUrl, snapshot)).counts.cases).toBe(1);

		// An embedded backup is not for the server.
		const tgz = path.join(root, 'embedded-like.tar.gz');
		fs.writeFileSync(tgz, zlib.gzipSync('x'));
		await rejects(restore({ databaseUrl: dstUrl, file: tgz }), 'wrong_engine', /unset DATABASE_URL/);

		const forced = cli({ DATABASE_URL: dstUrl }, 'restore', cliDump, '--force');
		expect(forced.status, forced.stderr).toBe(0);
		expect(forced.stdout).toMatch(/replaced the existing data/);
		expect(await withDb(dstUrl, snapshot)).toEqual(original);
	}, 180_000);
});

// Backup and restore for both engines.
//
// Server engine (DATABASE_URL=postgres://…): `pg_dump --format=custom` from PATH, taken inside an
// exported REPEATABLE READ snapshot so the printed row counts are exactly what the file holds;
// restore is `pg_restore --clean --if-exists --no-owner --single-transaction`, so a failed restore
// leaves the database as it was.
//
// Embedded engine (PGlite): the data directory belongs to one process (datadir-lock.ts). A backup
// refuses while the app holds it, otherwise marks it as ours, opens PGlite on it, runs CHECKPOINT and
// takes PGlite's own `dumpDataDir()` tarball (.tar.gz of PGDATA) — a consistent copy, because
// nothing else can write meanwhile. A restore checks the archive (gzip, tar checksums, PGDATA files),
// loads it into a temporary directory beside the target, opens it to prove it starts, and only then
// renames it into place: a refused or failed restore writes nothing where the data lives.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir, type EngineName, type Queryable } from './db';
import { claimDataDir, DataDirInUseError } from './datadir-lock';
import type { PGlite } from '@electric-sql/pglite';
import { inflateCapped } from '../../../geo/archive';
import { FileProblem } from '../../../geo/issues';
import { checkPhotoTar, PHOTO_TAR_SUFFIX, PhotoArchiveError, restorePhotoTar, writePhotoTar } from './worker/photo-archive';

export type BackupErrorCode =
	| 'in_use' // the embedded data directory is held by a running app
	| 'no_database' // nothing to back up
	| 'not_found' // the backup file does not exist
	| 'not_a_backup' // a file that is not a GridAtlas backup at all
	| 'corrupt' // a backup file that is truncated or damaged
	| 'too_large' // a .tar.gz that inflates far beyond what a backup does (a gzip bomb)
	| 'wrong_engine' // an embedded backup given to the server engine, or the reverse
	| 'target_not_empty' // restore would overwrite data (use --force)
	| 'out_exists' // the output file exists (use --force)
	| 'tool_missing' // pg_dump / pg_restore not on PATH
	| 'tool_failed'; // pg_dump / pg_restore failed

/** A refused or failed backup/restore, with a bilingual message a planner can act on. */
export class BackupError extends Error {
	constructor(
		readonly code: BackupErrorCode,
		message: string
	) {
		super(message);
		this.name = 'BackupError';
	}
}

/** The tables whose row counts a backup and a restore report (those that exist). */
export const KEY_TABLES = [
	['subdistricts', '街道'],
	['communities', '社区'],
	['grids', '网格'],
	['buildings', '建筑'],
	['facilities', '设施'],
	['cases', '案件'],
	['users', '用户']
] as const;

export interface BackupTarget {
	/** postgres://… → server engine; otherwise the embedded engine. */
	databaseUrl?: string;
	/** Embedded engine: the PGlite directory (`<GRIDATLAS_DATA_DIR>/pglite`, as openDb takes it). */
	dataDir?: string;
	/**
	 * The case photos' directory (files, not rows: saved beside the backup as `<file>.photos.tar`).
	 * Default: GRIDATLAS_PHOTO_DIR, else `photos` beside the embedded PGlite directory, else `<GRIDATLAS_DATA_DIR>/photos`.
	 */
	photoDir?: string;
}

/** Where the photos of a backup target live (see BackupTarget.photoDir). */
export function targetPhotoDir(t: BackupTarget): string {
	if (t.photoDir) return path.resolve(t.photoDir);
	if (process.env.GRIDATLAS_PHOTO_DIR) return path.resolve(process.env.GRIDATLAS_PHOTO_DIR);
	if (!t.databaseUrl) return path.join(path.dirname(path.resolve(t.dataDir ?? defaultDataDir())), 'photos');
	return path.resolve(process.env.GRIDATLAS_DATA_DIR ?? './data', 'photos');
}

export interface BackupOptions extends BackupTarget {
	/** Output file (or an existing directory to put the default name in). Default: the default name in cwd. */
	out?: string;
	/** Overwrite an existing output file. */
	force?: boolean;
	now?: Date;
}

export interface RestoreOptions extends BackupTarget {
	file: string;
	/** Replace a non-empty target (embedded directory, or a server database that already has tables). */
	force?: boolean;
}

export interface BackupResult {
	engine: EngineName;
	file: string;
	bytes: number;
	/** Where the data came from: the PGlite directory, or the server URL without its password. */
	source: string;
	/** Row counts of the KEY_TABLES that exist, as saved. */
	counts: Record<string, number>;
	/** Case photo files saved beside the backup (`<file>.photos.tar`; 0: none, no such file). */
	photos: number;
	durationMs: number;
}

export interface RestoreResult {
	engine: EngineName;
	file: string;
	bytes: number;
	/** Where the data went: the PGlite directory, or the server URL without its password. */
	target: string;
	/** True when a non-empty target was replaced (--force). */
	replaced: boolean;
	/** Row counts of the KEY_TABLES that exist, read back from the restored database. */
	counts: Record<string, number>;
	/** Case photo files restored from `<file>.photos.tar` (0 when the backup has none). */
	photos: number;
	durationMs: number;
}

export type ArchiveKind = 'pglite' | 'pg_dump';

const isServer = (t: BackupTarget): t is BackupTarget & { databaseUrl: string } => !!t.databaseUrl;

/** `gridatlas-backup-20250314-093000.tar.gz` (embedded) or `….dump` (server), local time. */
export function defaultBackupName(engine: EngineName, now = new Date()): string {
	const p = (n: number) => String(n).padStart(2, '0');
	const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
	return `gridatlas-backup-${stamp}${engine === 'postgres' ? '.dump' : '.tar.gz'}`;
}

export { formatBytes } from '../../../geo/archive';

/** "街道 subdistricts 3 · 社区 communities 12 · …" for the tables present. */
export function formatCounts(counts: Record<string, number>): string {
	const parts = KEY_TABLES.filter(([t]) => t in counts).map(([t, zh]) => `${zh} ${t} ${counts[t]}`);
	return parts.length ? parts.join(' · ') : '（无 GridAtlas 数据表 / no GridAtlas tables）';
}

/** A postgres URL with the password masked, for messages. */
export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return url.replace(/:[^:@/]*@/, ':***@');
	}
}

export async function countKeyTables(db: Queryable): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const [table] of KEY_TABLES) {
		const [{ present }] = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
		if (!present) continue;
		const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
		counts[table] = Number(n);
	}
	return counts;
}

// ---------------------------------------------------------------------------------------------
// Backup

export async function backup(options: BackupOptions = {}): Promise<BackupResult> {
	const engine: EngineName = isServer(options) ? 'postgres' : 'pglite';
	const out = resolveOut(options.out, engine, options.now);
	if (fs.existsSync(out) && !options.force) {
		throw new BackupError(
			'out_exists',
			`备份文件已存在：${out}（换一个 --out，或加 --force 覆盖） / the backup file already exists: ${out} (choose another --out, or add --force to overwrite)`
		);
	}
	fs.mkdirSync(path.dirname(out), { recursive: true });
	// Written beside the target and renamed at the end: a failed backup leaves no half file.
	const partial = `${out}.partial-${process.pid}`;
	const started = Date.now();
	try {
		const { counts, source } = isServer(options)
			? await dumpServer(options.databaseUrl, partial)
			: await dumpEmbedded(options.dataDir ?? defaultDataDir(), partial);
		fs.renameSync(partial, out);
		// The photos beside it (an older photo archive of the same name is replaced or removed).
		fs.rmSync(out + PHOTO_TAR_SUFFIX, { force: true });
		const photos = writePhotoTar(targetPhotoDir(options), out + PHOTO_TAR_SUFFIX);
		return { engine, file: out, bytes: fs.statSync(out).size, source, counts, photos, durationMs: Date.now() - started };
	} finally {
		fs.rmSync(partial, { force: true });
	}
}

function resolveOut(out: string | undefined, engine: EngineName, now?: Date): string {
	const name = defaultBackupName(engine, now);
	if (!out) return path.resolve(name);
	const resolved = path.resolve(out);
	// An existing directory, or a path ending in a slash: the default name inside it.
	if (/[\\/]$/.test(out) || (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory())) return path.join(resolved, name);
	return resolved;
}

async function dumpEmbedded(dataDir: string, file: string): Promise<{ counts: Record<string, number>; source: string }> {
	const dir = path.resolve(dataDir);
	if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
		throw new BackupError(
			'no_database',
			`没有可备份的内嵌数据库：${dir} 中没有数据（检查 GRIDATLAS_DATA_DIR） / no embedded database to back up in ${dir} (check GRIDATLAS_DATA_DIR)`
		);
	}
	const release = holdDataDir(dir);
	try {
		const pg = await openPglite(dir);
		try {
			const counts = await countKeyTables(wrapPglite(pg));
			// Flush everything to the data files so the copy needs no WAL replay on restore.
			await pg.exec('CHECKPOINT');
			const tarball = await pg.dumpDataDir('gzip');
			fs.writeFileSync(file, new Uint8Array(await tarball.arrayBuffer()));
			return { counts, source: dir };
		} finally {
			await pg.close();
		}
	} finally {
		release();
	}
}

async function dumpServer(url: string, file: string): Promise<{ counts: Record<string, number>; source: string }> {
	return withPgClient(url, async (client) => {
		// Counts and dump from the same snapshot: pg_dump --snapshot joins this transaction's view.
		await client.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		try {
			const [{ snapshot }] = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
			const counts = await countKeyTables(client);
			await runTool('pg_dump', ['--format=custom', `--file=${file}`, `--snapshot=${snapshot}`], url);
			return { counts, source: redactUrl(url) };
		} finally {
			await client.exec('ROLLBACK').catch(() => {});
		}
	});
}

// ---------------------------------------------------------------------------------------------
// Restore

export async function restore(options: RestoreOptions): Promise<RestoreResult> {
	const file = path.resolve(options.file);
	const started = Date.now();
	if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
		throw new BackupError('not_found', `备份文件不存在 / no such backup file: ${file}`);
	}
	const bytes = fs.statSync(file).size;
	const kind = archiveKind(file);
	// The photos beside it are checked before anything is written.
	if (fs.existsSync(file + PHOTO_TAR_SUFFIX)) {
		try {
			checkPhotoTar(file + PHOTO_TAR_SUFFIX);
		} catch (err) {
			if (err instanceof PhotoArchiveError) throw corrupt(file + PHOTO_TAR_SUFFIX, err.message, err.message);
			throw err;
		}
	}
	if (isServer(options)) {
		if (kind === 'pglite') {
			throw new BackupError(
				'wrong_engine',
				`${path.basename(file)} 是内嵌数据库的备份，不能恢复到 PostgreSQL 服务器：去掉 DATABASE_URL 后再恢复 / ` +
					`${path.basename(file)} is an embedded-database backup and cannot be restored into a PostgreSQL server: unset DATABASE_URL to restore it`
			);
		}
		const r = await restoreServer(options.databaseUrl, file, !!options.force);
		return { engine: 'postgres', file, bytes, ...r, photos: restorePhotos(file, options), durationMs: Date.now() - started };
	}
	if (kind === 'pg_dump') {
		throw new BackupError(
			'wrong_engine',
			`${path.basename(file)} 是 PostgreSQL 服务器的备份（pg_dump），不能恢复到内嵌数据库：设置 DATABASE_URL=postgres://… 后再恢复 / ` +
				`${path.basename(file)} is a PostgreSQL server backup (pg_dump) and cannot be restored into the embedded database: set DATABASE_URL=postgres://… to restore it`
		);
	}
	const r = await restoreEmbedded(options.dataDir ?? defaultDataDir(), file, !!options.force);
	return { engine: 'pglite', file, bytes, ...r, photos: restorePhotos(file, options), durationMs: Date.now() - started };
}

/** The photos saved beside a backup, if any, into the target's photo directory (replacing it). */
function restorePhotos(file: string, target: BackupTarget): number {
	const tar = file + PHOTO_TAR_SUFFIX;
	if (!fs.existsSync(tar)) return 0;
	try {
		return restorePhotoTar(tar, targetPhotoDir(target));
	} catch (err) {
		if (err instanceof PhotoArchiveError) throw corrupt(tar, err.message, err.message);
		throw err;
	}
}

const notABackup = (file: string, zh: string, en: string) =>
	new BackupError('not_a_backup', `${path.basename(file)} 不是 GridAtlas 备份（${zh}） / ${path.basename(file)} is not a GridAtlas backup (${en})`);

const corrupt = (file: string, zh: string, en: string) =>
	new BackupError(
		'corrupt',
		`备份文件已损坏或不完整：${path.basename(file)}（${zh}），未写入任何数据 / ` +
			`the backup file is damaged or truncated: ${path.basename(file)} (${en}); nothing was written`
	);

/** What a file looks like from its first bytes: PGlite tarball (gzip or tar), pg_dump custom archive. */
export function archiveKind(file: string): ArchiveKind {
	const fd = fs.openSync(file, 'r');
	const head = Buffer.alloc(512);
	let n: number;
	try {
		n = fs.readSync(fd, head, 0, 512, 0);
	} finally {
		fs.closeSync(fd);
	}
	if (n === 0) throw notABackup(file, '文件为空', 'the file is empty');
	if (n >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
	if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
	if (n >= 263 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
	throw notABackup(file, '既不是内嵌数据库的 .tar.gz，也不是 pg_dump 文件', 'neither an embedded-database .tar.gz nor a pg_dump archive');
}

interface TarEntry {
	name: string;
	type: 'file' | 'dir' | 'other';
	size: number;
}

/** Lists a tar archive, checking every header's checksum and that no entry runs past the end. */
export function listTar(tar: Uint8Array): TarEntry[] {
	const entries: TarEntry[] = [];
	const text = (a: number, b: number) =>
		Buffer.from(tar.subarray(a, b))
			.toString('utf8')
			.replace(/\0[\s\S]*$/, '');
	let off = 0;
	while (off + 512 <= tar.length) {
		const h = tar.subarray(off, off + 512);
		if (h.every((b) => b === 0)) return entries; // end-of-archive marker
		let sum = 0;
		for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
		const stored = parseInt(text(off + 148, off + 156).trim(), 8);
		if (stored !== sum) throw new Error(`tar header checksum mismatch at byte ${off}`);
		const size = parseInt(text(off + 124, off + 136).trim() || '0', 8);
		if (!Number.isFinite(size) || size < 0) throw new Error(`bad tar size at byte ${off}`);
		const prefix = text(off + 345, off + 500);
		const name = (prefix ? `${prefix}/` : '') + text(off, off + 100);
		const flag = String.fromCharCode(h[156]);
		const type = flag === '0' || flag === '\0' ? 'file' : flag === '5' ? 'dir' : 'other';
		off += 512 + Math.ceil(size / 512) * 512;
		if (off > tar.length) throw new Error(`entry ${name} runs past the end of the archive`);
		entries.push({ name: name.replace(/^\/+/, '').replace(/\/+$/, ''), type, size });
	}
	// PGlite's archives end with the zero blocks; missing them means the file was cut short.
	throw new Error('the archive ends without its end-of-archive marker');
}

/**
 * A PGlite backup inflates about 9–10 × (measured: a fresh database and one with 200,000 rows), so 100 ×
 * its .tar.gz (and at least 64 MiB) is room to spare; no running ratio check, as idle WAL segments
 * are all zeros. 4 GiB is the largest array Node 20 holds: the tar is held whole, so no real backup is larger.
 */
const BACKUP_MAX_RATIO = 100;
const BACKUP_FLOOR_BYTES = 64 * 1024 * 1024;
const MAX_TAR_BYTES = 2 ** 32 - 1;

/** The .tar.gz inflated within those caps: a gzip bomb is refused before it fills the memory. */
async function gunzipBackup(file: string, raw: Uint8Array): Promise<Uint8Array> {
	try {
		return await inflateCapped(raw, 'gzip', {
			what: path.basename(file),
			maxBytes: Math.min(MAX_TAR_BYTES, Math.max(BACKUP_FLOOR_BYTES, BACKUP_MAX_RATIO * raw.length))
		});
	} catch (err) {
		if (err instanceof FileProblem) {
			throw new BackupError(
				'too_large',
				`${err.text.zh}（备份约为压缩文件的 10 倍），未写入任何数据 / ${err.text.en} (a backup is about 10 × its .tar.gz); nothing was written`
			);
		}
		throw corrupt(file, `gzip 解压失败：${(err as Error).message}`, `gzip: ${(err as Error).message}`);
	}
}

/** Reads and checks an embedded-engine backup; returns the tarball bytes (uncompressed). */
export async function readEmbeddedArchive(file: string): Promise<Uint8Array> {
	const raw = fs.readFileSync(file);
	const tar = raw[0] === 0x1f && raw[1] === 0x8b ? await gunzipBackup(file, raw) : raw;
	let entries: TarEntry[];
	try {
		entries = listTar(tar);
	} catch (err) {
		// A gzip of something that is not a tar at all is simply not a backup.
		if (!Buffer.from(tar.subarray(257, 262)).equals(Buffer.from('ustar'))) {
			throw notABackup(file, '压缩包里不是 tar 归档', 'the gzip does not hold a tar archive');
		}
		throw corrupt(file, `tar 归档损坏：${(err as Error).message}`, `tar: ${(err as Error).message}`);
	}
	const names = new Map(entries.map((e) => [e.name, e]));
	if (entries.some((e) => e.name.split('/').includes('..'))) {
		throw notABackup(file, '归档含有 “..” 路径', 'the archive has “..” paths');
	}
	const missing = ['PG_VERSION', 'global/pg_control'].filter((n) => names.get(n)?.type !== 'file');
	if (missing.length || names.get('base')?.type !== 'dir') {
		const what = missing.length ? missing : ['base/'];
		throw notABackup(file, `tar 中没有数据库目录，缺少 ${what.join('、')}`, `the tar holds no database directory: no ${what.join(', ')}`);
	}
	return tar;
}

function isNonEmptyDir(dir: string): boolean {
	return fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0);
}

async function restoreEmbedded(dataDir: string, file: string, force: boolean): Promise<{ target: string; replaced: boolean; counts: Record<string, number> }> {
	const target = path.resolve(dataDir);
	const tar = await readEmbeddedArchive(file);
	const release = holdDataDir(target);
	const parent = path.dirname(target);
	const tag = `${process.pid}-${Date.now().toString(36)}`;
	const temp = path.join(parent, `.${path.basename(target)}.restore-${tag}`);
	const old = path.join(parent, `.${path.basename(target)}.old-${tag}`);
	try {
		const replaced = isNonEmptyDir(target);
		if (replaced && !force) {
			throw new BackupError(
				'target_not_empty',
				`目标数据目录 ${target} 已有数据：确认要用备份替换时加 --force（或设置另一个 GRIDATLAS_DATA_DIR） / ` +
					`the target data directory ${target} is not empty: add --force to replace it with the backup (or point GRIDATLAS_DATA_DIR elsewhere)`
			);
		}
		fs.mkdirSync(temp);
		let counts: Record<string, number>;
		try {
			const pg = await openPglite(temp, new File([tar as BlobPart], 'backup.tar', { type: 'application/x-tar' }));
			try {
				counts = await countKeyTables(wrapPglite(pg));
				await pg.exec('CHECKPOINT');
			} finally {
				await pg.close();
			}
		} catch (err) {
			if (err instanceof BackupError) throw err;
			const why = err instanceof Error ? err.message : String(err);
			throw corrupt(file, `数据库无法从归档启动：${why}`, `the database does not start from it: ${why}`);
		}
		// Swap: the old directory is moved aside first and put back if the new one cannot go in.
		if (fs.existsSync(target)) fs.renameSync(target, old);
		try {
			fs.renameSync(temp, target);
		} catch (err) {
			if (fs.existsSync(old)) fs.renameSync(old, target);
			throw err;
		}
		fs.rmSync(old, { recursive: true, force: true });
		return { target, replaced, counts };
	} finally {
		fs.rmSync(temp, { recursive: true, force: true });
		release();
	}
}

async function restoreServer(url: string, file: string, force: boolean): Promise<{ target: string; replaced: boolean; counts: Record<string, number> }> {
	// The table of contents must read; a damaged body is caught by the single-transaction restore.
	try {
		await runTool('pg_restore', ['--list', file]);
	} catch (err) {
		if (err instanceof BackupError && err.code === 'tool_failed') {
			const why = err.message.split('\n').slice(-1)[0];
			throw corrupt(file, `pg_restore 无法读取目录：${why}`, `pg_restore cannot read its table of contents: ${why}`);
		}
		throw err;
	}
	return withPgClient(url, async (db) => {
		// Tables of the user's own (not those of extensions such as PostGIS's spatial_ref_sys).
		const [{ n }] = await db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
			 WHERE c.relkind IN ('r', 'p') AND s.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
			   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`
		);
		const replaced = n > 0;
		if (replaced && !force) {
			throw new BackupError(
				'target_not_empty',
				`目标数据库 ${redactUrl(url)} 已有 ${n} 张表：确认要用备份替换时加 --force / ` +
					`the target database ${redactUrl(url)} already has ${n} tables: add --force to replace them with the backup`
			);
		}
		await runTool(
			'pg_restore',
			['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${withoutPassword(url)}`, file],
			url
		);
		return { target: redactUrl(url), replaced, counts: await countKeyTables(db) };
	});
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** One plain connection (not openDb's pool: a backup needs one session, and no per-transaction hooks). */
async function withPgClient<T>(url: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ connectionString: url, application_name: 'gridatlas-backup' });
	await client.connect();
	try {
		return await fn({
			async query<R>(sql: string, params?: unknown[]) {
				return (await client.query(sql, params)).rows as R[];
			},
			async exec(sql: string) {
				await client.query(sql);
			}
		});
	} finally {
		await client.end().catch(() => {});
	}
}

type PGliteInstance = PGlite;

async function openPglite(dir: string, loadDataDir?: File): Promise<PGliteInstance> {
	// PostGIS from the engine cache, as the app opens it (./db/engine-cache)
	const [{ PGlite }, { postgisExtension }] = await Promise.all([import('@electric-sql/pglite'), import('./db/engine-cache')]);
	return PGlite.create(dir, { extensions: { postgis: await postgisExtension() }, parsers: { 20: Number, 1700: Number }, loadDataDir });
}

function wrapPglite(pg: PGliteInstance): Queryable {
	return {
		async query<T>(sql: string, params?: unknown[]) {
			return (await pg.query(sql, params)).rows as T[];
		},
		async exec(sql: string) {
			await pg.exec(sql);
		}
	};
}

/**
 * Marks the embedded data directory as ours (the pid file the app checks) for the duration of a
 * backup or restore, so the app cannot start on it meanwhile. Refuses if the app holds it.
 */
function holdDataDir(dataDir: string): () => void {
	try {
		return claimDataDir(dataDir, 'cli');
	} catch (err) {
		if (!(err instanceof DataDirInUseError)) throw err;
		throw new BackupError(
			'in_use',
			err.holder.kind === 'app'
				? new DataDirInUseError(err.holder, err.dir, {
						zh: '先停止应用再备份或恢复（运行中无法得到一致的副本）',
						en: 'stop the app before a backup or restore (a running database cannot be copied consistently)'
					}).message
				: err.message
		);
	}
}

function withoutPassword(url: string): string {
	try {
		const u = new URL(url);
		u.password = '';
		return u.toString();
	} catch {
		return url;
	}
}

/** Runs pg_dump / pg_restore; the URL's password goes through PGPASSWORD, not the command line. */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], url?: string): Promise<void> {
	const env = { ...process.env };
	const fullArgs = [...args];
	if (url) {
		try {
			const u = new URL(url);
			if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
		} catch {
			/* pg_dump will report it */
		}
		if (tool === 'pg_dump') fullArgs.push(`--dbname=${withoutPassword(url)}`);
	}
	return new Promise((resolve, reject) => {
		const child = spawn(tool, fullArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => {
			if (stderr.length < 20_000) stderr += d.toString();
		});
		child.on('error', (err: NodeJS.ErrnoException) => {
			if (err.code === 'ENOENT') {
				reject(
					new BackupError(
						'tool_missing',
						`找不到 ${tool}：请安装 PostgreSQL 客户端（版本不低于服务器，如 Debian 的 postgresql-client-15）并放入 PATH / ` +
							`${tool} not found on PATH: install the PostgreSQL client tools (same or newer major version than the server, e.g. Debian's postgresql-client-15)`
					)
				);
			} else reject(err);
		});
		child.on('close', (code) => {
			if (code === 0) return resolve();
			const detail = stderr.trim().split('\n').slice(-6).join('\n');
			reject(new BackupError('tool_failed', `${tool} 失败（退出码 ${code}） / ${tool} failed (exit code ${code}):\n${detail}`));
		});
	});
}

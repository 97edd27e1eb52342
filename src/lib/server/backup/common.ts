// What backup and restore share: their options and results, the refusal (BackupError), the tables
// whose row counts they report, and formatting for the CLI.
import { GridAtlasError } from '$geo/errors';
import path from 'node:path';
import { defaultDataDir, type EngineName, type Queryable } from '../db';

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
const BACKUP_STATUS: Partial<Record<BackupErrorCode, number>> = { in_use: 409, not_found: 404, out_exists: 409, tool_missing: 500, tool_failed: 500 };

export class BackupError extends GridAtlasError {
	constructor(
		readonly code: BackupErrorCode,
		message: string
	) {
		super(message, { code, status: BACKUP_STATUS[code] ?? 400 });
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

export const isServer = (t: BackupTarget): t is BackupTarget & { databaseUrl: string } => !!t.databaseUrl;

/** `gridatlas-backup-20250314-093000.tar.gz` (embedded) or `….dump` (server), local time. */
export function defaultBackupName(engine: EngineName, now = new Date()): string {
	const p = (n: number) => String(n).padStart(2, '0');
	const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
	return `gridatlas-backup-${stamp}${engine === 'postgres' ? '.dump' : '.tar.gz'}`;
}

export { formatBytes } from '$geo/archive';

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

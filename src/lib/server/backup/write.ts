// Taking a backup: PGlite's data-directory dump (embedded engine) or pg_dump in one snapshot (server
// engine), with the photos beside it.
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir, type EngineName } from '../db';
import { PHOTO_TAR_SUFFIX, writePhotoTar } from '../worker/photo-archive';
import { BackupError, type BackupOptions, type BackupResult, countKeyTables, defaultBackupName, isServer, redactUrl, targetPhotoDir } from './common';
import { holdDataDir, openPglite, runTool, withPgClient, wrapPglite } from './engines';

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

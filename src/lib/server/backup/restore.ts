// Restoring a backup: into a temporary directory proved to start and then renamed into place
// (embedded engine), or pg_restore in one transaction (server engine); photos after.
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../db';
import { checkPhotoTar, PHOTO_TAR_SUFFIX, PhotoArchiveError, restorePhotoTar } from '../worker/photo-archive';
import { BackupError, type BackupTarget, countKeyTables, isServer, redactUrl, type RestoreOptions, type RestoreResult, targetPhotoDir } from './common';
import { archiveKind, corrupt, readEmbeddedArchive } from './archive';
import { holdDataDir, openPglite, runTool, withoutPassword, withPgClient, wrapPglite } from './engines';
import { NEW_TILE_STORE_EPOCH_SQL } from '../map/tile-store';

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
				await pg.exec(NEW_TILE_STORE_EPOCH_SQL);
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
		await db.query(NEW_TILE_STORE_EPOCH_SQL);
		return { target: redactUrl(url), replaced, counts: await countKeyTables(db) };
	});
}

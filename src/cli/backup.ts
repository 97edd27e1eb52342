// `gridatlas backup` / `gridatlas restore`: argument parsing and the printed summary; the work is in
// lib/server/backup. Errors are reported here (exit 2 for usage, 1 for a refused or failed run) so
// the main CLI only dispatches.
import { USAGE_EXIT_CODE, UsageError } from './usage-error';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { backup, BackupError, formatBytes, formatCounts, restore, type BackupTarget } from '../lib/server/backup';

export const BACKUP_USAGE = `  gridatlas backup [--out <file|dir>] [--force]
                              save the database: embedded → gridatlas-backup-<time>.tar.gz (stop the app
                              first), server (DATABASE_URL) → gridatlas-backup-<time>.dump (pg_dump)
  gridatlas restore <file> [--force]
                              restore a backup into GRIDATLAS_DATA_DIR (embedded) or DATABASE_URL (server);
                              --force replaces a database that already has data`;

export class BackupUsageError extends UsageError {}

const engineLabel = (engine: string) => (engine === 'postgres' ? 'PostgreSQL 服务器 server (pg_dump)' : '内嵌数据库 embedded (PGlite)');

function target(): BackupTarget {
	return { databaseUrl: process.env.DATABASE_URL || undefined };
}

function parse(args: string[], positionals: number) {
	try {
		const parsed = parseArgs({
			args,
			allowPositionals: positionals > 0,
			options: { out: { type: 'string' }, force: { type: 'boolean', default: false } }
		});
		if (parsed.positionals.length !== positionals) {
			throw new BackupUsageError('请给出一个备份文件 / give exactly one backup file to restore');
		}
		return parsed;
	} catch (err) {
		if (err instanceof BackupUsageError) throw err;
		throw new BackupUsageError(err instanceof Error ? err.message : String(err));
	}
}

async function report(run: () => Promise<number>, failed: string): Promise<number> {
	try {
		return await run();
	} catch (err) {
		if (err instanceof BackupUsageError) {
			console.error(`${err.message}\n\n用法 / usage:\n${BACKUP_USAGE}`);
			return USAGE_EXIT_CODE;
		}
		if (err instanceof BackupError) {
			console.error(`${failed}\n  ${err.message.replace(/\n/g, '\n  ')}`);
			return 1;
		}
		throw err;
	}
}

export function runBackup(args: string[]): Promise<number> {
	return report(async () => {
		const { values } = parse(args, 0);
		if (values.out === '') throw new BackupUsageError('--out 不能为空 / --out must not be empty');
		const r = await backup({ ...target(), out: values.out, force: values.force });
		console.log(
			`备份完成 / backup written: ${r.file} (${formatBytes(r.bytes)}, ${(r.durationMs / 1000).toFixed(1)} s)\n` +
				`  引擎 / engine: ${engineLabel(r.engine)} — ${r.source}\n` +
				`  内容 / saved: ${formatCounts(r.counts)}` +
				(r.photos ? `\n  照片 / photos: ${r.photos} → ${r.file}.photos.tar` : '')
		);
		return 0;
	}, '备份失败，未生成备份文件 / backup failed, no backup file written:');
}

export function runRestore(args: string[]): Promise<number> {
	return report(async () => {
		const { values, positionals } = parse(args, 1);
		if (values.out !== undefined) throw new BackupUsageError('restore 不接受 --out / restore takes no --out');
		const file = positionals[0];
		if (!fs.existsSync(file)) throw new BackupError('not_found', `备份文件不存在 / no such backup file: ${file}`);
		const r = await restore({ ...target(), file, force: values.force });
		console.log(
			`恢复完成 / restored: ${r.file} (${formatBytes(r.bytes)}) → ${r.target}${r.replaced ? '（已替换原有数据 / replaced the existing data）' : ''} ` +
				`in ${(r.durationMs / 1000).toFixed(1)} s\n` +
				`  引擎 / engine: ${engineLabel(r.engine)}\n` +
				`  内容 / restored: ${formatCounts(r.counts)}` +
				(r.photos ? `\n  照片 / photos: ${r.photos}` : '')
		);
		return 0;
	}, '恢复失败，数据未改动 / restore refused, nothing changed:');
}

// The engines as backup and restore need them: one plain pg connection, PGlite opened on a directory,
// the data-directory lock, and pg_dump / pg_restore run with the password kept off the command line.
import { spawn } from 'node:child_process';
import type { Queryable } from '../db';
import { claimDataDir, DataDirInUseError } from '../runtime/datadir-lock';
import type { PGlite } from '@electric-sql/pglite';
import { BackupError } from './common';

/** One plain connection (not openDb's pool: a backup needs one session, and no per-transaction hooks). */
export async function withPgClient<T>(url: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
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

export async function openPglite(dir: string, loadDataDir?: File): Promise<PGliteInstance> {
	// PostGIS from the engine cache, as the app opens it (../db/engine-cache)
	const [{ PGlite }, { postgisExtension }, { pgliteWasmModule, embeddedStartParams }] = await Promise.all([
		import('@electric-sql/pglite'),
		import('../db/engine-cache'),
		import('../db/wasm-modules')
	]);
	return PGlite.create(dir, {
		extensions: { postgis: await postgisExtension() },
		pgliteWasmModule: await pgliteWasmModule(),
		startParams: embeddedStartParams(PGlite.defaultStartParams),
		parsers: { 20: Number, 1700: Number },
		loadDataDir
	});
}

export function wrapPglite(pg: PGliteInstance): Queryable {
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
export function holdDataDir(dataDir: string): () => void {
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

export function withoutPassword(url: string): string {
	try {
		const u = new URL(url);
		u.password = '';
		return u.toString();
	} catch {
		return url;
	}
}

/** Runs pg_dump / pg_restore; the URL's password goes through PGPASSWORD, not the command line. */
export function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], url?: string): Promise<void> {
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

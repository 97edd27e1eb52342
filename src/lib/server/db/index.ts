// The one place that holds a database connection. Picks the engine (PGlite + PostGIS embedded by
// default, PostgreSQL + PostGIS through `pg` when DATABASE_URL is set), runs the migrations, and
// hands out a small query interface that both engines implement identically.
import path from 'node:path';
import { runMigrations } from './migrate';
import { actingParty } from '../auth/actor';

// A statement that changes rows: run inside a transaction stamped with the actor, so the audit
// triggers know who made it. Reads go straight through.
const WRITE_SQL = /\b(insert|update|delete)\b/i;
const STAMP_SQL = "SELECT set_config('gridatlas.actor', $1, true), set_config('gridatlas.bulk', $2, true)";

/**
 * The transaction's queries, stamped with the actor just before its first write (not at BEGIN: a
 * transaction may have to start with SET TRANSACTION ISOLATION LEVEL, and reads need no stamp).
 */
function stamped(q: Queryable): Queryable {
	const party = actingParty();
	if (!party) return q;
	let done = false;
	const before = async (sql: string) => {
		if (done || !WRITE_SQL.test(sql)) return;
		done = true;
		await q.query(STAMP_SQL, [party.actor, party.bulk ? 'on' : 'off']);
	};
	return {
		async query<T>(sql: string, params?: unknown[]) {
			await before(sql);
			return q.query<T>(sql, params);
		},
		async exec(sql: string) {
			await before(sql);
			await q.exec(sql);
		}
	};
}

/** query() that runs writes made on someone's behalf in a stamped transaction. */
function auditedQuery(base: Queryable, transaction: Db['transaction']): Queryable['query'] {
	return async <T>(sql: string, params?: unknown[]) => {
		if (!actingParty() || !WRITE_SQL.test(sql)) return base.query<T>(sql, params);
		return transaction((tx) => tx.query<T>(sql, params));
	};
}

export type EngineName = 'pglite' | 'postgres';

export interface Queryable {
	/** Parameterised query; returns the rows. */
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
	/** Several statements without parameters (migrations). */
	exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
	readonly engine: EngineName;
	/** Runs fn inside BEGIN … COMMIT; any throw rolls everything back. */
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

export interface OpenOptions {
	/** postgres://… → server engine; otherwise the embedded engine. */
	databaseUrl?: string;
	/** Embedded engine data directory; 'memory://' for a throwaway database. */
	dataDir?: string;
	migrate?: boolean;
}

export async function openDb(options: OpenOptions = {}): Promise<Db> {
	const db = options.databaseUrl
		? await openPostgres(options.databaseUrl)
		: await openPglite(options.dataDir ?? defaultDataDir());
	if (options.migrate !== false) await runMigrations(db);
	return db;
}

export function defaultDataDir(): string {
	return path.resolve(process.env.GRIDATLAS_DATA_DIR ?? './data', 'pglite');
}

async function openPglite(dataDir: string): Promise<Db> {
	const [{ PGlite }, { postgis }] = await Promise.all([
		import('@electric-sql/pglite'),
		import('@electric-sql/pglite-postgis')
	]);
	if (!dataDir.startsWith('memory://')) {
		const fs = await import('node:fs');
		fs.mkdirSync(dataDir, { recursive: true });
	}
	// Same JS types as the pg driver below: counts and numerics as numbers.
	const pg = await PGlite.create(dataDir, {
		extensions: { postgis },
		// bytea as a Buffer, as pg gives it, decoded natively (PGlite's own decoder is a JS loop:
		// a megabyte of WKB took 80 ms instead of 2)
		parsers: { 20: Number, 1700: Number, 17: (hex: string) => Buffer.from(hex.slice(2), 'hex') }
	});
	const wrap = (q: {
		query: (s: string, p?: unknown[]) => Promise<{ rows: unknown[] }>;
		exec: (s: string) => Promise<unknown>;
	}): Queryable => ({
		async query<T>(sql: string, params?: unknown[]) {
			return (await q.query(sql, params)).rows as T[];
		},
		async exec(sql: string) {
			await q.exec(sql);
		}
	});
	const base = wrap(pg as never);
	const transaction: Db['transaction'] = (fn) =>
		pg.transaction((tx) => fn(stamped(wrap(tx as never))));
	return {
		engine: 'pglite',
		...base,
		query: auditedQuery(base, transaction),
		transaction,
		close: () => pg.close()
	};
}

async function openPostgres(url: string): Promise<Db> {
	const { default: pgModule } = await import('pg');
	// bigint counts (count(*)) come back as strings by default; these tables stay far below 2^53.
	pgModule.types.setTypeParser(20, (v: string) => Number(v));
	pgModule.types.setTypeParser(1700, (v: string) => Number(v));
	const pool = new pgModule.Pool({ connectionString: url, max: 10 });
	await pool.query('SELECT 1');
	const wrap = (c: { query: (s: string, p?: unknown[]) => Promise<{ rows: unknown[] }> }): Queryable => ({
		async query<T>(sql: string, params?: unknown[]) {
			return (await c.query(sql, params)).rows as T[];
		},
		async exec(sql: string) {
			await c.query(sql);
		}
	});
	const transaction: Db['transaction'] = async (fn) => {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			const result = await fn(stamped(wrap(client)));
			await client.query('COMMIT');
			return result;
		} catch (err) {
			await client.query('ROLLBACK').catch(() => {});
			throw err;
		} finally {
			client.release();
		}
	};
	const base = wrap(pool);
	return {
		engine: 'postgres',
		...base,
		query: auditedQuery(base, transaction),
		transaction,
		close: () => pool.end()
	};
}

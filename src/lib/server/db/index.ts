// The one place that holds a database connection. Picks the engine (PGlite + PostGIS embedded by
// default, PostgreSQL + PostGIS through `pg` when DATABASE_URL is set), runs the migrations, and
// hands out a small query interface that both engines implement identically.
import path from 'node:path';
import { runMigrations } from './migrate';
import { actingParty } from '../auth/actor';
import { readContext } from './read-context';
import type { Db, EngineName, Queryable, ReplicaPool } from './types';
import type { StartupReporter } from '../runtime/startup-steps';

// A statement that changes rows: run inside a transaction stamped with the actor, so the audit
// triggers know who made it. Reads go straight through.
const WRITE_SQL = /\b(insert|update|delete)\b/i;
// A statement that may change what a cache holds: after it commits, this process reads the data
// versions again (./versions) instead of waiting for the database's notification.
const CHANGE_SQL = /\b(insert|update|delete|truncate|copy|create|drop|alter)\b/i;
const STAMP_SQL = "SELECT set_config('gridatlas.actor', $1, true), set_config('gridatlas.bulk', $2, true)";

/**
 * The transaction's queries, stamped with the actor just before its first write (not at BEGIN: a
 * transaction may have to start with SET TRANSACTION ISOLATION LEVEL, and reads need no stamp).
 */
function stamped(q: Queryable, changed: { yes: boolean }): Queryable {
	const party = actingParty();
	let done = false;
	const before = async (sql: string) => {
		if (!changed.yes && CHANGE_SQL.test(sql)) changed.yes = true;
		if (!party || done || !WRITE_SQL.test(sql)) return;
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

export type { Db, EngineName, Queryable, ReplicaPool } from './types';

export interface OpenOptions {
	/** postgres://… → server engine; otherwise the embedded engine. */
	databaseUrl?: string;
	/** Server engine: a streaming replica of databaseUrl for reads (DATABASE_READ_URL). */
	readUrl?: string;
	/** Embedded engine data directory; 'memory://' for a throwaway database. */
	dataDir?: string;
	migrate?: boolean;
	/** Told each step of the opening (the app's start-up: printed, and shown while starting). */
	steps?: StartupReporter;
}

export async function openDb(options: OpenOptions = {}): Promise<Db> {
	if (options.readUrl && !options.databaseUrl) {
		throw new Error('DATABASE_READ_URL 需要 DATABASE_URL（内嵌数据库没有副本）/ DATABASE_READ_URL needs DATABASE_URL: the embedded database has no replica');
	}
	const steps = options.steps;
	const db = options.databaseUrl
		? await openPostgres(options.databaseUrl, options.readUrl, steps)
		: await openPglite(options.dataDir ?? defaultDataDir(), steps);
	if (options.migrate !== false) {
		steps?.step('migrations', 'checking migrations');
		const applied = await runMigrations(db, undefined, (name) => steps?.detail(`migration ${name}`));
		if (applied.length) steps?.detail(`${applied.length} migration(s) applied`);
	}
	return db;
}

export function defaultDataDir(): string {
	return path.resolve(process.env.GRIDATLAS_DATA_DIR ?? './data', 'pglite');
}

/**
 * The Db both engines hand out, from their plain query interface and a way to run BEGIN … COMMIT:
 * writes made on someone's behalf run in a stamped transaction (the audit triggers read the actor),
 * and every committed change is counted (./versions reads the data versions again when it moves).
 */
function handle(
	engine: EngineName,
	base: Queryable,
	begin: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>,
	end: () => Promise<void>,
	extra: { url?: string; replica?: ReplicaPool } = {}
): Db {
	let writes = 0;
	const closing: (() => Promise<void> | void)[] = [];
	const transaction: Db['transaction'] = async (fn) => {
		const changed = { yes: false };
		const result = await begin((tx) => fn(stamped(tx, changed)));
		if (changed.yes) writes++;
		return result;
	};
	const counted = async <T>(run: () => Promise<T>, sql: string): Promise<T> => {
		const result = await run();
		if (CHANGE_SQL.test(sql)) writes++;
		return result;
	};
	const db: Db = {
		engine,
		...extra,
		get writes() {
			return writes;
		},
		async query<T>(sql: string, params?: unknown[]) {
			if (actingParty() && WRITE_SQL.test(sql)) return transaction((tx) => tx.query<T>(sql, params));
			const replica = extra.replica;
			if (replica && !CHANGE_SQL.test(sql) && readContext(db)?.replica) {
				return onReplica(
					replica,
					() => replica.query<T>(sql, params),
					() => base.query<T>(sql, params)
				);
			}
			return counted(() => base.query<T>(sql, params), sql);
		},
		exec: (sql) => counted(() => base.exec(sql), sql),
		transaction(fn) {
			const replica = extra.replica;
			if (replica && readContext(db)?.replica) {
				return onReplica(
					replica,
					() => replica.transaction(fn),
					() => transaction(fn)
				);
			}
			return transaction(fn);
		},
		onClose(fn) {
			closing.push(fn);
		},
		async close() {
			for (const fn of closing.splice(0)) await Promise.resolve(fn()).catch(() => {});
			await end();
		}
	};
	return db;
}

/**
 * A read the request was routed to the replica for. What the primary can answer instead — the
 * replica is unreachable or restarting, cancelled a query for recovery, or a transaction tried to
 * write (read-only: nothing happened) — is repeated there, so a replica problem is never an error.
 */
async function onReplica<T>(replica: ReplicaPool, read: () => Promise<T>, primary: () => Promise<T>): Promise<T> {
	try {
		const result = await read();
		replica.stats.replica++;
		return result;
	} catch (err) {
		// SQLSTATE connection, shutdown, recovery-conflict, read-only and resource classes; socket errors
		// (ECONNREFUSED …) and a connection ended without a code
		const code = (err as { code?: string }).code ?? '';
		if (code && !/^(08|57P|40001|25006|53|E[A-Z]+$)/.test(code)) throw err;
		replica.stats.fallback++;
		replica.onFailure?.(err);
		return primary();
	}
}

// GRIDATLAS_SLOW_SQL_MS: statements of the embedded engine slower than this are logged. Each one holds
// the whole process (PGlite runs on this thread), so they are worth knowing.
const SLOW_SQL_MS = Number(process.env.GRIDATLAS_SLOW_SQL_MS) || 0;
function slow(sql: string, ms: number) {
	if (SLOW_SQL_MS > 0 && ms >= SLOW_SQL_MS) console.warn(`[slow sql ${Math.round(ms)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
}

// PGlite runs each statement on this thread: between statements, let the requests that arrived
// meanwhile be read and answered, so a long run of statements (an import) never holds them all.
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function openPglite(dataDir: string, steps?: StartupReporter): Promise<Db> {
	steps?.step('modules', 'loading the embedded engine');
	const [{ PGlite }, { postgisExtension, newDatabase }, { pgliteWasmModule, embeddedStartParams }] = await Promise.all([
		import('@electric-sql/pglite'),
		import('./engine-cache'),
		import('./wasm-modules')
	]);
	// PostGIS from the engine cache: the library only, unpacked and compiled ahead (./engine-cache).
	const postgis = await postgisExtension();
	let fresh = dataDir.startsWith('memory://');
	if (!fresh) {
		const fs = await import('node:fs');
		fs.mkdirSync(dataDir, { recursive: true });
		fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
	}
	// A new database starts as a copy of a fresh one with PostGIS already created (made once, cached).
	let loadDataDir: Blob | undefined;
	if (fresh) {
		steps?.step('new_database', 'creating the database');
		loadDataDir = await newDatabase(PGlite, postgis, dataDir, (msg) => steps?.detail(msg));
	}
	steps?.step('engine_open', 'opening the database (PGlite + PostGIS)');
	// Same JS types as the pg driver below: counts and numerics as numbers.
	const pg = await PGlite.create(dataDir, {
		extensions: { postgis },
		pgliteWasmModule: await pgliteWasmModule(),
		startParams: embeddedStartParams(PGlite.defaultStartParams),
		loadDataDir,
		// bytea as a Buffer, as pg gives it, decoded natively (PGlite's own decoder is a JS loop:
		// a megabyte of WKB took 80 ms instead of 2); and encoded natively (its encoder makes a string
		// a byte: an import's footprints, 300 kB a statement, spent a fifth of the import there)
		parsers: { 20: Number, 1700: Number, 17: (hex: string) => Buffer.from(hex.slice(2), 'hex') },
		serializers: { 17: (bytes: Uint8Array) => '\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') }
	});
	const wrap = (q: { query: (s: string, p?: unknown[]) => Promise<{ rows: unknown[] }>; exec: (s: string) => Promise<unknown> }): Queryable => ({
		async query<T>(sql: string, params?: unknown[]) {
			await turn();
			const t = performance.now();
			const rows = (await q.query(sql, params)).rows as T[];
			slow(sql, performance.now() - t);
			return rows;
		},
		async exec(sql: string) {
			await turn();
			const t = performance.now();
			await q.exec(sql);
			slow(sql, performance.now() - t);
		}
	});
	return handle(
		'pglite',
		wrap(pg as never),
		(fn) => pg.transaction((tx) => fn(wrap(tx as never))),
		() => pg.close()
	);
}

type PgPool = import('pg').Pool;

function wrapPg(c: { query: (s: string, p?: unknown[]) => Promise<{ rows: unknown[] }> }): Queryable {
	return {
		async query<T>(sql: string, params?: unknown[]) {
			return (await c.query(sql, params)).rows as T[];
		},
		async exec(sql: string) {
			await c.query(sql);
		}
	};
}

async function inTransaction<T>(pool: PgPool, begin: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query(begin);
		const result = await fn(wrapPg(client));
		await client.query('COMMIT');
		return result;
	} catch (err) {
		await client.query('ROLLBACK').catch(() => {});
		throw err;
	} finally {
		client.release();
	}
}

/**
 * Settings of every app connection. The app's queries are short and many run at once: PostGIS
 * functions are costed high, so the planner reached for parallel workers and JIT compilation, and
 * starting them took longer than the query (a z12 tile: 60 ms with them, 26 without) while taking
 * cores other users' requests needed. Set per connection rather than per query (SET LOCAL in a
 * transaction cost three more round trips per tile). An `options` parameter in the database URL
 * replaces these (node-postgres lets the URL win), so an operator can turn either back on.
 */
export const SESSION_SETTINGS = '-c jit=off -c max_parallel_workers_per_gather=0';

/** Connections per process: for single statements (reads, mostly), and for transactions. */
const READ_CONNECTIONS = 10;
const TRANSACTION_CONNECTIONS = 4;

async function openPostgres(url: string, readUrl?: string, steps?: StartupReporter): Promise<Db> {
	steps?.step('engine_open', 'connecting to PostgreSQL');
	const { default: pgModule } = await import('pg');
	// bigint counts (count(*)) come back as strings by default; these tables stay far below 2^53.
	pgModule.types.setTypeParser(20, (v: string) => Number(v));
	pgModule.types.setTypeParser(1700, (v: string) => Number(v));
	const pool = new pgModule.Pool({ connectionString: url, max: READ_CONNECTIONS, options: SESSION_SETTINGS });
	// Transactions (every write of the app: case ingest, plan saves, imports) on connections of their
	// own: behind a map's hundreds of tile queries in one queue, a wall's case report waited seconds.
	const txPool = new pgModule.Pool({ connectionString: url, max: TRANSACTION_CONNECTIONS, options: SESSION_SETTINGS });
	for (const p of [pool, txPool]) p.on('error', (err) => console.warn(`GridAtlas: 数据库连接中断 / a database connection dropped: ${err.message}`));
	await pool.query('SELECT 1');
	let replica: ReplicaPool | undefined;
	let readPool: PgPool | undefined;
	if (readUrl) {
		// Not checked here: an unreachable replica only means reads stay on the primary (./replica).
		const rp = (readPool = new pgModule.Pool({ connectionString: readUrl, max: READ_CONNECTIONS, options: SESSION_SETTINGS }));
		rp.on('error', () => {}); // an idle replica connection dropped (a restart): the next read reconnects
		replica = {
			url: readUrl,
			stats: { replica: 0, fallback: 0 },
			query: async (sql, params) => (await rp.query(sql, params)).rows as never[],
			transaction: (fn) => inTransaction(rp, 'BEGIN READ ONLY', fn)
		};
	}
	return handle(
		'postgres',
		wrapPg(pool),
		(fn) => inTransaction(txPool, 'BEGIN', fn),
		async () => {
			await Promise.all([pool.end(), txPool.end(), readPool?.end()]);
		},
		{ url, replica }
	);
}

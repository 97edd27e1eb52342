// The query interface both engines implement (./index.ts opens them): a database handle, a
// transaction's queries, and the read replica's pool.

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
	/** Statements and transactions that changed data and committed through this handle (./versions). */
	readonly writes?: number;
	/** Server engine: the primary's connection string (LISTEN connections use it). */
	readonly url?: string;
	/** Server engine with DATABASE_READ_URL: the streaming replica reads may go to (./replica). */
	readonly replica?: ReplicaPool;
	/** Called by close() before the connections end (e.g. a LISTEN connection opened for this handle). */
	onClose?(fn: () => Promise<void> | void): void;
}

/** The read replica's connections, used by ./replica for reads a request was routed to it for. */
export interface ReplicaPool {
	readonly url: string;
	query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
	/** A read-only transaction on the replica (reads that need one snapshot, or SET LOCAL). */
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** Reads sent to the replica / sent to the primary instead, for /api/health and the bench. */
	readonly stats: { replica: number; fallback: number };
	/** Called when a replica read failed in a way the primary can answer; the read is repeated there. */
	onFailure?: (err: unknown) => void;
}

// What a request may read, decided once when it starts (hooks.server.ts) and carried through its
// awaits: the data versions its caches are keyed by, and whether its reads may go to the read
// replica. Caches must key by the versions the request was routed for: a tile built from a replica
// that was checked to hold version V may be kept under V, not under a newer V' learnt meanwhile.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Versions } from './topics';

export interface ReadContext {
	/** The database (primary handle) the decision was made for. */
	db: object;
	versions: Versions;
	/** Plain reads (no write, not in a write transaction) may go to the replica. */
	replica: boolean;
}

const storage = new AsyncLocalStorage<ReadContext>();

export function withReadContext<T>(ctx: ReadContext, fn: () => T): T {
	return storage.run(ctx, fn);
}

/** The current request's decision for this database, if any. */
export function readContext(db: object): ReadContext | undefined {
	const ctx = storage.getStore();
	return ctx && ctx.db === db ? ctx : undefined;
}

/**
 * Runs fn outside any request's decision: for what a request starts but outlives it and must follow
 * the primary (the case stream's hub, timers that look credentials up again).
 */
export function onPrimary<T>(fn: () => T): T {
	return storage.exit(fn);
}

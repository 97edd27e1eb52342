// Who is acting: set once per request (hooks.server.ts) or per CLI run, read by the database layer,
// which stamps every write transaction with it (the audit triggers record it). AsyncLocalStorage
// carries it through awaits without threading a parameter through every server module.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActingParty {
	/** e.g. "user:planner", "token:feed", "cli:root", "system:demo". */
	actor: string;
	/** Generated bulk loads (demo city, synthetic city): one audit summary instead of one row per feature. */
	bulk?: boolean;
}

const storage = new AsyncLocalStorage<ActingParty>();

export function runAs<T>(actor: string, fn: () => T): T {
	return storage.run({ actor }, fn);
}

/** Runs a generated bulk load; the caller records one audit summary row for it. */
export function runBulk<T>(actor: string, fn: () => T): T {
	return storage.run({ actor, bulk: true }, fn);
}

export function actingParty(): ActingParty | undefined {
	return storage.getStore();
}

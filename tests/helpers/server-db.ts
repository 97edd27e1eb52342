// A database of its own on the test server (TEST_DATABASE_URL) for tests that start app processes
// on the server engine, and its address on the streaming replica when TEST_DATABASE_READ_URL names
// one (a new database on the primary is replayed there too). Dropped afterwards.
import { openDb } from '../../src/lib/server/db';

export interface TestDatabase {
	url: string;
	/** The same database on the replica (TEST_DATABASE_READ_URL's server), if there is one. */
	readUrl?: string;
	drop(): Promise<void>;
}

const withDatabase = (url: string, name: string) => {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
};

export async function createTestDatabase(label: string, base = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
	if (!base) throw new Error('TEST_DATABASE_URL is not set');
	const name = `gridatlas_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = await openDb({ databaseUrl: base, migrate: false });
	try {
		await admin.exec(`CREATE DATABASE ${name}`);
	} finally {
		await admin.close();
	}
	const read = process.env.TEST_DATABASE_READ_URL;
	return {
		url: withDatabase(base, name),
		readUrl: read ? withDatabase(read, name) : undefined,
		async drop() {
			const a = await openDb({ databaseUrl: base, migrate: false });
			try {
				await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} finally {
				await a.close();
			}
		}
	};
}

/** Polls `probe` until it holds; fails only if a probe *started* `withinMs` after `since` still does not. */
export async function seenWithin(withinMs: number, probe: () => Promise<boolean>, since = Date.now()): Promise<number> {
	for (;;) {
		const started = Date.now() - since;
		if (await probe()) return started;
		if (started > withinMs) throw new Error(`still not seen by a request started ${started} ms after the change (bound ${withinMs} ms)`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

import type { Db } from '../db';
import { replicaStatus } from '../db/replica';

type Facts = { postgis: string; pg: string; migrations: number };
const facts = new WeakMap<Db, Promise<Facts>>();

/**
 * What the database is, read once per database: it does not change while the app runs, and asking
 * again would make health wait behind a long import transaction on the embedded engine.
 */
function databaseFacts(db: Db): Promise<Facts> {
	let f = facts.get(db);
	if (!f) {
		f = db
			.query<Facts>(
				`SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS pg,
					(SELECT count(*)::int FROM schema_migrations) AS migrations`
			)
			.then((rows) => rows[0]);
		facts.set(db, f);
		f.catch(() => facts.delete(db));
	}
	return f;
}

export async function healthFacts(db: Db) {
	const row = await databaseFacts(db);
	const replica = await replicaStatus(db);
	return {
		engine: db.engine,
		postgis: row.postgis,
		postgres: row.pg,
		migrations: row.migrations,
		// which process answered (GRIDATLAS_WORKERS: scripts/cluster.js numbers them from 1)
		worker: Number(process.env.GRIDATLAS_WORKER) || null,
		...(replica ? { replica } : {})
	};
}

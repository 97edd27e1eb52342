import type { Db } from './db';
import { replicaStatus } from './db/replica';

export async function healthFacts(db: Db) {
	const [row] = await db.query<{ postgis: string; pg: string; migrations: number }>(
		`SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS pg,
			(SELECT count(*)::int FROM schema_migrations) AS migrations`
	);
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

import type { Db } from './db';

export async function healthFacts(db: Db) {
	const [row] = await db.query<{ postgis: string; pg: string; migrations: number }>(
		`SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS pg,
			(SELECT count(*)::int FROM schema_migrations) AS migrations`
	);
	return { engine: db.engine, postgis: row.postgis, postgres: row.pg, migrations: row.migrations };
}

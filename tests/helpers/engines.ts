// The engines a database test runs on: always the embedded one (PGlite, in memory), and the server
// (PostgreSQL + PostGIS) when TEST_DATABASE_URL is set. Each test file gets its own empty schema on
// the server so files never see each other's rows.
import { openDb, type Db } from '../../src/lib/server/db';

export interface TestEngine {
	name: 'pglite' | 'postgres';
	open(): Promise<Db>;
	/** Drop what open() created. */
	cleanup(): Promise<void>;
}

export function testEngines(): TestEngine[] {
	const engines: TestEngine[] = [pgliteEngine()];
	const url = process.env.TEST_DATABASE_URL;
	if (url) engines.push(postgresEngine(url));
	return engines;
}

function pgliteEngine(): TestEngine {
	let db: Db | undefined;
	return {
		name: 'pglite',
		async open() {
			db = await openDb({ dataDir: 'memory://' });
			return db;
		},
		async cleanup() {
			await db?.close();
		}
	};
}

function postgresEngine(url: string): TestEngine {
	const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	let db: Db | undefined;
	return {
		name: 'postgres',
		async open() {
			const admin = await openDb({ databaseUrl: url, migrate: false });
			await admin.exec('CREATE EXTENSION IF NOT EXISTS postgis');
			await admin.exec(`CREATE SCHEMA ${schema}`);
			await admin.close();
			const sep = url.includes('?') ? '&' : '?';
			db = await openDb({
				databaseUrl: `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}`
			});
			return db;
		},
		async cleanup() {
			await db?.close();
			const admin = await openDb({ databaseUrl: url, migrate: false });
			await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
			await admin.close();
		}
	};
}

// `GRIDATLAS_WORKERS=N npm start`: on the server engine N processes share the port (scripts/cluster.js)
// and each shuts down gracefully on SIGTERM (its database connections closed); the embedded engine
// says it stays single-process and runs one. Tiles built by one process are served by the other
// from the tile store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tilesCovering } from '$geo/tiles';
import { openDb } from '../../src/lib/server/db';
import { startApp, type AppServer } from '../browser/helpers/app-server';
import { rawRequest } from '../helpers/http';
import { sessionCookie } from '../browser/helpers/session';
import { createTestDatabase, seenWithin, type TestDatabase } from '../helpers/server-db';

// A new connection each time (fetch() would keep one alive, and one connection stays with one worker).
const health = async (app: AppServer) => JSON.parse((await rawRequest(`${app.url}/api/health`)).body) as { status: string; worker: number | null };

describe('several app processes, one command', () => {
	const started: AppServer[] = [];
	let database: TestDatabase | undefined;
	afterAll(async () => {
		await Promise.all(started.map((s) => s.stop()));
		await database?.drop();
	});

	it.skipIf(!process.env.TEST_DATABASE_URL)(
		'two workers share the port on the server engine, and stop gracefully on SIGTERM',
		async () => {
			database = await createTestDatabase('workers');
			const app = await startApp({ database: database.url, workers: 2, demo: false, timeoutMs: 300_000, env: { SHUTDOWN_TIMEOUT: '2' } });
			started.push(app);
			expect(app.log()).toMatch(/2 worker processes/);
			// connections are handed out in turn: both answer, each numbered
			const seen = new Set<number | null>();
			await seenWithin(60_000, async () => {
				const h = await health(app);
				if (h.status === 'ok') seen.add(h.worker);
				return seen.size === 2;
			});
			expect([...seen].sort()).toEqual([1, 2]);
			// a tile one process built is served by the other from the tile store, not built again
			const writer = await openDb({ databaseUrl: database.url, migrate: false });
			try {
				await writer.exec(`INSERT INTO subdistricts (code, name, geom) VALUES ('320102001', '瓦片街道',
					ST_Multi(ST_GeomFromText('POLYGON((118.77 32.03, 118.79 32.03, 118.79 32.05, 118.77 32.05, 118.77 32.03))', 4326)))`);
			} finally {
				await writer.close();
			}
			const t = tilesCovering([118.78, 32.04, 118.78, 32.04], 14);
			const cookie = await sessionCookie(app.url, 'admin');
			const tile = async () => {
				const r = await rawRequest(`${app.url}/tiles/subdistricts/14/${t.x0}/${t.y0}.pbf`, { headers: { cookie } });
				expect(r.status).toBe(200);
				return String(r.headers['x-tile-cache']);
			};
			expect(await tile()).toBe('miss');
			const tilesDir = path.join(app.dataDir, 'tiles');
			const stored = () => (fs.existsSync(tilesDir) ? fs.readdirSync(tilesDir, { recursive: true }).filter((f) => String(f).endsWith('.mvt')) : []);
			await seenWithin(30_000, async () => stored().length === 1);
			// connections go to the workers in turn: the next one or two reach the worker that did not build it
			const sources: string[] = [];
			await seenWithin(30_000, async () => {
				sources.push(await tile());
				return sources.includes('store');
			});
			expect(sources.filter((s) => s === 'miss')).toEqual([]);
			expect(stored()).toHaveLength(1);
			// an open case stream does not keep a worker from stopping
			const stream = await app.fetch(`${app.url}/api/cases/stream`);
			expect(stream.status).toBe(200);
			const admin = await openDb({ databaseUrl: database.url, migrate: false });
			try {
				const connected = async () =>
					(
						await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
					)[0].n;
				expect(await connected()).toBeGreaterThan(0);
				await app.stop();
				expect(app.exitCode()).toBe(0);
				// every worker closed its database (sveltekit:shutdown → the runtime stopped)
				await seenWithin(5_000, async () => (await connected()) === 0);
			} finally {
				await admin.close();
			}
		},
		400_000
	);

	it('the embedded engine stays one process and says so', async () => {
		const app = await startApp({ demo: false, workers: 2 });
		started.push(app);
		expect(app.log()).toMatch(/embedded database belongs to one process: GRIDATLAS_WORKERS=2 ignored/);
		expect(await health(app)).toMatchObject({ status: 'ok', worker: null });
	}, 200_000);
});

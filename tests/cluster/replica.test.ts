// Reads on a streaming replica (DATABASE_READ_URL): the app on a real PostgreSQL 15 standby
// (scripts/make-replica.sh; TEST_DATABASE_READ_URL names it). Tiles, layers, search and the wall
// read there while it has replayed what the request needs; when replay is held back (as a lagging
// replica would be) the same requests are answered from the primary — never from before a write —
// and once it catches up they go back to it. A write's answer names its versions in a cookie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/lib/server/db';
import { readVersions } from '../../src/lib/server/db/versions';
import { tilesCovering } from '$geo/tiles';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startApp, type AppServer } from '../browser/helpers/app-server';
import { createTestDatabase, seenWithin, type TestDatabase } from '../helpers/server-db';

const run = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_DATABASE_READ_URL);

interface Health {
	replica?: { state: string; behind: string[]; reads: { replica: number; fallback: number } };
}

describe.skipIf(!run)('the read replica', () => {
	let database: TestDatabase;
	let app: AppServer;
	let primary: Db;
	let replica: Db;
	let point: { lon: number; lat: number };

	const health = async (): Promise<Health> => (await fetch(`${app.url}/api/health`)).json();
	const replicaReads = async () => (await health()).replica!.reads.replica;
	const tilePath = () => {
		const r = tilesCovering([point.lon, point.lat, point.lon, point.lat], 16);
		return `/tiles/facilities/16/${r.x0}/${r.y0}.pbf`;
	};
	async function facilityNames(): Promise<string[]> {
		const res = await app.fetch(`${app.url}${tilePath()}`);
		expect(res.status).toBe(200);
		const bytes = new Uint8Array(await res.arrayBuffer());
		const l = bytes.length ? new VectorTile(new PbfReader(bytes)).layers.facilities : undefined;
		return l ? Array.from({ length: l.length }, (_, i) => String(l.feature(i).properties.name)) : [];
	}
	async function caughtUp(): Promise<boolean> {
		const [p, r] = await Promise.all([readVersions(primary), readVersions(replica).catch(() => null)]);
		return r !== null && Object.keys(p).every((t) => r[t as keyof typeof r] >= p[t as keyof typeof p]);
	}

	beforeAll(async () => {
		database = await createTestDatabase('replica');
		app = await startApp({ database: database.url, readDatabase: database.readUrl, timeoutMs: 300_000 });
		primary = await openDb({ databaseUrl: database.url, migrate: false });
		replica = await openDb({ databaseUrl: database.readUrl!, migrate: false });
		[point] = await primary.query<{ lon: number; lat: number }>(
			'SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM grids ORDER BY code LIMIT 1'
		);
		await seenWithin(60_000, caughtUp);
	}, 600_000);

	afterAll(async () => {
		await replica?.query('SELECT pg_wal_replay_resume()').catch(() => {});
		await app?.stop();
		await Promise.all([primary?.close(), replica?.close()]);
		await database?.drop();
	});

	it('answers the read-only routes from the replica once it has replayed what they need', async () => {
		const before = await replicaReads();
		for (const path of [tilePath(), '/api/layers/communities', '/api/search?q=新街口', '/api/units/city', '/api/wall']) {
			const res = await app.fetch(`${app.url}${path}`);
			expect(res.status, path).toBe(200);
		}
		expect(await replicaReads()).toBeGreaterThan(before);
		expect((await health()).replica).toMatchObject({ state: 'ok', behind: [] });
	});

	it('a replica that has not replayed a write is not used for it; the primary answers; then the replica again', async () => {
		await facilityNames(); // cached before the write
		await replica.query('SELECT pg_wal_replay_pause()');
		try {
			await primary.query(
				`INSERT INTO facilities (source_id, category_code, name, geom) VALUES ('replica-test-1', 'bank', '副本延迟测试银行', ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
				[point.lon, point.lat]
			);
			await seenWithin(1000, async () => (await facilityNames()).includes('副本延迟测试银行'));
			// it was the primary: the paused replica does not have the row
			expect(await replica.query(`SELECT 1 FROM facilities WHERE source_id = 'replica-test-1'`)).toEqual([]);
			expect((await health()).replica).toMatchObject({ state: 'behind', behind: ['facilities'] });
			// the map layers read every map topic, facilities among them: the primary meanwhile; a grid
			// tile reads the grids alone, which the replica has: the replica
			let reads = await replicaReads();
			expect((await app.fetch(`${app.url}/api/layers/communities`)).status).toBe(200);
			expect(await replicaReads()).toBe(reads);
			expect((await app.fetch(`${app.url}${tilePath().replace('/facilities/', '/grids/')}`)).status).toBe(200);
			expect(await replicaReads()).toBeGreaterThan(reads);
			reads = await replicaReads();
		} finally {
			await replica.query('SELECT pg_wal_replay_resume()');
		}
		await seenWithin(30_000, caughtUp);
		const reads = await replicaReads();
		expect(await facilityNames()).toContain('副本延迟测试银行');
		await app.fetch(`${app.url}/api/layers/communities`);
		expect(await replicaReads()).toBeGreaterThan(reads);
	}, 120_000);

	it("a write answers with the versions it produced, for the writer's next read on any process", async () => {
		const { rules } = (await (await app.fetch(`${app.url}/api/rules`)).json()) as { rules: { id: string }[] };
		const res = await app.fetch(`${app.url}/api/rules/${encodeURIComponent(rules[0].id)}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: app.url },
			body: JSON.stringify({ note: '副本测试' })
		});
		expect(res.status).toBe(200);
		const seen = /gridatlas_seen=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
		expect(decodeURIComponent(seen ?? '')).toMatch(new RegExp(`(^|-)rules\\.${(await readVersions(primary)).rules}($|-)`));
	});
});

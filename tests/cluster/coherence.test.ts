// Caches that never go stale across processes (issue 19): two app processes (A and B) and the CLI on
// one PostgreSQL database — with a streaming replica for reads when TEST_DATABASE_READ_URL names one.
// Every kind of write — an import of each layer by the CLI, a plan approval, a rule edit and an account
// change through A, plain SQL — must be seen by the other processes within 1 s, in what they had
// cached: map tiles, the map summary, coverage, signed-in principals. "Within 1 s" is polled: it
// fails only when a request started more than 1 s after the write still answers from before it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { openDb, type Db } from '../../src/lib/server/db';
import { tilesCovering } from '$geo/tiles';
import { ROOT, startApp, type AppServer } from '../browser/helpers/app-server';
import { sessionCookie } from '../browser/helpers/session';
import { pageData } from '../helpers/http';
import { createTestDatabase, seenWithin, type TestDatabase } from '../helpers/server-db';

const WITHIN_MS = 1000;
const Z = 16;

describe.skipIf(!process.env.TEST_DATABASE_URL)('two app processes and the CLI on one database', () => {
	let database: TestDatabase;
	let a: AppServer;
	let b: AppServer;
	let sql: Db;
	let dir: string;
	/** A point inside a demo grid, and that grid's community and subdistrict. */
	let at: { lon: number; lat: number; grid: string; community: string; subdistrict: string };

	beforeAll(async () => {
		database = await createTestDatabase('coherence');
		const options = { database: database.url, readDatabase: database.readUrl, timeoutMs: 300_000 };
		a = await startApp(options); // loads the demo city
		b = await startApp({ ...options, demo: true });
		sql = await openDb({ databaseUrl: database.url, migrate: false });
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-coherence-'));
		const [g] = await sql.query<{ grid: string; community: string; subdistrict: string; lon: number; lat: number }>(
			`SELECT g.code AS grid, g.community_code AS community, c.subdistrict_code AS subdistrict,
				ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
			 FROM grids g JOIN communities c ON c.code = g.community_code ORDER BY g.code LIMIT 1`
		);
		at = g;
	}, 600_000);

	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		await sql?.close();
		await database?.drop();
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	const tileAt = () => {
		const r = tilesCovering([at.lon, at.lat, at.lon, at.lat], Z);
		return `${Z}/${r.x0}/${r.y0}`;
	};

	/** The features of one layer of the tile holding the test point, as a process serves it. */
	async function tile(app: AppServer, layer: string): Promise<Record<string, unknown>[]> {
		const res = await app.fetch(`${app.url}/tiles/${layer}/${tileAt()}.pbf`);
		expect(res.status).toBe(200);
		const bytes = new Uint8Array(await res.arrayBuffer());
		if (bytes.length === 0) return [];
		const l = new VectorTile(new PbfReader(bytes)).layers[layer];
		return l ? Array.from({ length: l.length }, (_, i) => l.feature(i).properties) : [];
	}

	function cli(...args: string[]): string {
		const r = spawnSync(process.execPath, ['bin/gridatlas.js', ...args], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, DATABASE_URL: database.url, DATABASE_READ_URL: '' }
		});
		if (r.status !== 0) throw new Error(`gridatlas ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
		return r.stdout;
	}

	function importByCli(layer: string, content: unknown, ext = 'geojson'): number {
		const file = path.join(dir, `${layer}.${ext}`);
		fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
		cli('import', file, '--layer', layer);
		return Date.now();
	}

	const fc = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry }] });
	const square = (lon: number, lat: number, d: number) => ({
		type: 'Polygon',
		coordinates: [
			[
				[lon - d, lat - d],
				[lon + d, lat - d],
				[lon + d, lat + d],
				[lon - d, lat + d],
				[lon - d, lat - d]
			]
		]
	});
	async function geometryOf(table: string, code: string): Promise<unknown> {
		const [r] = await sql.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom) AS g FROM ${table} WHERE code = $1`, [code]);
		return JSON.parse(r.g);
	}

	/** Both app processes (neither wrote) see the change within the bound. */
	async function bothSee(since: number, probe: (app: AppServer) => Promise<boolean>): Promise<void> {
		const ms = await Promise.all([a, b].map((app) => seenWithin(WITHIN_MS, () => probe(app), since)));
		console.log(`  seen by a request started ${ms[0]} ms (A) and ${ms[1]} ms (B) after the write`);
	}

	const tileNames = async (app: AppServer, layer: string) => (await tile(app, layer)).map((p) => p.name);

	it("renamed subdistricts, communities and grids imported by the CLI reach both processes' cached tiles", async () => {
		for (const [layer, table, code] of [
			['subdistricts', 'subdistricts', at.subdistrict],
			['communities', 'communities', at.community],
			['grids', 'grids', at.grid]
		] as const) {
			const name = `改名测试-${layer}`;
			// cached in both processes before the write
			for (const app of [a, b]) expect(await tileNames(app, layer)).not.toContain(name);
			const geometry = await geometryOf(table, code);
			const since = importByCli(layer, fc({ code, name }, geometry));
			await bothSee(since, async (app) => (await tileNames(app, layer)).includes(name));
		}
	}, 300_000);

	it("buildings, facilities and roads imported by the CLI reach both processes' cached tiles", async () => {
		const before = (await tile(b, 'buildings')).length;
		await tile(a, 'buildings');
		let since = importByCli('buildings', fc({ levels: 6 }, square(at.lon, at.lat, 0.00005)));
		await bothSee(since, async (app) => (await tile(app, 'buildings')).length === before + 1);

		for (const app of [a, b]) expect(await tileNames(app, 'facilities')).not.toContain('缓存测试银行');
		since = importByCli('facilities', fc({ category: 'bank', name: '缓存测试银行' }, { type: 'Point', coordinates: [at.lon, at.lat] }));
		await bothSee(since, async (app) => (await tileNames(app, 'facilities')).includes('缓存测试银行'));

		for (const app of [a, b]) expect(await tileNames(app, 'roads')).not.toContain('缓存测试路');
		since = importByCli(
			'roads',
			fc(
				{ highway: 'footway', name: '缓存测试路' },
				{
					type: 'LineString',
					coordinates: [
						[at.lon - 0.0005, at.lat],
						[at.lon + 0.0005, at.lat]
					]
				}
			)
		);
		await bothSee(since, async (app) => (await tileNames(app, 'roads')).includes('缓存测试路'));
	}, 300_000);

	it('land cover and cases imported by the CLI move the map summary both processes keep', async () => {
		const counts = async (app: AppServer) => (await pageData(app.url, '/', await cookie(app))).counts as Record<string, number>;
		const before = await counts(b);
		await counts(a);
		let since = importByCli('landcover', fc({ kind: 'water', name: '缓存测试湖' }, square(at.lon + 0.001, at.lat, 0.0002)));
		await bothSee(since, async (app) => (await counts(app)).landcover === before.landcover + 1);
		since = importByCli('cases', `id,category,lon,lat,reported_at\ncache-test-1,environment,${at.lon},${at.lat},${new Date().toISOString()}\n`, 'csv');
		await bothSee(since, async (app) => (await counts(app)).cases === before.cases + 1);
	}, 300_000);

	it("a plan approved through A reaches B's cached grid tiles", async () => {
		const plan = (await (await a.fetch(`${a.url}/api/plans/${at.community}`)).json()) as {
			grids: { code: string; name: string; kind: string; geometry: unknown }[];
			latestRevision: number | null;
		};
		expect(await tileNames(b, 'grids')).not.toContain('规划批准测试');
		const grids = plan.grids.map((g) => (g.code === at.grid ? { ...g, name: '规划批准测试' } : g));
		const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
		const res = await a.fetch(`${a.url}/api/plans/${at.community}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: a.url },
			body: JSON.stringify({ grids, status: 'approved', note: '缓存测试', baseRevision: plan.latestRevision, effectiveFrom: today })
		});
		expect(res.status, await res.clone().text()).toBe(201);
		await bothSee(Date.now(), async (app) => (await tileNames(app, 'grids')).includes('规划批准测试'));
	}, 300_000);

	it('a rule edited through A changes the coverage B keeps', async () => {
		const enabledRules = async (app: AppServer) =>
			((await (await app.fetch(`${app.url}/api/coverage`)).json()) as { rules: { id: string }[] }).rules.map((r) => r.id);
		const [rule] = await enabledRules(b);
		expect(rule).toBeTruthy();
		const res = await a.fetch(`${a.url}/api/rules/${encodeURIComponent(rule)}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: a.url },
			body: JSON.stringify({ enabled: false })
		});
		expect(res.status, await res.clone().text()).toBe(200);
		await bothSee(Date.now(), async (app) => !(await enabledRules(app)).includes(rule));
	}, 300_000);

	it('accounts: a sign-out through A and a user disabled by the CLI are refused by B at once', async () => {
		// a session made on A and remembered by B, ended on A
		const session = await sessionCookie(a.url, 'viewer');
		const asViewer = (app: AppServer) => fetch(`${app.url}/api/units/city`, { headers: { cookie: session } });
		expect((await asViewer(b)).status).toBe(200);
		const out = await fetch(`${a.url}/api/session`, { method: 'DELETE', headers: { cookie: session, origin: a.url } });
		expect(out.status).toBeLessThan(300);
		await seenWithin(WITHIN_MS, async () => (await asViewer(b)).status === 401);

		// a user the CLI creates, signs in on B, and is disabled by the CLI
		const password = 'cache-test-password-1';
		const add = spawnSync(process.execPath, ['bin/gridatlas.js', 'user', 'add', 'cachetest', '--role', 'planner', '--units', '*', '--password-stdin'], {
			cwd: ROOT,
			input: `${password}\n`,
			encoding: 'utf8',
			env: { ...process.env, DATABASE_URL: database.url }
		});
		expect(add.status, add.stderr).toBe(0);
		const signIn = await fetch(`${b.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: b.url },
			body: JSON.stringify({ username: 'cachetest', password })
		});
		expect(signIn.status).toBe(200);
		const cookieB = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
		const asPlanner = () => fetch(`${b.url}/api/units/city`, { headers: { cookie: cookieB } });
		expect((await asPlanner()).status).toBe(200);
		cli('user', 'disable', 'cachetest');
		await seenWithin(WITHIN_MS, async () => (await asPlanner()).status === 401);
	}, 300_000);

	it('plain SQL by an operator reaches the cached tiles too (statement triggers)', async () => {
		expect(await tileNames(b, 'facilities')).toContain('缓存测试银行');
		await sql.query(`UPDATE facilities SET name = '运维改名银行' WHERE name = '缓存测试银行'`);
		await bothSee(Date.now(), async (app) => (await tileNames(app, 'facilities')).includes('运维改名银行'));
	}, 120_000);

	const cookies = new Map<AppServer, string>();
	async function cookie(app: AppServer): Promise<string> {
		if (!cookies.has(app)) cookies.set(app, await sessionCookie(app.url, 'admin'));
		return cookies.get(app)!;
	}
});

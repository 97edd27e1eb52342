// The walking network on the real demo roads, on both engines: the graph loaded from walk_edges
// (cached, reloaded when roads change), /api/isochrone's answers and errors, polygons valid by
// PostGIS's ST_IsValid, the CLI — and, on the server engine with pgRouting, network distances equal
// to pgr_dijkstraCost on the same walk_edges for a few hundred random node pairs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineString } from 'geojson';
import type { Db } from '../src/lib/server/db';
import { importFile } from '../src/lib/server/imports';
import { DEMO_STEPS } from '../src/lib/server/imports/demo';
import { getWalkGraph, invalidateWalkGraph, networkStats, serveIsochrone, walkNetworkVersion } from '../src/lib/server/map/walk-network';
import { parseIsochroneArgs, runIsochrone } from '../src/cli/isochrone';
import { buildWalkGraph, graphBounds, nodeDistances, snapAtNode, type WalkGraph } from '$geo/network/graph';
import { seededRandom } from '$geo/network/synthetic';
import { parseLayer } from '$geo/import';
import type { IsochroneCollection } from '$geo/isochrone';
import { testEngines } from './helpers/engines';

const PBF = 'demo/osm/xinjiekou.osm.pbf';
const CENTRE = { lon: 118.7795, lat: 32.0443 }; // 新街口
const PAIRS = 300;

const get = (db: Db, query: string) => serveIsochrone(db, new URLSearchParams(query));

describe('the demo roads step', () => {
	it('is part of the demo load', () => {
		expect(DEMO_STEPS.some((s) => s.file === PBF && s.layer === 'roads')).toBe(true);
	});
});

for (const engine of testEngines()) {
	describe(`walking network on ${engine.name}`, () => {
		let db: Db;
		let graph: WalkGraph;

		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('answers 409 no_network before any roads are imported (bad input is still 400)', async () => {
			expect(await walkNetworkVersion(db)).toBe('empty');
			const r = await get(db, `lon=${CENTRE.lon}&lat=${CENTRE.lat}`);
			expect(r.status).toBe(409);
			expect(r.body).toMatchObject({ code: 'no_network' });
			expect((await get(db, 'lon=abc&lat=32')).status).toBe(400);
		});

		it('loads the demo roads from walk_edges: largest component, dropped parts counted', async () => {
			const summary = await importFile(db, { fileName: PBF, bytes: new Uint8Array(fs.readFileSync(PBF)), layer: 'roads', crs: 'wgs84' });
			expect(summary.written).toBe(383);
			graph = await getWalkGraph(db);
			const [{ nodes, edges }] = await db.query<{ nodes: number; edges: number }>(
				'SELECT (SELECT count(*)::int FROM walk_nodes) AS nodes, (SELECT count(*)::int FROM walk_edges) AS edges'
			);
			expect(graph.nodeCount + graph.dropped.nodes).toBe(nodes);
			expect(graph.edgeCount + graph.dropped.edges).toBe(edges);
			expect(graph.edgeCount).toBeGreaterThan(600);
			expect(graph.dropped.edges).toBeGreaterThan(0);
			// the same graph as built in memory from the same roads
			const parsed = await parseLayer(new Uint8Array(fs.readFileSync(PBF)), { layer: 'roads', crs: 'wgs84', fileName: PBF });
			const direct = buildWalkGraph(parsed.records.filter((r) => r.walkable).map((r) => ({ sourceId: r.sourceId, geometry: r.geometry as LineString })));
			expect([direct.nodeCount, direct.edgeCount, direct.dropped]).toEqual([graph.nodeCount, graph.edgeCount, graph.dropped]);
			const total = (g: WalkGraph) => g.edgeLength.reduce((a, b) => a + b, 0);
			expect(total(graph)).toBeCloseTo(total(direct), 3);
			expect(networkStats(db)).toMatchObject({ nodes: graph.nodeCount, edges: graph.edgeCount, dropped: graph.dropped });
		}, 120_000);

		it('stores edge lengths on the WGS-84 ellipsoid: PostGIS’s geodesic agrees to 1 cm, migration 014 keeps them', async () => {
			const worst = async () => (await db.query<{ d: number }>('SELECT max(abs(length_m - ST_Length(geom::geography, true))) AS d FROM walk_edges'))[0].d;
			expect(await worst()).toBeLessThan(0.01);
			// an edge stored on the sphere (before this model) is remeasured by the migration
			const [{ id }] = await db.query<{ id: number }>('SELECT min(id)::int AS id FROM walk_edges');
			await db.query('UPDATE walk_edges SET length_m = length_m * 0.999 WHERE id = $1', [id]);
			expect(await worst()).toBeGreaterThan(0.01);
			await db.transaction((tx) => tx.exec(fs.readFileSync('migrations/014_walk_edges_ellipsoid.sql', 'utf8')));
			expect(await worst()).toBeLessThan(0.01);
			invalidateWalkGraph(db);
			graph = await getWalkGraph(db);
		});

		it('keeps the graph in memory until the roads change', async () => {
			expect(await getWalkGraph(db)).toBe(graph);
			const before = await walkNetworkVersion(db);
			// one more footway, from a junction near 新街口 100 m east: the network is rebuilt
			const [lon, lat] = [graph.nodeLon[0], graph.nodeLat[0]];
			const footway = {
				type: 'Feature',
				id: 'test-footway',
				properties: { highway: 'footway' },
				geometry: {
					type: 'LineString',
					coordinates: [
						[lon, lat],
						[lon + 0.001, lat]
					]
				}
			};
			await importFile(db, {
				fileName: 'footway.geojson',
				bytes: new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features: [footway] })),
				layer: 'roads',
				crs: 'wgs84'
			});
			expect(await walkNetworkVersion(db)).not.toBe(before);
			const after = await getWalkGraph(db);
			expect(after).not.toBe(graph);
			expect(after.edgeCount).toBe(graph.edgeCount + 1);
			invalidateWalkGraph(db);
			graph = await getWalkGraph(db);
			expect(graph).not.toBe(after);
			expect(graph.edgeCount).toBe(after.edgeCount);
		}, 120_000);

		it('answers /api/isochrone with valid polygons (ST_IsValid), smallest first', async () => {
			const r = await get(db, `lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=15,5,10&speed=75`);
			expect(r.status).toBe(200);
			const fc = r.body as IsochroneCollection;
			expect(fc.type).toBe('FeatureCollection');
			expect(fc.features.map((f) => f.properties.minutes)).toEqual([5, 10, 15]);
			for (const f of fc.features) {
				expect(f.properties.distance_m).toBe(f.properties.minutes * 75);
				expect(f.properties.area_m2).toBeGreaterThan(0);
				expect(f.properties.walkable_ratio).toBeGreaterThan(0.2);
				expect(f.properties.walkable_ratio).toBeLessThan(0.9);
			}
			// the slow profile reaches less
			const slow = (await get(db, `lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=10&profile=slow`)).body as IsochroneCollection;
			expect(slow.features[0].properties.speed_m_per_min).toBe(50);
			expect(slow.features[0].properties.area_m2).toBeLessThan(fc.features[1].properties.area_m2);
			// from 30 random points of the demo area
			const geometries = fc.features.map((f) => JSON.stringify(f.geometry));
			const [x0, y0, x1, y1] = graphBounds(graph)!;
			const rand = seededRandom(5);
			for (let i = 0; i < 30; i++) {
				const q = `lon=${x0 + rand() * (x1 - x0)}&lat=${y0 + rand() * (y1 - y0)}&minutes=${1 + Math.floor(rand() * 20)},20`;
				const res = await get(db, q);
				if (res.status === 400) continue; // outside the network or on an island
				expect(res.status).toBe(200);
				for (const f of (res.body as IsochroneCollection).features) geometries.push(JSON.stringify(f.geometry));
			}
			expect(geometries.length).toBeGreaterThan(40);
			const rows = await db.query<{ i: number; valid: boolean; reason: string }>(
				`SELECT i::int, ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
				 FROM (SELECT ord AS i, ST_SetSRID(ST_GeomFromGeoJSON(txt), 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(txt, ord)) s`,
				[geometries]
			);
			expect(rows.filter((r) => !r.valid).map((r) => `${r.i}: ${r.reason}`)).toEqual([]);
			expect(rows).toHaveLength(geometries.length);
		}, 120_000);

		it('refuses bad input with 400 and a code, in Chinese and English', async () => {
			const cases: [string, string][] = [
				['lat=32.04', 'bad_point'],
				['lon=abc&lat=32.04', 'bad_point'],
				['lon=32.04&lat=118.78', 'bad_point'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&speed=0`, 'bad_speed'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&speed=-75`, 'bad_speed'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&speed=fast`, 'bad_speed'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&profile=running`, 'bad_speed'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=5,abc`, 'bad_minutes'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=`, 'bad_minutes'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=0`, 'bad_minutes'],
				[`lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=15,90`, 'too_many_minutes'],
				[`lon=119.5&lat=32.04`, 'outside_network']
			];
			for (const [query, code] of cases) {
				const r = await get(db, query);
				expect(r.status, query).toBe(400);
				const body = r.body as { code: string; message: string };
				expect(body.code, query).toBe(code);
				expect(body.message, query).toMatch(/[\u4e00-\u9fff].*\/ [A-Za-z0-9"(]/);
			}
			expect(((await get(db, 'lon=32.04&lat=118.78')).body as { message: string }).message).toMatch(/swapped/);
		});

		it('prints the same GeoJSON from the CLI', async () => {
			let printed = '';
			const code = await runIsochrone(
				db,
				parseIsochroneArgs(['--lon', String(CENTRE.lon), '--lat', String(CENTRE.lat), '--minutes', '5,10']),
				(s) => (printed += s)
			);
			expect(code).toBe(0);
			const fromCli = JSON.parse(printed) as IsochroneCollection;
			const fromApi = (await get(db, `lon=${CENTRE.lon}&lat=${CENTRE.lat}&minutes=5,10`)).body;
			expect(fromCli).toEqual(fromApi);
			expect(() => parseIsochroneArgs(['--lon', '118.78'])).toThrow(/--lat/);
			expect(() => parseIsochroneArgs(['--lon', '118.78', '--lat', '32.04', '--speed', 'x'])).toThrow(/speed/);
		});

		it('gives the same distances as pgRouting (pgr_dijkstraCost) for random node pairs, to 1 m', async (ctx) => {
			if (engine.name !== 'postgres') {
				ctx.skip('pgRouting runs on the server engine only (PGlite has no pgRouting)');
				return;
			}
			let available = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pgrouting'`))[0].n > 0;
			if (!available) {
				try {
					await db.exec('CREATE EXTENSION IF NOT EXISTS pgrouting SCHEMA public');
					available = true;
				} catch (err) {
					ctx.skip(`pgRouting is not installed on this server (apt-get install postgresql-15-pgrouting): ${(err as Error).message}`);
					return;
				}
			}
			const rand = seededRandom(17);
			const pairs: [number, number][] = [];
			for (let i = 0; i < PAIRS; i++) pairs.push([Math.floor(rand() * graph.nodeCount), Math.floor(rand() * graph.nodeCount)]);
			const ours = new Map<number, Float64Array>();
			for (const [a] of pairs) if (!ours.has(a)) ours.set(a, nodeDistances(graph, snapAtNode(graph, a)));
			const id = (n: number) => graph.nodeSourceId![n];
			const values = pairs.map(([a, b]) => `(${id(a)}, ${id(b)})`).join(', ');
			const rows = await db.query<{ start_vid: number; end_vid: number; agg_cost: number }>(
				`SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
					'SELECT id, from_node AS source, to_node AS target, length_m AS cost, length_m AS reverse_cost FROM walk_edges',
					'SELECT * FROM (VALUES ${values}) AS t(source, target)',
					directed => false)`
			);
			const theirs = new Map(rows.map((r) => [`${r.start_vid}-${r.end_vid}`, r.agg_cost]));
			let compared = 0;
			for (const [a, b] of pairs) {
				const mine = ours.get(a)![b];
				const expected = a === b ? 0 : theirs.get(`${id(a)}-${id(b)}`);
				expect(expected, `pgRouting finds a path ${id(a)} → ${id(b)}`).toBeDefined();
				expect(Math.abs(mine - expected!), `${id(a)} → ${id(b)}`).toBeLessThan(1);
				compared++;
			}
			expect(compared).toBe(PAIRS);
			// and the dropped nodes are unreachable from the kept ones for pgRouting too
			const kept = new Set(Array.from(graph.nodeSourceId!));
			const dropped = (await db.query<{ id: number }>('SELECT id FROM walk_nodes ORDER BY id')).map((r) => r.id).filter((n) => !kept.has(n));
			expect(dropped.length).toBe(graph.dropped.nodes);
			const cross = dropped
				.slice(0, 20)
				.map((d, i) => `(${id(pairs[i][0])}, ${d})`)
				.join(', ');
			const reached = await db.query(
				`SELECT * FROM pgr_dijkstraCost('SELECT id, from_node AS source, to_node AS target, length_m AS cost, length_m AS reverse_cost FROM walk_edges',
					'SELECT * FROM (VALUES ${cross}) AS t(source, target)', directed => false)`
			);
			expect(reached).toEqual([]);
		}, 120_000);
	});
}

describe('gridatlas isochrone (CLI)', () => {
	it('explains usage errors with exit code 2 before opening any database', () => {
		const r = spawnSync(process.execPath, ['bin/gridatlas.js', 'isochrone', '--lon', '118.78'], {
			encoding: 'utf8',
			env: { ...process.env, GRIDATLAS_DATA_DIR: '/nonexistent/gridatlas-isochrone-test', DATABASE_URL: '' }
		});
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/--lon and --lat are required/);
		expect(r.stderr).toMatch(/gridatlas isochrone --lon <X> --lat <Y>/);
	}, 60_000);
});

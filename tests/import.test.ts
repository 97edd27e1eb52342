// The importers end to end on both engines: the real demo files, re-import without duplicates,
// dry runs, and every named case of bad input, each refused or reported with a clear reason and
// with nothing half-written.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { importFile, ImportLimitError, ImportRejectedError, type ImportRequest } from '../src/lib/server/imports';
import { loadDemo } from '../src/lib/server/imports/demo';
import { ImportFileError } from '$geo/types';
import { testEngines } from './helpers/engines';

const enc = (s: string) => new TextEncoder().encode(s);
const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const point = (lon: number, lat: number, properties: Record<string, unknown> = {}) => ({
	type: 'Feature',
	properties,
	geometry: { type: 'Point', coordinates: [lon, lat] }
});
const square = (lon: number, lat: number, d: number, properties: Record<string, unknown> = {}) => ({
	type: 'Feature',
	properties,
	geometry: {
		type: 'Polygon',
		coordinates: [
			[
				[lon, lat],
				[lon + d, lat],
				[lon + d, lat + d],
				[lon, lat + d],
				[lon, lat]
			]
		]
	}
});

async function count(db: Db, table: string): Promise<number> {
	const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
	return row.n;
}

for (const engine of testEngines()) {
	describe(`importers on ${engine.name}`, () => {
		let db: Db;
		/** A point inside a demo building's grid, found from the data itself. */
		let inside: { lon: number; lat: number; community: string };

		const run = (req: Partial<ImportRequest> & { text?: string }) =>
			importFile(db, {
				fileName: req.fileName ?? 'test.geojson',
				bytes: req.bytes ?? enc(req.text ?? ''),
				layer: req.layer ?? 'facilities',
				...req
			});

		beforeAll(async () => {
			db = await engine.open();
			await loadDemo(db);
			const [row] = await db.query<{ lon: number; lat: number; community: string }>(
				`SELECT ST_X(p) AS lon, ST_Y(p) AS lat, community_code AS community
				 FROM (SELECT ST_PointOnSurface(geom) AS p, community_code FROM buildings WHERE grid_code IS NOT NULL ORDER BY source_id LIMIT 1) b`
			);
			inside = row;
		}, 300_000);
		afterAll(() => engine.cleanup());

		describe('the real demo files', () => {
			it('loads the official code lists', async () => {
				expect(await count(db, 'subdistricts')).toBe(140);
				expect(await count(db, 'communities')).toBe(1322);
				const [row] = await db.query<{ name: string; sub: string }>(
					`SELECT c.name, s.name AS sub FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code WHERE c.code = '320102002001'`
				);
				expect(row).toEqual({ name: '梅园新村社区居委会', sub: '梅园新村街道' });
			});

			it('loads illustrative boundaries, grids with 15-digit codes, and OSM features', async () => {
				const [b] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM communities WHERE geom IS NOT NULL AND illustrative`);
				expect(b.n).toBeGreaterThan(3);
				const grids = await db.query<{ code: string; community_code: string }>('SELECT code, community_code FROM grids');
				expect(grids.length).toBeGreaterThan(5);
				for (const g of grids) expect(g.code.startsWith(g.community_code) && g.code.length === 15).toBe(true);
				expect(await count(db, 'buildings')).toBeGreaterThan(1000);
				expect(await count(db, 'roads')).toBeGreaterThan(200);
				expect(await count(db, 'facilities')).toBeGreaterThan(100);
				expect(await count(db, 'walk_edges')).toBeGreaterThan(await count(db, 'roads'));
			});

			it('estimates households and says so', async () => {
				const [row] = await db.query<{ n: number; estimated: number; empty: number }>(
					`SELECT count(*)::int AS n, count(*) FILTER (WHERE households_estimated)::int AS estimated,
						count(*) FILTER (WHERE households < 1)::int AS empty
					 FROM buildings`
				);
				expect(row.estimated).toBe(row.n);
				// Offices, shops and schools hold no dwellings; most buildings do.
				expect(row.empty).toBeGreaterThan(0);
				expect(row.empty).toBeLessThan(row.n / 2);
				const [c] = await db.query<{ households: number; households_estimated: boolean }>(
					`SELECT households, households_estimated FROM communities WHERE code = $1`,
					[inside.community]
				);
				expect(c.households).toBeGreaterThan(0);
				expect(c.households_estimated).toBe(true);
			});

			it('re-importing the same file creates no duplicates', async () => {
				const before = await count(db, 'buildings');
				const bytes = new Uint8Array(fs.readFileSync('demo/osm/xinjiekou.osm.pbf'));
				const s = await run({ fileName: 'xinjiekou.osm.pbf', bytes, layer: 'buildings' });
				expect(s.inserted).toBe(0);
				expect(s.updated).toBe(s.written);
				expect(await count(db, 'buildings')).toBe(before);
			});

			it('reads the OSM XML and PBF versions of the extract alike', async () => {
				const xml = await run({
					fileName: 'xinjiekou.osm',
					bytes: new Uint8Array(fs.readFileSync('demo/osm/xinjiekou.osm')),
					layer: 'facilities',
					dryRun: true
				});
				const [f] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM facilities WHERE source_id LIKE '%/%'`);
				expect(xml.written).toBe(f.n);
				expect(xml.inserted).toBe(0);
			});

			it('finds the grid holding a point', async () => {
				const { locatePoint } = await import('../src/lib/server/layers/hierarchy');
				const loc = await locatePoint(db, inside.lon, inside.lat);
				expect(loc.community?.code).toBe(inside.community);
				expect(loc.grid?.code.startsWith(inside.community)).toBe(true);
				expect(loc.subdistrict?.code).toBe(inside.community.slice(0, 9));
			});
		});

		describe('writes', () => {
			it('a dry run reports but writes nothing', async () => {
				const before = await count(db, 'facilities');
				const s = await run({ text: fc([point(inside.lon, inside.lat, { category: 'bank', name: '试运行银行' })]), dryRun: true });
				expect(s).toMatchObject({ read: 1, written: 1, dryRun: true });
				expect(await count(db, 'facilities')).toBe(before);
			});

			it('a GeoJSON facility is written once, however often it is imported', async () => {
				const text = fc([point(inside.lon, inside.lat, { category: 'bank', name: '测试银行' })]);
				const first = await run({ text });
				const second = await run({ text });
				expect(first.inserted).toBe(1);
				expect(second).toMatchObject({ inserted: 0, updated: 1 });
				const rows = await db.query(`SELECT 1 FROM facilities WHERE name = '测试银行'`);
				expect(rows).toHaveLength(1);
			});

			it('converts GCJ-02 input to WGS-84 (≈ 500 m shift in Nanjing)', async () => {
				const gcjLon = 118.79,
					gcjLat = 32.04;
				await run({ text: fc([point(gcjLon, gcjLat, { category: 'bank', name: 'GCJ银行' })]), crs: 'gcj02' });
				const [row] = await db.query<{ d: number; lon: number }>(
					`SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d, ST_X(geom) AS lon
					 FROM facilities WHERE name = 'GCJ银行'`,
					[gcjLon, gcjLat]
				);
				expect(row.d).toBeGreaterThan(400);
				expect(row.d).toBeLessThan(700);
				expect(row.lon).toBeLessThan(gcjLon); // WGS-84 lies west of GCJ-02 in China
			});

			it('places a case CSV in its grid', async () => {
				const csv = `id,category,经度,纬度\nC-1,城市环境,${inside.lon},${inside.lat}\n`;
				const s = await run({ fileName: 'cases.csv', text: csv, layer: 'cases' });
				expect(s.written).toBe(1);
				const [row] = await db.query<{ community_code: string; grid_code: string | null }>(
					`SELECT community_code, grid_code FROM cases WHERE source_id = 'C-1'`
				);
				expect(row.community_code).toBe(inside.community);
				expect(row.grid_code?.startsWith(inside.community)).toBe(true);
			});
		});

		describe('bad input', () => {
			const refused = async (req: Parameters<typeof run>[0], rule: string) => {
				const err = await run(req).catch((e) => e);
				expect(err).toBeInstanceOf(ImportFileError);
				expect(err.rule).toBe(rule);
				expect(err.message).toContain(req.fileName ?? 'test.geojson');
				return err as ImportFileError;
			};
			const rejectedRule = async (req: Parameters<typeof run>[0]) => {
				const s = await run({ ...req, dryRun: true });
				expect(s.rejected).toBe(1);
				expect(s.rejectedIssues[0].message.length).toBeGreaterThan(10);
				return s.rejectedIssues[0];
			};

			it('refuses a file that is not GeoJSON, Shapefile, CSV or OSM', async () => {
				await refused({ fileName: 'photo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]) }, 'unknown-format');
			});

			it('refuses an empty file', async () => {
				await refused({ fileName: 'empty.geojson', text: '' }, 'empty-file');
				await refused({ fileName: 'empty2.geojson', text: fc([]) }, 'empty-file');
			});

			it('refuses a file over the size limit before reading it', async () => {
				const err = await run({ text: fc([point(inside.lon, inside.lat, { category: 'bank' })]), maxBytes: 10 }).catch((e) => e);
				expect(err).toBeInstanceOf(ImportLimitError);
				expect(err.message).toMatch(/MB/);
			});

			it('rejects the wrong geometry type for the layer', async () => {
				const line = {
					type: 'Feature',
					properties: {},
					geometry: {
						type: 'LineString',
						coordinates: [
							[118.78, 32.04],
							[118.79, 32.04]
						]
					}
				};
				expect((await rejectedRule({ text: fc([line]), layer: 'buildings' })).rule).toBe('geometry-type');
			});

			it('rejects out-of-range coordinates and spots swapped lat/lon with a hint', async () => {
				expect((await rejectedRule({ text: fc([point(218.78, 32.04, { category: 'bank' })]) })).rule).toBe('coordinate-range');
				const swapped = await rejectedRule({ text: fc([point(32.04, 118.78, { category: 'bank' })]) });
				expect(swapped.rule).toBe('lat-lon-swapped');
			});

			it('repairs an unclosed ring and a self-intersecting ring, and reports both', async () => {
				const open = square(inside.lon, inside.lat, 0.0001, { category: 'park', name: '未闭合' });
				(open.geometry.coordinates[0] as number[][]).pop();
				const bowtie = {
					type: 'Feature',
					properties: { category: 'park', name: '自相交' },
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[inside.lon, inside.lat],
								[inside.lon + 0.001, inside.lat + 0.001],
								[inside.lon + 0.001, inside.lat],
								[inside.lon, inside.lat + 0.001],
								[inside.lon, inside.lat]
							]
						]
					}
				};
				const s = await run({ text: fc([open, bowtie]), dryRun: true });
				expect(s.written).toBe(2);
				expect(s.repaired).toBe(2);
				expect(s.repairedIssues.map((i) => i.rule).sort()).toEqual(['closed-ring', 'self-intersection']);
			});

			it('rejects a building outside every community', async () => {
				const far = square(116.39, 39.9, 0.0002); // Beijing
				expect((await rejectedRule({ text: fc([far]), layer: 'buildings' })).rule).toBe('outside-communities');
			});

			it('rejects a duplicate code in one file', async () => {
				const a = square(inside.lon, inside.lat, 0.0001, { code: '320102003001', name: 'A' });
				const b = square(inside.lon, inside.lat, 0.0001, { code: '320102003001', name: 'B' });
				expect((await rejectedRule({ text: fc([a, b]), layer: 'communities' })).rule).toBe('duplicate-code');
			});

			it('rejects CSV rows with missing or non-numeric coordinates, naming the row', async () => {
				const csv = `name,category,lon,lat\nok,bank,${inside.lon},${inside.lat}\nbad,bank,abc,32.04\nempty,bank,,\n`;
				const s = await run({ fileName: 'f.csv', text: csv, dryRun: true });
				expect(s.written).toBe(1);
				expect(s.rejected).toBe(2);
				expect(s.rejectedIssues.every((i) => i.rule === 'csv-coordinates')).toBe(true);
			});

			it('refuses a CSV without coordinate columns for a point layer', async () => {
				await refused({ fileName: 'f.csv', text: 'name,category\nx,bank\n' }, 'csv-no-coordinates');
			});

			it('strict mode writes nothing when any feature is rejected', async () => {
				const before = await count(db, 'facilities');
				const good = point(inside.lon, inside.lat, { category: 'bank', name: '严格模式' });
				const bad = point(218, 32, { category: 'bank' });
				await expect(run({ text: fc([good, bad]), strict: true })).rejects.toBeInstanceOf(ImportRejectedError);
				expect(await count(db, 'facilities')).toBe(before);
			});

			it('writes a buildings file as it is read, batch by batch, and still all or nothing', async () => {
				// More buildings than one part of the reader (2,000): several batches, one transaction.
				const many = Array.from({ length: 4500 }, (_, i) =>
					square(inside.lon + (i % 90) * 2e-6, inside.lat + Math.floor(i / 90) * 2e-6, 1e-6, { id: `B${i}` })
				);
				const outside = square(116.39, 39.9, 0.0001, { id: 'far' });
				const before = await count(db, 'buildings');
				await expect(run({ text: fc([...many, outside]), layer: 'buildings', strict: true })).rejects.toBeInstanceOf(ImportRejectedError);
				expect(await count(db, 'buildings')).toBe(before);
				const progress: [number, number][] = [];
				const dry = await run({ text: fc([...many, outside]), layer: 'buildings', dryRun: true, onProgress: (done, total) => progress.push([done, total]) });
				expect(dry).toMatchObject({ read: 4501, written: 4500, inserted: 4500, rejected: 1, dryRun: true });
				expect(dry.rejectedIssues.map((i) => i.rule)).toEqual(['outside-communities']);
				expect(await count(db, 'buildings')).toBe(before);
				expect(progress.length).toBeGreaterThan(1);
				expect(progress.at(-1)).toEqual([4500, 4500]);
				for (const [done, total] of progress) expect(total).toBeGreaterThanOrEqual(done);
			});

			it('a grid import needs community boundaries to fall in', async () => {
				const far = square(116.39, 39.9, 0.001, { name: '北京网格' });
				expect((await rejectedRule({ text: fc([far]), layer: 'grids' })).rule).toBe('outside-communities');
			});
		});
	});
}

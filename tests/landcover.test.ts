// The land-cover layer end to end on both engines: the real Xinjiekou extract gives water and green
// space, re-importing creates no duplicates, tables go through the same checks and repairs as every
// polygon layer, and /api/layers/landcover serves kind and name.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { importFile, ImportRejectedError, type ImportRequest } from '../src/lib/server/imports';
import { landcoverByKind } from '../src/lib/server/layers/landcover';
import { isMapLayer, layerCounts, layerGeoJSON } from '../src/lib/server/map/geojson';
import { DEMO_STEPS } from '../src/lib/server/imports/demo';
import { ImportFileError, LAYERS } from '$geo/types';
import { LANDCOVER_KIND_CODES } from '$geo/osm/landcover';
import { testEngines } from './helpers/engines';

const enc = (s: string) => new TextEncoder().encode(s);
const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
/** A small square near 新街口, `i` squares east of the first. */
const square = (i: number, properties: Record<string, unknown>) => {
	const lon = 118.7 + i * 0.001;
	const lat = 32.0;
	return {
		type: 'Feature',
		properties,
		geometry: {
			type: 'Polygon',
			coordinates: [
				[
					[lon, lat],
					[lon + 0.0008, lat],
					[lon + 0.0008, lat + 0.0008],
					[lon, lat + 0.0008],
					[lon, lat]
				]
			]
		}
	};
};
const PBF = 'demo/osm/xinjiekou.osm.pbf';

async function count(db: Db, where = 'true'): Promise<number> {
	const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM landcover WHERE ${where}`);
	return row.n;
}

describe('the landcover layer is wired in', () => {
	it('is an import layer, a map layer, and loaded by the demo before buildings', () => {
		expect(LAYERS).toContain('landcover');
		expect(isMapLayer('landcover')).toBe(true);
		const steps = DEMO_STEPS.map((s) => `${s.file}:${s.layer}`);
		const landcover = steps.indexOf(`${PBF}:landcover`);
		expect(landcover).toBeGreaterThan(-1);
		expect(landcover).toBeLessThan(steps.indexOf(`${PBF}:buildings`));
	});
});

for (const engine of testEngines()) {
	describe(`landcover on ${engine.name}`, () => {
		let db: Db;
		let first: Awaited<ReturnType<typeof importFile>>;
		const run = (req: Partial<ImportRequest> & { text?: string }) =>
			importFile(db, {
				fileName: req.fileName ?? 'landcover.geojson',
				bytes: req.bytes ?? enc(req.text ?? ''),
				layer: 'landcover',
				...req
			});

		beforeAll(async () => {
			db = await engine.open();
			first = await run({ fileName: 'xinjiekou.osm.pbf', bytes: new Uint8Array(fs.readFileSync(PBF)) });
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('imports water, parks and green space from the real extract', async () => {
			expect(first).toMatchObject({ layer: 'landcover', format: 'osm-pbf', rejected: 0 });
			expect(first.written).toBe(first.read);
			expect(first.inserted).toBe(first.written);
			expect(first.written).toBeGreaterThan(120);
			expect(first.written).toBeLessThan(250);
			const byKind = await landcoverByKind(db);
			for (const kind of Object.keys(byKind)) expect(LANDCOVER_KIND_CODES).toContain(kind);
			expect(byKind.water.count).toBeGreaterThanOrEqual(3);
			expect(byKind.water.areaM2).toBeGreaterThan(1000);
			expect(byKind.green.count).toBeGreaterThan(50);
			expect(byKind.park.count).toBeGreaterThanOrEqual(3);
			expect(byKind.education.count).toBeGreaterThan(5);
			expect(byKind.residential.count).toBeGreaterThan(0);
			expect(byKind.commercial.count).toBeGreaterThan(0);
			// Named places come through, e.g. the Presidential Palace grounds (总统府) as a park.
			const [palace] = await db.query<{ kind: string }>(`SELECT kind FROM landcover WHERE name = '总统府'`);
			expect(palace?.kind).toBe('park');
		});

		it('stores valid WGS-84 multipolygons keyed by OSM id, with the file recorded', async () => {
			const [row] = await db.query<{ n: number; bad: number; srid: number; types: string[]; unkeyed: number; files: string[] }>(
				`SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS bad, min(ST_SRID(geom)) AS srid,
					array_agg(DISTINCT GeometryType(geom)) AS types,
					count(*) FILTER (WHERE source_id !~ '^(way|relation)/[0-9]+$')::int AS unkeyed,
					array_agg(DISTINCT source_file) AS files
				 FROM landcover`
			);
			expect(row).toEqual({ n: first.written, bad: 0, srid: 4326, types: ['MULTIPOLYGON'], unkeyed: 0, files: ['xinjiekou.osm.pbf'] });
			// everything lies in the extract's neighbourhood
			const [box] = await db.query<{ minx: number; maxx: number; miny: number; maxy: number }>(
				`SELECT ST_XMin(e) minx, ST_XMax(e) maxx, ST_YMin(e) miny, ST_YMax(e) maxy FROM (SELECT ST_Extent(geom) e FROM landcover) x`
			);
			expect(box.minx).toBeGreaterThan(118.7);
			expect(box.maxx).toBeLessThan(118.85);
			expect(box.miny).toBeGreaterThan(32.0);
			expect(box.maxy).toBeLessThan(32.1);
		});

		it('re-importing the extract (PBF or XML) creates no duplicates', async () => {
			const before = await count(db);
			const again = await run({ fileName: 'xinjiekou.osm.pbf', bytes: new Uint8Array(fs.readFileSync(PBF)) });
			expect(again.inserted).toBe(0);
			expect(again.updated).toBe(first.written);
			const xml = await run({ fileName: 'xinjiekou.osm', bytes: new Uint8Array(fs.readFileSync('demo/osm/xinjiekou.osm')) });
			expect(xml.inserted).toBe(0);
			expect(xml.updated).toBe(first.written);
			expect(await count(db)).toBe(before);
			const [runs] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_runs WHERE layer = 'landcover'`);
			expect(runs.n).toBe(3);
		});

		it('takes GeoJSON with a kind column and updates it in place on re-import', async () => {
			const text = fc([square(0, { id: 'lc-a', kind: 'water', name: '莫愁湖' }), square(1, { id: 'lc-b', 类型: '绿地' })]);
			const s = await run({ text });
			expect(s).toMatchObject({ format: 'geojson', written: 2, inserted: 2, rejected: 0 });
			const renamed = fc([square(0, { id: 'lc-a', kind: 'park', name: '莫愁湖公园' }), square(1, { id: 'lc-b', 类型: '绿地' })]);
			const again = await run({ text: renamed });
			expect(again).toMatchObject({ written: 2, inserted: 0, updated: 2 });
			const rows = await db.query<{ source_id: string; kind: string; name: string | null }>(
				`SELECT source_id, kind, name FROM landcover WHERE source_id LIKE 'lc-%' ORDER BY source_id`
			);
			expect(rows).toEqual([
				{ source_id: 'lc-a', kind: 'park', name: '莫愁湖公园' },
				{ source_id: 'lc-b', kind: 'green', name: null }
			]);
		});

		it('rejects a wrong geometry type with rule geometry-type, and unknown kinds with unknown-kind', async () => {
			const line = {
				type: 'Feature',
				properties: { id: 'lc-line', kind: 'water' },
				geometry: {
					type: 'LineString',
					coordinates: [
						[118.7, 32],
						[118.71, 32.01]
					]
				}
			};
			const pointFeature = { type: 'Feature', properties: { id: 'lc-point', kind: 'park' }, geometry: { type: 'Point', coordinates: [118.7, 32] } };
			const unknown = square(2, { id: 'lc-unknown', kind: 'industrial' });
			const before = await count(db);
			const s = await run({ text: fc([line, pointFeature, unknown]) });
			expect(s.written).toBe(0);
			expect(s.rejectedIssues.map((i) => [i.id, i.rule])).toEqual([
				['lc-line', 'geometry-type'],
				['lc-point', 'geometry-type'],
				['lc-unknown', 'unknown-kind']
			]);
			expect(s.rejectedIssues[0].message).toMatch(/Polygon/);
			expect(await count(db)).toBe(before);
		});

		it('refuses a CSV of points for the land-cover layer', async () => {
			await expect(run({ fileName: 'lc.csv', text: 'kind,lon,lat\nwater,118.78,32.04\n' })).rejects.toSatisfy(
				(err: unknown) => err instanceof ImportFileError && err.rule === 'geometry-type'
			);
		});

		it('repairs a self-intersecting polygon with ST_MakeValid, like every polygon layer', async () => {
			const [lon, lat] = [118.72, 32.0];
			const bowtie = {
				type: 'Feature',
				properties: { id: 'lc-bowtie', kind: 'green' },
				geometry: {
					type: 'Polygon',
					coordinates: [
						[
							[lon, lat],
							[lon + 0.001, lat + 0.001],
							[lon + 0.001, lat],
							[lon, lat + 0.001],
							[lon, lat]
						]
					]
				}
			};
			const s = await run({ text: fc([bowtie]) });
			expect(s.written).toBe(1);
			expect(s.repairedIssues.map((i) => i.rule)).toEqual(['self-intersection']);
			const [row] = await db.query<{ valid: boolean; parts: number }>(
				`SELECT ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts FROM landcover WHERE source_id = 'lc-bowtie'`
			);
			expect(row).toEqual({ valid: true, parts: 2 });
		});

		it('strict mode writes nothing when any feature is rejected; a dry run writes nothing at all', async () => {
			const before = await count(db);
			const good = square(5, { id: 'lc-strict', kind: 'water' });
			const bad = square(6, { id: 'lc-bad', kind: '工业' });
			await expect(run({ text: fc([good, bad]), strict: true })).rejects.toBeInstanceOf(ImportRejectedError);
			const dry = await run({ text: fc([good]), dryRun: true });
			expect(dry.written).toBe(1);
			expect(await count(db)).toBe(before);
		});

		it('serves /api/layers/landcover with kind and name', async () => {
			const all = await layerGeoJSON(db, 'landcover');
			expect(all.features.length).toBe(await count(db));
			for (const f of all.features) {
				expect(LANDCOVER_KIND_CODES).toContain(f.properties!.kind);
				expect(f.geometry.type).toBe('MultiPolygon');
			}
			const palace = all.features.find((f) => f.properties!.name === '总统府');
			expect(palace?.properties).toMatchObject({ kind: 'park', source_id: expect.stringMatching(/^(way|relation)\//) });
			// water is listed last so a single fill layer draws it on top
			expect(all.features.at(-1)!.properties!.kind).toBe('water');
			const bbox = await layerGeoJSON(db, 'landcover', { bbox: [118.6995, 31.9995, 118.7015, 32.0015] });
			expect(bbox.features.map((f) => f.properties!.source_id).sort()).toEqual(['lc-a', 'lc-b']);
			const labels = await layerGeoJSON(db, 'landcover', { labels: true, bbox: [118.6995, 31.9995, 118.7015, 32.0015] });
			expect(labels.features.every((f) => f.geometry.type === 'Point')).toBe(true);
			expect((await layerCounts(db)).landcover).toBe(all.features.length);
		});
	});
}

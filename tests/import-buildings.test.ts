// The buildings writer (one statement per batch: check, repair, place, upsert — layers/buildings.ts
// writeBuildingBatch) on both engines, against what each step means, computed here independently:
// every stored footprint is the file's own (or its ST_MakeValid repair), every building sits in the
// community and grid holding its interior point, the communities' estimates are the sums of their
// buildings', re-importing updates, and a statement failing mid-import leaves nothing written.
// Buildings are placed in memory (geo/placement): the interior points are ST_PointOnSurface's to the
// last bit, buildings whose point is a vertex shared by grids go where SQL puts them, and boundaries
// that change while an import runs send every building back through SQL.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parseLayer } from '$geo/import';
import { interiorPoint } from '$geo/placement/interior-point';
import type { Db, Queryable } from '../src/lib/server/db';
import { importFile, type ImportRequest } from '../src/lib/server/imports';
import { buildingsPart } from '../src/lib/server/imports/building-columns';
import { buildingsWriter } from '../src/lib/server/imports/write-layers';
import { writeSynthCity } from '../src/lib/server/imports/synth';
import { testEngines } from './helpers/engines';

const enc = (s: string) => new TextEncoder().encode(s);
const count = async (db: Db, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params))[0].n;

/** The synthetic city's own footprints (real demo buildings, copy after copy), as a file of buildings. */
async function cityAndFile(db: Db): Promise<Feature[]> {
	const features: Feature[] = [];
	await writeSynthCity(db, {
		buildings: 4200,
		seed: 3,
		buildingsTo: (buildings) => {
			for (const b of buildings) {
				const properties = { id: `S${features.length}`, name: b.name ?? null, levels: b.levels ?? null };
				features.push({ type: 'Feature', properties, geometry: b.geometry });
			}
		}
	});
	return features;
}

const ring = (points: number[][]) => [...points, points[0]];

/** A square centred on (x, y) whose interior point is (x, y) exactly: corners ± 2⁻²⁰ (0.1 m) are exact doubles. */
function squareAround(x: number, y: number): Polygon {
	const d = 2 ** -20;
	return { type: 'Polygon', coordinates: [ring([[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d]])] }; // prettier-ignore
}

const MISPLACED = `SELECT source_id FROM buildings b
	WHERE b.community_code IS DISTINCT FROM (SELECT code FROM communities c WHERE c.geom IS NOT NULL AND ST_Intersects(c.geom, ST_PointOnSurface(b.geom)) ORDER BY code LIMIT 1)
		OR b.grid_code IS DISTINCT FROM (SELECT code FROM grids g WHERE ST_Intersects(g.geom, ST_PointOnSurface(b.geom)) ORDER BY code LIMIT 1)
	ORDER BY source_id`;

for (const engine of testEngines()) {
	describe(`buildings import on ${engine.name}`, () => {
		let db: Db;
		let features: Feature[];
		let file: Feature[];
		/** The writer driven by hand over the city's first 3,000 footprints under new ids, in `tx`: start, then `between`, then the batch. */
		async function writeByHand(tx: Queryable, prefix: string, between: () => Promise<unknown>) {
			const ours = features.slice(0, 3000).map((f, k) => ({ ...f, properties: { id: `${prefix}-${k}` } }));
			const fileName = `${prefix}.geojson`;
			const parsed = await parseLayer(enc(JSON.stringify({ type: 'FeatureCollection', features: ours })), { layer: 'buildings', crs: 'wgs84', fileName });
			const req: ImportRequest = { fileName, bytes: new Uint8Array(0), layer: 'buildings' };
			const writer = buildingsWriter(db);
			await writer.start(tx, req);
			await between();
			await writer.batch(tx, buildingsPart({ records: parsed.records, repaired: [], fraction: 1 }), { rejected: [], repaired: [], flagged: [] }, req);
			return writer;
		}
		const run = (req: Partial<ImportRequest> & { features: Feature[] }) =>
			importFile(db, {
				fileName: 'city-buildings.geojson',
				bytes: enc(JSON.stringify({ type: 'FeatureCollection', features: req.features })),
				layer: 'buildings',
				...req
			});

		beforeAll(async () => {
			db = await engine.open();
			features = await cityAndFile(db);
			// Inside a grid: a bow tie (geo/ finds the crossing, PostGIS repairs it) and a hole larger than its
			// ring (repairs to nothing); far away, a building outside every community.
			const [g] = await db.query<{ x: number; y: number }>(
				`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM grids ORDER BY code LIMIT 1) g`
			);
			const d = 0.00005;
			const bowTie = ring([
				[g.x, g.y],
				[g.x + d, g.y + d],
				[g.x + d, g.y],
				[g.x, g.y + d]
			]);
			const outer = ring([
				[g.x, g.y],
				[g.x + d, g.y],
				[g.x + d, g.y + d],
				[g.x, g.y + d]
			]);
			const larger = ring([
				[g.x - d, g.y - d],
				[g.x + 2 * d, g.y - d],
				[g.x + 2 * d, g.y + 2 * d],
				[g.x - d, g.y + 2 * d]
			]);
			const far = ring([
				[100, 20],
				[100.0001, 20],
				[100.0001, 20.0001],
				[100, 20.0001]
			]);
			// Buildings whose interior point is a vertex shared by three or more grids: on all their boundaries.
			const vertices = await db.query<{ x: number; y: number }>(
				`SELECT x, y FROM (SELECT DISTINCT ST_X(v.geom) AS x, ST_Y(v.geom) AS y FROM (SELECT (ST_DumpPoints(geom)).geom FROM grids) v) p
				 WHERE (SELECT count(*) FROM grids g WHERE ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))) >= 3
				 ORDER BY x, y LIMIT 3`
			);
			expect(vertices).toHaveLength(3);
			file = [
				...features.slice(0, 2100),
				{ type: 'Feature', properties: { id: 'bow-tie' }, geometry: { type: 'Polygon', coordinates: [bowTie] } },
				{ type: 'Feature', properties: { id: 'hole' }, geometry: { type: 'Polygon', coordinates: [outer, larger] } },
				{ type: 'Feature', properties: { id: 'far' }, geometry: { type: 'Polygon', coordinates: [far] } },
				...features.slice(2100),
				...vertices.map((v, k): Feature => ({ type: 'Feature', properties: { id: `vertex-${k}` }, geometry: squareAround(v.x, v.y) }))
			];
		}, 300_000);
		afterAll(() => engine.cleanup());

		it('a statement failing mid-import leaves nothing written', async () => {
			// The third batch's statement fails (batches of 2,000 records): the first two were written by then.
			await db.exec(`CREATE FUNCTION fail_on_s4100() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
				CREATE TRIGGER fail_on_s4100 BEFORE INSERT ON buildings FOR EACH ROW WHEN (NEW.source_id = 'S4100') EXECUTE FUNCTION fail_on_s4100();`);
			try {
				await expect(run({ features: file })).rejects.toThrow(/refused by the test/);
			} finally {
				await db.exec('DROP TRIGGER fail_on_s4100 ON buildings; DROP FUNCTION fail_on_s4100()');
			}
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings')).toBe(0);
			expect(await count(db, `SELECT count(*)::int AS n FROM import_runs WHERE layer = 'buildings'`)).toBe(0);
		});

		it('writes each building as the file gives it, repaired or rejected with its reason', async () => {
			const progress: [number, number][] = [];
			const s = await run({ features: file, onProgress: (done, total) => progress.push([done, total]) });
			expect(s).toMatchObject({ read: 4206, written: 4204, inserted: 4204, updated: 0, rejected: 2 });
			const rules = (issues: { index: number; id?: string; rule: string }[]) => issues.map((i) => [i.index, i.id, i.rule]);
			expect(rules(s.rejectedIssues)).toEqual([
				[2101, 'hole', 'invalid-geometry'],
				[2102, 'far', 'outside-communities']
			]);
			expect(s.rejectedIssues[0].message).toMatch(/修复后为空.*repairs to nothing/);
			expect(rules(s.repairedIssues)).toEqual([[2100, 'bow-tie', 'self-intersection']]);
			expect(progress.at(-1)).toEqual([4204, 4204]);
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings')).toBe(4204);
			// ids follow the file's order, as one insert per row would give them
			const order = await db.query<{ source_id: string }>('SELECT source_id FROM buildings ORDER BY id');
			const kept = file.map((f) => String(f.properties?.id)).filter((id) => id !== 'hole' && id !== 'far');
			expect(order.map((r) => r.source_id)).toEqual(kept);
		});

		it('stores the file’s footprints, and the bow tie as ST_MakeValid repairs it', async () => {
			const json = JSON.stringify(file.map((f) => ({ id: f.properties?.id, g: JSON.stringify(f.geometry) })));
			const differing = await db.query<{ source_id: string }>(
				`SELECT b.source_id FROM buildings b
				 JOIN jsonb_to_recordset($1::jsonb) AS f(id text, g text) ON f.id = b.source_id
				 CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(f.g), 4326) AS g) x
				 WHERE ST_AsBinary(b.geom) IS DISTINCT FROM ST_AsBinary(CASE WHEN ST_IsValid(x.g) THEN ST_Multi(x.g)
					ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(x.g, 'method=structure'), 3)), 9)), 4326)) END)`,
				[json]
			);
			expect(differing).toEqual([]);
			expect(await count(db, `SELECT ST_NumGeometries(geom)::int AS n FROM buildings WHERE source_id = 'bow-tie'`)).toBe(2);
		});

		it('computes each interior point as ST_PointOnSurface does, to the last bit', async () => {
			const shapes = JSON.parse(readFileSync(new URL('../geo/placement/test/in/interior-points.geojson', import.meta.url), 'utf8')) as FeatureCollection;
			const all = [...file, ...shapes.features].map((f) => f.geometry as Polygon | MultiPolygon);
			const stored = await db.query<{ x: number; y: number }>(
				`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS g(json, k)
				 CROSS JOIN LATERAL (SELECT ST_PointOnSurface(ST_GeomFromGeoJSON(g.json)) AS p) q ORDER BY k`,
				[JSON.stringify(all.map((g) => JSON.stringify(g)))]
			);
			const differing = all.flatMap((g, k) => {
				const p = interiorPoint(g);
				return p && p[0] === stored[k].x && p[1] === stored[k].y ? [] : [{ k, ours: p, postgis: stored[k] }];
			});
			expect(differing).toEqual([]);
		});

		it('places every building in the community and grid holding its interior point', async () => {
			expect(await db.query(MISPLACED)).toEqual([]);
			// the vertex buildings: on three grids' boundaries, in the lowest of them
			const atVertices = await db.query<{ grid_code: string; n: number }>(
				`SELECT b.grid_code, (SELECT count(*)::int FROM grids g WHERE ST_Intersects(g.geom, ST_PointOnSurface(b.geom)) AND g.code < b.grid_code) AS n
				 FROM buildings b WHERE source_id LIKE 'vertex-%'`
			);
			expect(atVertices.map((b) => b.n)).toEqual([0, 0, 0]);
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings WHERE community_code IS NULL')).toBe(0);
			expect(await count(db, 'SELECT count(DISTINCT community_code)::int AS n FROM buildings')).toBeGreaterThan(10);
		});

		it('gives each community with estimated households the sum of its buildings', async () => {
			const wrong = await db.query<{ code: string }>(
				`SELECT c.code FROM communities c
				 JOIN (SELECT community_code, sum(households)::int AS n FROM buildings GROUP BY community_code) s ON s.community_code = c.code
				 WHERE c.households_estimated AND c.households IS DISTINCT FROM s.n`
			);
			expect(wrong).toEqual([]);
			// each community whose estimate changed has its audit row, with what changed and nothing else
			const audited = await db.query<{ code: string; unit_code: string; before: object; after: { households: number } }>(
				`SELECT entity_id AS code, unit_code, before, after FROM audit_log WHERE entity = 'communities' AND action = 'update' ORDER BY entity_id`
			);
			const estimated = await db.query<{ code: string; households: number }>(
				`SELECT code, households FROM communities WHERE households_estimated AND code IN (SELECT community_code FROM buildings) ORDER BY code`
			);
			expect(estimated.length).toBeGreaterThan(10);
			expect(audited.map((a) => [a.code, a.unit_code, a.after])).toEqual(
				estimated.map((c) => [c.code, c.code, { households: c.households, households_estimated: true }])
			);
			expect(Object.keys(audited[0].before).sort()).toEqual(['households', 'households_estimated']);
			// the row trigger is on again afterwards: a community's edit is logged whole, as before
			await db.transaction((tx) => tx.query(`UPDATE communities SET name = name || '·' WHERE code = $1`, [estimated[0].code]));
			const [edit] = await db.query<{ after: Record<string, unknown> }>(
				`SELECT after FROM audit_log WHERE entity = 'communities' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
				[estimated[0].code]
			);
			expect(edit.after).toHaveProperty('geom');
			expect(edit.after.name).toMatch(/·$/);
		});

		it('re-importing updates every building and inserts none', async () => {
			const before = await db.query<{ id: number; source_id: string }>('SELECT id, source_id FROM buildings ORDER BY id');
			const s = await run({ features: file });
			expect(s).toMatchObject({ written: 4204, inserted: 0, updated: 4204, rejected: 2 });
			expect(await db.query('SELECT id, source_id FROM buildings ORDER BY id')).toEqual(before);
		});

		it('when grid boundaries change, every building follows the grid that now holds it', async () => {
			const [community] = await db.query<{ code: string }>(
				`SELECT community_code AS code FROM grids GROUP BY community_code HAVING count(*) >= 2 ORDER BY community_code LIMIT 1`
			);
			const grids = await db.query<{ code: string; name: string; geom: string; n: number }>(
				`SELECT g.code, g.name, ST_AsGeoJSON(g.geom) AS geom, (SELECT count(*)::int FROM buildings b WHERE b.grid_code = g.code) AS n
				 FROM grids g WHERE community_code = $1 ORDER BY code LIMIT 2`,
				[community.code]
			);
			expect(grids[0].n).not.toBe(grids[1].n);
			// the two grids trade boundaries: their buildings trade grids
			const swapped: Feature[] = grids.map((g, i) => ({
				type: 'Feature',
				properties: { code: g.code, name: g.name },
				geometry: JSON.parse(grids[1 - i].geom)
			}));
			await importFile(db, { fileName: 'grids.geojson', bytes: enc(JSON.stringify({ type: 'FeatureCollection', features: swapped })), layer: 'grids' });
			const after = await db.query<{ code: string; n: number }>(
				`SELECT code, (SELECT count(*)::int FROM buildings b WHERE b.grid_code = g.code) AS n FROM grids g WHERE code = ANY($1) ORDER BY code`,
				[grids.map((g) => g.code)]
			);
			expect(after.map((g) => g.n)).toEqual([grids[1].n, grids[0].n]);
			expect(await db.query(MISPLACED)).toEqual([]);
		});

		it('places with the boundaries it started with, and every building again in SQL when they changed before it ends', async () => {
			const [a, b] = await db.query<{ code: string }>(
				`SELECT grid_code AS code FROM buildings GROUP BY grid_code HAVING count(*) >= 5 ORDER BY count(*) DESC, grid_code LIMIT 2`
			);
			const misplaced = (tx: Queryable) =>
				tx.query<{ source_id: string }>(MISPLACED).then((rows) => rows.filter((r) => r.source_id.startsWith('moved-')).length);
			await db
				.transaction(async (tx) => {
					// a boundary writer, as if it had committed meanwhile: the two grids trade boundaries
					const writer = await writeByHand(tx, 'moved', () =>
						tx.query(`UPDATE grids g SET geom = o.geom FROM grids o WHERE (g.code, o.code) IN (($1, $2), ($2, $1))`, [a.code, b.code])
					);
					// placed in memory by the boundaries read at the start: the buildings of the two grids are now in the wrong one
					expect(await misplaced(tx)).toBeGreaterThanOrEqual(10);
					await writer.finish(tx);
					expect(await misplaced(tx)).toBe(0);
					throw new Error('rolled back by the test');
				})
				.catch((e: Error) => {
					if (e.message !== 'rolled back by the test') throw e;
				});
		});

		it.runIf(engine.name === 'postgres')('a grid another connection deletes while the import runs leaves no building with its code', async () => {
			const [victim] = await db.query<{ code: string }>(
				`SELECT grid_code AS code FROM buildings GROUP BY grid_code HAVING count(*) >= 5 ORDER BY count(*) DESC, grid_code LIMIT 1`
			);
			await db.transaction(async (tx) => {
				const writer = await writeByHand(tx, 'late', async () => {});
				// committed by another connection while the import's transaction is open: nothing of the import holds it back
				await db.query('DELETE FROM grids WHERE code = $1', [victim.code]);
				await writer.finish(tx);
			});
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings WHERE grid_code = $1', [victim.code])).toBe(0);
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings WHERE grid_code IS NOT NULL AND grid_code NOT IN (SELECT code FROM grids)')).toBe(0);
			expect(await db.query(MISPLACED)).toEqual([]);
		});
	});
}

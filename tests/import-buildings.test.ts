// The buildings writer (one statement per batch: check, repair, place, upsert — layers/buildings.ts
// writeBuildingBatch) on both engines, against what each step means, computed here independently:
// every stored footprint is the file's own (or its ST_MakeValid repair), every building sits in the
// community and grid holding its interior point, the communities' estimates are the sums of their
// buildings', re-importing updates, and a statement failing mid-import leaves nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from 'geojson';
import type { Db } from '../src/lib/server/db';
import { importFile, type ImportRequest } from '../src/lib/server/imports';
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

for (const engine of testEngines()) {
	describe(`buildings import on ${engine.name}`, () => {
		let db: Db;
		let features: Feature[];
		let file: Feature[];
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
			file = [
				...features.slice(0, 2100),
				{ type: 'Feature', properties: { id: 'bow-tie' }, geometry: { type: 'Polygon', coordinates: [bowTie] } },
				{ type: 'Feature', properties: { id: 'hole' }, geometry: { type: 'Polygon', coordinates: [outer, larger] } },
				{ type: 'Feature', properties: { id: 'far' }, geometry: { type: 'Polygon', coordinates: [far] } },
				...features.slice(2100)
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
			expect(s).toMatchObject({ read: 4203, written: 4201, inserted: 4201, updated: 0, rejected: 2 });
			const rules = (issues: { index: number; id?: string; rule: string }[]) => issues.map((i) => [i.index, i.id, i.rule]);
			expect(rules(s.rejectedIssues)).toEqual([
				[2101, 'hole', 'invalid-geometry'],
				[2102, 'far', 'outside-communities']
			]);
			expect(s.rejectedIssues[0].message).toMatch(/修复后为空.*repairs to nothing/);
			expect(rules(s.repairedIssues)).toEqual([[2100, 'bow-tie', 'self-intersection']]);
			expect(progress.at(-1)).toEqual([4201, 4201]);
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings')).toBe(4201);
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

		it('places every building in the community and grid holding its interior point', async () => {
			const misplaced = await db.query<{ source_id: string }>(
				`SELECT source_id FROM buildings b
				 WHERE b.community_code IS DISTINCT FROM (SELECT code FROM communities c WHERE c.geom IS NOT NULL AND ST_Intersects(c.geom, ST_PointOnSurface(b.geom)) ORDER BY code LIMIT 1)
					OR b.grid_code IS DISTINCT FROM (SELECT code FROM grids g WHERE ST_Intersects(g.geom, ST_PointOnSurface(b.geom)) ORDER BY code LIMIT 1)`
			);
			expect(misplaced).toEqual([]);
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
		});

		it('re-importing updates every building and inserts none', async () => {
			const before = await db.query<{ id: number; source_id: string }>('SELECT id, source_id FROM buildings ORDER BY id');
			const s = await run({ features: file });
			expect(s).toMatchObject({ written: 4201, inserted: 0, updated: 4201, rejected: 2 });
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
			const misplaced = await db.query<{ source_id: string }>(
				`SELECT source_id FROM buildings b
				 WHERE b.grid_code IS DISTINCT FROM (SELECT code FROM grids g WHERE ST_Intersects(g.geom, ST_PointOnSurface(b.geom)) ORDER BY code LIMIT 1)`
			);
			expect(misplaced).toEqual([]);
		});
	});
}

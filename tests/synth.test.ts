// `gridatlas synth` into the database on both engines: the asked number of buildings, valid nested
// codes, copies that never overlap, buildings inside their grids, idempotent re-runs, tiles that see
// the new city; and the GeoJSON files it writes (one per layer).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { writeSynthCity, writeSynthGeoJSON, type SynthSummary } from '../src/lib/server/imports/synth';
import { importFile } from '../src/lib/server/imports';
import { buildTile } from '../src/lib/server/map/tiles';
import { readVersions } from '../src/lib/server/db/versions';
import { tilesCovering } from '$geo/tiles';
import { testEngines } from './helpers/engines';

const count = async (db: Db, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params))[0].n;

for (const engine of testEngines()) {
	describe(`synthetic city on ${engine.name}`, () => {
		let db: Db;
		let summary: SynthSummary;
		const progress: number[] = [];

		beforeAll(async () => {
			db = await engine.open();
			summary = await writeSynthCity(db, { buildings: 5000, seed: 7, onProgress: (d) => progress.push(d.buildings) });
		}, 300_000);
		afterAll(() => engine.cleanup());

		it('writes exactly the buildings asked for, and reports progress per copy', async () => {
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings')).toBe(5000);
			expect(summary.written.buildings).toBe(5000);
			expect(summary.plan.copies).toBe(progress.length);
			expect(progress.at(-1)).toBe(5000);
			expect(await count(db, 'SELECT count(*)::int AS n FROM grids')).toBe(summary.plan.grids);
			expect(await count(db, 'SELECT count(*)::int AS n FROM communities')).toBe(summary.plan.communities);
			expect(await count(db, 'SELECT count(*)::int AS n FROM subdistricts')).toBe(summary.plan.subdistricts);
		});

		it('gives valid synthetic codes: 15-digit grids starting with their community, nested up to the subdistrict', async () => {
			expect(await count(db, `SELECT count(*)::int AS n FROM subdistricts WHERE code !~ '^99[0-9]{7}$' OR NOT illustrative`)).toBe(0);
			expect(await count(db, `SELECT count(*)::int AS n FROM communities WHERE substr(code, 1, 9) <> subdistrict_code OR NOT illustrative`)).toBe(0);
			expect(
				await count(db, `SELECT count(*)::int AS n FROM grids WHERE code !~ '^99[0-9]{13}$' OR substr(code, 1, 12) <> community_code OR NOT illustrative`)
			).toBe(0);
			expect(
				await count(db, `SELECT count(*)::int AS n FROM buildings b JOIN grids g ON g.code = b.grid_code WHERE g.community_code <> b.community_code`)
			).toBe(0);
			expect(await count(db, `SELECT count(*)::int AS n FROM buildings WHERE grid_code IS NULL`)).toBe(0);
		});

		it('has no overlapping grids, between copies or within one', async () => {
			// different copies (code digits 1–6) do not even touch
			expect(
				await count(
					db,
					`SELECT count(*)::int AS n FROM grids a JOIN grids b
					 ON a.code < b.code AND substr(a.code, 1, 6) <> substr(b.code, 1, 6) AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)`
				)
			).toBe(0);
			// Within a copy the grids are the demo's partition moved and scaled as one piece (checked in
			// geo/synth); an overlay check here would hit PGlite's GEOS, whose ST_Intersection returns no
			// row at all for some valid pairs.
			expect(await count(db, `SELECT count(*)::int AS n FROM grids WHERE NOT ST_IsValid(geom)`)).toBe(0);
		});

		it('puts every building inside its own grid', async () => {
			expect(
				await count(
					db,
					`SELECT count(*)::int AS n FROM buildings b JOIN grids g ON g.code = b.grid_code WHERE NOT ST_Intersects(g.geom, ST_PointOnSurface(b.geom))`
				)
			).toBe(0);
		});

		it('re-running with the same sizes updates the same rows', async () => {
			await writeSynthCity(db, { buildings: 5000, seed: 7 });
			expect(await count(db, 'SELECT count(*)::int AS n FROM buildings')).toBe(5000);
			expect(await count(db, 'SELECT count(*)::int AS n FROM grids')).toBe(summary.plan.grids);
		});

		it('moves the data version of the grids (cached tiles key by it), and the tiles show the new city', async () => {
			const before = (await readVersions(db)).grids;
			await writeSynthCity(db, { grids: 211, buildings: 0, seed: 7 });
			expect((await readVersions(db)).grids).toBeGreaterThan(before);
			const [w, s, e, n] = summary.plan.bbox;
			const r = tilesCovering([(w + e) / 2, (s + n) / 2, (w + e) / 2, (s + n) / 2], 13);
			expect((await buildTile(db, 'grids', { z: 13, x: r.x0, y: r.y0 })).byteLength).toBeGreaterThan(1000);
		});

		it("writes one GeoJSON file per layer, with the importers' property names", async () => {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-synth-'));
			try {
				const out = await writeSynthGeoJSON(path.join(dir, 'city.geojson'), { grids: 300, buildings: 1500, seed: 11 });
				expect(Object.values(out.files!).map((f) => path.basename(f))).toEqual([
					'city.subdistricts.geojson',
					'city.communities.geojson',
					'city.grids.geojson',
					'city.buildings.geojson'
				]);
				const read = (layer: keyof NonNullable<SynthSummary['files']>) => JSON.parse(fs.readFileSync(out.files![layer], 'utf8')).features;
				const grids = read('grids');
				expect(grids).toHaveLength(300);
				expect(read('buildings')).toHaveLength(1500);
				expect(read('communities')).toHaveLength(out.plan.communities);
				expect(grids[0].properties).toMatchObject({ kind: 'basic', illustrative: true });
				for (const g of grids) expect(g.properties.code.startsWith(g.properties.community_code)).toBe(true);
				expect(read('buildings')[0].properties.households).toBeGreaterThanOrEqual(0);
			} finally {
				fs.rmSync(dir, { recursive: true, force: true });
			}
		});
	});

	describe(`synthetic GeoJSON imported on ${engine.name}`, () => {
		let db: Db;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-synth-import-'));
		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(async () => {
			fs.rmSync(dir, { recursive: true, force: true });
			await engine.cleanup();
		});

		it('refuses the province-99 codes unless asked, then imports every layer of `synth --out`', async () => {
			const out = await writeSynthGeoJSON(path.join(dir, 'city.geojson'), { grids: 120, buildings: 600, seed: 5 });
			const file = (layer: keyof NonNullable<SynthSummary['files']>) => ({
				fileName: out.files![layer],
				bytes: new Uint8Array(fs.readFileSync(out.files![layer]))
			});
			const refused = await importFile(db, { ...file('subdistricts'), layer: 'subdistricts' });
			expect(refused.written).toBe(0);
			expect(refused.rejectedIssues[0].message).toContain('--synthetic-codes');
			const written: Record<string, number> = {};
			for (const layer of ['subdistricts', 'communities', 'grids', 'buildings'] as const) {
				const r = await importFile(db, { ...file(layer), layer, syntheticCodes: true, illustrative: true });
				expect(r.rejectedIssues, layer).toEqual([]);
				written[layer] = r.written;
			}
			expect(written).toEqual({ subdistricts: out.plan.subdistricts, communities: out.plan.communities, grids: 120, buildings: 600 });
			expect(await count(db, `SELECT count(*)::int AS n FROM grids WHERE code LIKE '99%'`)).toBe(120);
		}, 120_000);
	});
}

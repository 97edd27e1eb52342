import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, loadMigrations } from '../src/lib/server/db/migrate';
import type { Db } from '../src/lib/server/db';
import { testEngines } from './helpers/engines';

for (const engine of testEngines()) {
	describe(`migrations on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
		});
		afterAll(() => engine.cleanup());

		it('records every migration file once', async () => {
			const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
			expect(rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
		});

		it('changes nothing when run a second time', async () => {
			const before = await db.query<{ n: number }>('SELECT count(*)::int n FROM coverage_rules');
			expect(await runMigrations(db)).toEqual([]);
			// The files themselves are idempotent too: running them again directly is harmless.
			for (const m of loadMigrations()) await db.transaction((tx) => tx.exec(m.sql));
			const after = await db.query<{ n: number }>('SELECT count(*)::int n FROM coverage_rules');
			expect(after[0].n).toBe(before[0].n);
			expect(before[0].n).toBeGreaterThan(20);
		});

		it('has PostGIS, SRID 4326 geometry and GiST indexes', async () => {
			const [v] = await db.query<{ v: string }>('SELECT postgis_lib_version() v');
			expect(v.v).toMatch(/^3\./);
			const cols = await db.query<{ t: string; c: string; srid: number }>(
				`SELECT f_table_name t, f_geometry_column c, srid FROM geometry_columns WHERE f_table_schema = current_schema() ORDER BY 1`
			);
			expect(cols.map((c) => c.t)).toEqual(expect.arrayContaining(['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'cases']));
			// everything is stored in WGS-84; the one exception is derived: the grids in Web Mercator
			// for the server engine's tiles, kept by the database from geom
			const mercator = cols.filter((c) => c.srid !== 4326);
			expect(mercator).toEqual([{ t: 'grids', c: 'geom_3857', srid: 3857 }]);
			const idx = await db.query<{ n: number }>(`SELECT count(*)::int n FROM pg_indexes WHERE schemaname = current_schema() AND indexdef ILIKE '%USING gist%'`);
			expect(idx[0].n).toBeGreaterThanOrEqual(9);
		});

		it('enforces the hierarchy with foreign keys and code checks', async () => {
			await expect(db.query(`INSERT INTO communities (code, subdistrict_code, name) VALUES ('320102003001', '320102003', 'x')`)).rejects.toThrow(/foreign key/);
			await expect(db.query(`INSERT INTO subdistricts (code, name) VALUES ('12345', 'x')`)).rejects.toThrow(/check/i);
		});

		it('keeps a building’s unit codes true without foreign keys: a renamed code follows, a deleted unit leaves it without', async () => {
			await db.exec(`INSERT INTO subdistricts (code, name) VALUES ('320102777', 's');
				INSERT INTO communities (code, subdistrict_code, name) VALUES ('320102777001', '320102777', 'c');
				INSERT INTO buildings (source_id, geom, footprint_m2, households, community_code) VALUES ('unit-codes',
					ST_Multi(ST_GeomFromText('POLYGON((118.001 32.001, 118.002 32.001, 118.002 32.002, 118.001 32.001))', 4326)), 100, 1, '320102777001');`);
			const codes = async () =>
				(await db.query<{ c: string | null; g: string | null }>(`SELECT community_code c, grid_code g FROM buildings WHERE source_id = 'unit-codes'`))[0];
			await db.exec(`UPDATE communities SET code = '320102777009' WHERE code = '320102777001'`);
			expect(await codes()).toEqual({ c: '320102777009', g: null });
			await db.exec(`INSERT INTO grids (code, community_code, seq, name, geom) VALUES ('320102777009001', '320102777009', 1, 'g',
					ST_Multi(ST_GeomFromText('POLYGON((118 32, 118.01 32, 118.01 32.01, 118 32.01, 118 32))', 4326)));
				UPDATE buildings SET grid_code = '320102777009001' WHERE source_id = 'unit-codes';
				UPDATE grids SET code = '320102777009009', seq = 9 WHERE code = '320102777009001';`);
			expect(await codes()).toEqual({ c: '320102777009', g: '320102777009009' });
			await db.exec(`DELETE FROM grids WHERE code = '320102777009009'`);
			expect(await codes()).toEqual({ c: '320102777009', g: null });
			await db.exec(`DELETE FROM communities WHERE code = '320102777009'`);
			expect(await codes()).toEqual({ c: null, g: null });
			await db.exec(`DELETE FROM buildings WHERE source_id = 'unit-codes'; DELETE FROM subdistricts WHERE code = '320102777'`);
		});

		it('passes bytea both ways byte for byte (the embedded engine encodes and decodes it natively)', async () => {
			const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
			const [r] = await db.query<{ b: Uint8Array; n: number; md5: string }>('SELECT $1::bytea AS b, length($1::bytea) AS n, md5($1::bytea) AS md5', [bytes]);
			expect(r.n).toBe(512);
			expect(Buffer.from(r.b).equals(Buffer.from(bytes))).toBe(true);
			expect(r.md5).toBe(createHash('md5').update(bytes).digest('hex'));
		});

		it('rolls a failed transaction back completely', async () => {
			await expect(
				db.transaction(async (tx) => {
					await tx.query(`INSERT INTO subdistricts (code, name) VALUES ('999999999', 'tmp')`);
					throw new Error('boom');
				})
			).rejects.toThrow('boom');
			const rows = await db.query(`SELECT 1 FROM subdistricts WHERE code = '999999999'`);
			expect(rows).toHaveLength(0);
		});
	});
}

// Unit facts (the side panel's API) and unit search on a small hand-made city, on both engines.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEngines } from '../../../../tests/helpers/engines';
import type { Db } from '../db';
import { versionTracker } from '../db/versions';
import { withReadContext } from '../db/read-context';
import { searchUnits } from './search';
import { unitFacts, unitKindOf } from './units';
import { configuredBasemaps } from './basemaps';

const box = (x0: number, y0: number, x1: number, y1: number) =>
	JSON.stringify({
		type: 'MultiPolygon',
		coordinates: [
			[
				[
					[x0, y0],
					[x1, y0],
					[x1, y1],
					[x0, y1],
					[x0, y0]
				]
			]
		]
	});
const point = (x: number, y: number) => JSON.stringify({ type: 'Point', coordinates: [x, y] });

// 新街口街道 is the square 118.78–118.80 × 32.04–32.05: 香铺营 the west half (two grids), 长江路 the
// east half (one grid), and 测试 only in the code list (no boundary).
async function seed(db: Db) {
	const g = (json: string) => `ST_SetSRID(ST_GeomFromGeoJSON('${json}'), 4326)`;
	await db.exec(`
		INSERT INTO subdistricts (code, name, district_name, geom, illustrative) VALUES
			('320102003', '新街口街道', '玄武区', ${g(box(118.78, 32.04, 118.8, 32.05))}, true),
			('320102002', '梅园新村街道', '玄武区', NULL, false);
		INSERT INTO communities (code, subdistrict_code, name, households, households_estimated, population, geom, illustrative) VALUES
			('320102003001', '320102003', '香铺营社区居委会', 350, true, 1000, ${g(box(118.78, 32.04, 118.79, 32.05))}, true),
			('320102003002', '320102003', '长江路社区居委会', 80, false, NULL, ${g(box(118.79, 32.04, 118.8, 32.05))}, true),
			('320102003099', '320102003', '测试社区居委会', NULL, false, NULL, NULL, false);
		INSERT INTO grids (code, community_code, seq, name, kind, geom, illustrative) VALUES
			('320102003001001', '320102003001', 1, '香铺营第1网格', 'basic', ${g(box(118.78, 32.04, 118.785, 32.05))}, true),
			('320102003001002', '320102003001', 2, '香铺营第2网格', 'dedicated', ${g(box(118.785, 32.04, 118.79, 32.05))}, true),
			('320102003002001', '320102003002', 1, '长江路第1网格', 'basic', ${g(box(118.79, 32.04, 118.8, 32.05))}, true);
		INSERT INTO buildings (source_id, geom, footprint_m2, households, households_estimated, community_code, grid_code) VALUES
			('b1', ${g(box(118.781, 32.041, 118.7812, 32.0412))}, 400, 100, true, '320102003001', '320102003001001'),
			('b2', ${g(box(118.782, 32.041, 118.7822, 32.0412))}, 400, 200, true, '320102003001', '320102003001001'),
			('b3', ${g(box(118.786, 32.041, 118.7862, 32.0412))}, 400, 50, false, '320102003001', '320102003001002'),
			('b4', ${g(box(118.795, 32.041, 118.7952, 32.0412))}, 400, 80, false, '320102003002', '320102003002001');
		INSERT INTO facilities (source_id, category_code, name, geom) VALUES
			('f1', 'clinic', '社区卫生服务站', ${g(point(118.781, 32.045))}),
			('f2', 'clinic', '诊所', ${g(point(118.787, 32.045))}),
			('f3', 'bank', '银行', ${g(box(118.795, 32.045, 118.796, 32.046))}),
			('f4', 'school', '远处的学校', ${g(point(118.9, 32.1))});
	`);
}

describe('unit codes', () => {
	it('tells the kind from the code', () => {
		expect(unitKindOf('city')).toBe('city');
		expect(unitKindOf('320102003')).toBe('subdistrict');
		expect(unitKindOf('320102003001')).toBe('community');
		expect(unitKindOf('320102003001001')).toBe('grid');
		expect(unitKindOf('3201')).toBeNull();
		expect(unitKindOf("320102003'; --")).toBeNull();
	});
});

for (const engine of testEngines()) {
	describe(`units and search (${engine.name})`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await seed(db);
		});
		afterAll(() => engine.cleanup());

		it('gives a community its parents, counts and facilities inside its boundary', async () => {
			const f = await unitFacts(db, '320102003001');
			expect(f).toMatchObject({
				kind: 'community',
				name: '香铺营社区居委会',
				parents: [
					{ kind: 'city', code: 'city' },
					{ kind: 'subdistrict', code: '320102003', name: '新街口街道' }
				],
				households: 350,
				householdsEstimated: true,
				population: 1000,
				grids: { total: 2, basic: 1, dedicated: 1 },
				buildings: 3,
				illustrative: true,
				hasBoundary: true,
				householdBand: { min: 300, max: 500 },
				facilitiesTotal: 2
			});
			expect(f!.facilities).toEqual([expect.objectContaining({ code: 'clinic', count: 2 })]);
			expect(f!.children.map((c) => [c.code, c.households, c.gridKind])).toEqual([
				['320102003001001', 300, 'basic'],
				['320102003001002', 50, 'dedicated']
			]);
			expect(f!.bbox![0]).toBeCloseTo(118.78, 6);
			expect(f!.bbox![3]).toBeCloseTo(32.05, 6);
		});

		it('gives a grid its buildings and estimated households', async () => {
			const f = await unitFacts(db, '320102003001001');
			expect(f).toMatchObject({
				kind: 'grid',
				gridKind: 'basic',
				households: 300,
				householdsEstimated: true,
				population: null,
				buildings: 2,
				grids: { total: 1, basic: 1, dedicated: 0 },
				facilitiesTotal: 1,
				children: []
			});
			expect(f!.parents.map((p) => p.code)).toEqual(['city', '320102003', '320102003001']);
			const g2 = await unitFacts(db, '320102003001002');
			expect(g2).toMatchObject({ households: 50, householdsEstimated: false, gridKind: 'dedicated' });
		});

		it('sums a subdistrict over its communities; polygons count where they are drawn', async () => {
			const f = await unitFacts(db, '320102003');
			expect(f).toMatchObject({
				kind: 'subdistrict',
				districtName: '玄武区',
				households: 430,
				householdsEstimated: true,
				population: 1000,
				buildings: 4,
				grids: { total: 3, basic: 2, dedicated: 1 },
				facilitiesTotal: 3
			});
			expect(f!.facilities!.map((c) => [c.code, c.count])).toEqual([
				['clinic', 2],
				['bank', 1]
			]);
			// Communities with a boundary first; the code-list-only one is still listed.
			expect(f!.children.map((c) => [c.code, c.hasBoundary])).toEqual([
				['320102003001', true],
				['320102003002', true],
				['320102003099', false]
			]);
		});

		it('says what it can about a community without a boundary', async () => {
			const f = await unitFacts(db, '320102003099');
			expect(f).toMatchObject({ hasBoundary: false, bbox: null, facilities: null, facilitiesTotal: null, households: null, buildings: 0 });
		});

		it('totals the city', async () => {
			const f = await unitFacts(db, 'city');
			expect(f).toMatchObject({
				kind: 'city',
				parents: [],
				households: 430,
				buildings: 4,
				grids: { total: 3, basic: 2, dedicated: 1 },
				facilitiesTotal: 4,
				totals: { subdistricts: { mapped: 1, listed: 2 }, communities: { mapped: 2, listed: 3 } }
			});
			expect(f!.children.map((c) => c.code)).toEqual(['320102003']);
		});

		it('returns null for unknown or malformed codes', async () => {
			expect(await unitFacts(db, '320102009')).toBeNull();
			expect(await unitFacts(db, '999999999999999')).toBeNull();
			expect(await unitFacts(db, 'abc')).toBeNull();
		});

		it('finds units by part of the name, mapped ones first', async () => {
			const r = await searchUnits(db, '香铺营');
			expect(r.hits.map((h) => [h.kind, h.code])).toEqual([
				['community', '320102003001'],
				['grid', '320102003001001'],
				['grid', '320102003001002']
			]);
			expect(r.hits[0]).toMatchObject({ parentName: '新街口街道', hasBoundary: true });
			expect(r.truncated).toBe(false);
			const all = await searchUnits(db, '社区');
			expect(all.hits.at(-1)).toMatchObject({ code: '320102003099', hasBoundary: false });
		});

		it('finds units by code prefix, the exact code first', async () => {
			const r = await searchUnits(db, '320102003001');
			expect(r.hits[0]).toMatchObject({ kind: 'community', code: '320102003001' });
			expect(r.hits.map((h) => h.code)).toEqual(['320102003001', '320102003001001', '320102003001002']);
			expect((await searchUnits(db, '320102003002001')).hits.map((h) => h.code)).toEqual(['320102003002001']);
		});

		it('limits results and says so', async () => {
			const r = await searchUnits(db, '3201', 2);
			expect(r.hits).toHaveLength(2);
			expect(r.truncated).toBe(true);
		});

		it('ranks as the SQL it replaced does, for every query of a name part or a code prefix', async () => {
			// the previous implementation, kept as the oracle of the ranking
			const oracle = async (q: string, n: number) => {
				const like = (t: string) => t.replace(/[\\%_]/g, (c) => `\\${c}`);
				const rows = await db.query<{ code: string }>(
					`SELECT code FROM (
						SELECT s.code, s.name, s.geom IS NOT NULL AS has_boundary, 1 AS level FROM subdistricts s WHERE s.name ILIKE $1 ESCAPE '\\' OR s.code LIKE $2
						UNION ALL SELECT c.code, c.name, c.geom IS NOT NULL, 2 FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
							WHERE c.name ILIKE $1 ESCAPE '\\' OR c.code LIKE $2
						UNION ALL SELECT g.code, g.name, true, 3 FROM grids g JOIN communities c ON c.code = g.community_code WHERE g.name ILIKE $1 ESCAPE '\\' OR g.code LIKE $2
					) x ORDER BY code = $3 DESC, has_boundary DESC, name ILIKE $4 ESCAPE '\\' DESC, level, length(name), code LIMIT $5`,
					[`%${like(q)}%`, /^[0-9]+$/.test(q) ? `${q}%` : null, q, `${like(q)}%`, n + 1]
				);
				return rows.map((r) => r.code);
			};
			const names = ['新街口街道', '梅园新村街道', '香铺营社区居委会', '长江路社区居委会', '测试社区居委会', '香铺营第1网格', '长江路第1网格'];
			const queries = new Set(['3', '32', '320102', '320102003', '320102003001', '320102003002001', '1', '网格', '社区', '街道', '新']);
			for (const name of names)
				for (let i = 0; i < name.length; i++) for (const len of [1, 2, 3]) if (i + len <= name.length) queries.add(name.slice(i, i + len));
			for (const q of queries)
				for (const n of [1, 2, 10]) {
					const r = await searchUnits(db, q, n);
					const want = await oracle(q, n);
					expect([q, n, r.hits.map((h) => h.code)]).toEqual([q, n, want.slice(0, n)]);
					expect([q, n, r.truncated]).toEqual([q, n, want.length > n]);
				}
		});

		it('finds a unit written after the last search, by whatever wrote it (plain SQL here)', async () => {
			expect((await searchUnits(db, '新建测试网格')).hits).toEqual([]);
			await db.exec(
				`INSERT INTO grids (code, community_code, seq, name, kind, geom, illustrative) VALUES ('320102003002009', '320102003002', 9, '新建测试网格', 'basic', ST_SetSRID(ST_GeomFromGeoJSON('${box(118.795, 32.04, 118.8, 32.045)}'), 4326), true)`
			);
			try {
				expect((await searchUnits(db, '新建测试网格')).hits.map((h) => h.code)).toEqual(['320102003002009']);
			} finally {
				await db.exec(`DELETE FROM grids WHERE code = '320102003002009'`);
			}
			expect((await searchUnits(db, '新建测试网格')).hits).toEqual([]);
		});

		it('serves a request planned with older versions (a replica a little behind) from the newer index, without reading the units again', async () => {
			const now = await versionTracker(db).current();
			await searchUnits(db, '社区');
			const reads = vi.spyOn(db, 'query');
			try {
				const older = { ...now, grids: now.grids - 1 };
				const found = await withReadContext({ db, versions: older, replica: false }, () => searchUnits(db, '社区'));
				expect(found.hits.length).toBeGreaterThan(0);
				expect(reads).not.toHaveBeenCalled();
				// a request planned after a write reads the units again
				await db.exec(`UPDATE grids SET name = name WHERE code = (SELECT min(code) FROM grids)`);
				const after = await versionTracker(db).current();
				expect(after.grids).toBeGreaterThan(now.grids);
				reads.mockClear();
				await withReadContext({ db, versions: after, replica: false }, () => searchUnits(db, '社区'));
				expect(reads).toHaveBeenCalledTimes(1);
			} finally {
				reads.mockRestore();
			}
		});

		it('matches nothing for unknown text, and treats wildcards literally', async () => {
			expect((await searchUnits(db, '不存在的地方')).hits).toEqual([]);
			expect((await searchUnits(db, '%')).hits).toEqual([]);
			expect((await searchUnits(db, '_')).hits).toEqual([]);
			expect((await searchUnits(db, '   ')).hits).toEqual([]);
		});
	});
}

describe('basemap configuration', () => {
	it('offers only the offline basemap by default', () => {
		expect(configuredBasemaps({})).toEqual({ basemaps: [{ id: 'offline', crs: 'wgs84' }], problems: [] });
	});

	it('adds configured online basemaps; tianditu needs its key', () => {
		const none = configuredBasemaps({ GRIDATLAS_BASEMAPS: 'tianditu,osm,amap,bing' });
		expect(none.basemaps.map((b) => b.id)).toEqual(['offline', 'osm', 'amap']);
		expect(none.problems).toEqual([expect.stringContaining('TIANDITU_KEY'), expect.stringContaining('bing')]);
		const { basemaps } = configuredBasemaps({ GRIDATLAS_BASEMAPS: 'tianditu, amap', TIANDITU_KEY: 'k&1' });
		const tdt = basemaps.find((b) => b.id === 'tianditu')!;
		expect(tdt.crs).toBe('wgs84');
		expect(tdt.tiles![0]).toContain('vec_w/wmts');
		expect(tdt.tiles![0]).toContain('tk=k%261');
		expect(tdt.overlayTiles![0]).toContain('cva_w/wmts');
		expect(basemaps.find((b) => b.id === 'amap')!.crs).toBe('gcj02');
	});

	it('takes an intranet mirror URL and refuses a malformed one', () => {
		const ok = configuredBasemaps({ GRIDATLAS_BASEMAPS: 'osm', GRIDATLAS_BASEMAP_OSM_URL: 'http://10.0.0.5/osm/{z}/{x}/{y}.png' });
		expect(ok.basemaps[1].tiles).toEqual(['http://10.0.0.5/osm/{z}/{x}/{y}.png']);
		const bad = configuredBasemaps({ GRIDATLAS_BASEMAPS: 'osm', GRIDATLAS_BASEMAP_OSM_URL: 'ftp://x/{z}' });
		expect(bad.basemaps.map((b) => b.id)).toEqual(['offline']);
		expect(bad.problems[0]).toContain('GRIDATLAS_BASEMAP_OSM_URL');
	});
});

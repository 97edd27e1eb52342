import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Point, Polygon } from 'geojson';
import { ImportFileError, type FeatureIssue, type LayerName, type ParseOptions } from '../types';
import { parseLayer } from './index';

const inFile = (name: string) => new Uint8Array(readFileSync(new URL(`./test/in/${name}`, import.meta.url)));
const demo = (path: string) => new Uint8Array(readFileSync(new URL(`../../demo/${path}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);
const opts = <L extends LayerName>(layer: L, fileName: string, extra: Partial<Omit<ParseOptions, 'layer'>> = {}): ParseOptions & { layer: L } => ({
	layer,
	crs: 'wgs84',
	fileName,
	...extra
});
const rules = (issues: FeatureIssue[]) => issues.map(({ index, rule }) => [index, rule]);

async function importError(bytes: Uint8Array, options: ParseOptions): Promise<ImportFileError> {
	try {
		await parseLayer(bytes, options);
	} catch (error) {
		expect(error).toBeInstanceOf(ImportFileError);
		return error as ImportFileError;
	}
	throw new Error('expected an ImportFileError');
}

describe('parseLayer: communities (GeoJSON)', async () => {
	const result = await parseLayer(inFile('communities.geojson'), opts('communities', 'communities.geojson'));

	it('reads every feature and keeps the valid ones, with codes as source ids', () => {
		expect(result).toMatchObject({ layer: 'communities', format: 'geojson', read: 10 });
		expect(result.records.map((r) => r.sourceId)).toEqual(['320102003001', '320102003002', '320102003007', '320102003008']);
	});

	it('maps aliased, case-insensitive properties to the record', () => {
		const { geometry, ...first } = result.records[0];
		expect(first).toEqual({
			index: 0,
			sourceId: '320102003001',
			code: '320102003001',
			name: '石鼓路社区',
			subdistrictCode: '320102003',
			subdistrictName: '新街口街道',
			households: 1200,
			householdsEstimated: false,
			population: 3100,
			populationEstimated: false,
			serviceSpaceM2: 350.5
		});
		expect(geometry?.type).toBe('Polygon');
		// A numeric CODE (as DBF/JSON numbers arrive) is still a 12-digit string.
		expect(result.records[1]).toMatchObject({ code: '320102003002', subdistrictCode: '320102003', name: '丰富路社区' });
	});

	it('rejects duplicates, malformed codes, bad numbers and wrong geometry types', () => {
		expect(rules(result.rejected)).toEqual([
			[2, 'duplicate-code'],
			[3, 'code-format'],
			[4, 'code-format'],
			[5, 'code-format'],
			[6, 'number-format'],
			[9, 'geometry-type']
		]);
		const duplicate = result.rejected[0];
		expect(duplicate.id).toBe('320102003001');
		expect(duplicate.message).toContain('第 1 个要素');
		expect(duplicate.message).toContain('feature 1');
		expect(result.rejected[2].message).toContain('990102003');
		expect(result.rejected[3].message).toContain('科学计数法');
	});

	it('repairs an unclosed ring and flags a self-intersection for ST_MakeValid', () => {
		expect(rules(result.repaired)).toEqual([
			[7, 'closed-ring'],
			[8, 'self-intersection']
		]);
		expect(result.records.find((r) => r.index === 7)).toMatchObject({ repair: 'closed-ring' });
		expect(result.records.find((r) => r.index === 8)).toMatchObject({ repair: 'make-valid' });
		const ring = (result.records.find((r) => r.index === 7)!.geometry as Polygon).coordinates[0];
		expect(ring[ring.length - 1]).toEqual(ring[0]);
	});
});

describe('parseLayer: buildings (GeoJSON)', async () => {
	const result = await parseLayer(inFile('buildings.geojson'), opts('buildings', 'buildings.geojson'));

	it('takes given households, and estimates from levels, height or the default', () => {
		const byIndex = new Map(result.records.map((r) => [r.index, r]));
		expect(byIndex.get(0)).toMatchObject({ sourceId: 'b-1', households: 48, householdsEstimated: false, levels: 6, levelsSource: 'levels' });
		// ≈629 m² footprint: 18 floors → 126, 30 m ÷ 3 m = 10 floors → 70, default 6 floors → 42.
		expect(byIndex.get(1)).toMatchObject({ households: 126, householdsEstimated: true, levels: 18, levelsSource: 'levels' });
		expect(byIndex.get(2)).toMatchObject({ households: 70, levels: 10, heightM: 30, levelsSource: 'height' });
		expect(byIndex.get(3)).toMatchObject({ households: 42, levels: 6, levelsSource: 'default' });
		expect(byIndex.get(3)!.footprintM2).toBeGreaterThan(600);
		expect(byIndex.get(3)!.footprintM2).toBeLessThan(660);
	});

	it('gives features without ids a stable content hash, identical on re-import', async () => {
		const again = await parseLayer(inFile('buildings.geojson'), opts('buildings', 'buildings.geojson'));
		expect(result.records[1].sourceId).toMatch(/^hash:[0-9a-f]{28}$/);
		expect(again.records.map((r) => r.sourceId)).toEqual(result.records.map((r) => r.sourceId));
	});

	it('rejects identical copies, swapped and out-of-range coordinates, degenerate rings and missing geometry', () => {
		expect(rules(result.rejected)).toEqual([
			[4, 'duplicate-feature'],
			[5, 'lat-lon-swapped'],
			[6, 'coordinate-range'],
			[7, 'degenerate-ring'],
			[8, 'missing-geometry']
		]);
		expect(result.rejected[1].message).toMatch(/^buildings\.geojson 第 6 个要素：纬度 118\.784 超出范围.*经纬度可能写反了.*swap the columns/);
	});
});

describe('parseLayer: facilities (CSV)', async () => {
	const result = await parseLayer(inFile('facilities.csv'), opts('facilities', 'facilities.csv'));

	it('accepts category codes and Chinese category names', () => {
		expect(result.records.map((r) => [r.index, r.category, r.name])).toEqual([
			[0, 'school', '示例小学'],
			[1, 'clinic', '社区卫生服务站']
		]);
		expect((result.records[0].geometry as Point).coordinates).toEqual([118.7801, 32.0401]);
	});

	it('rejects unknown categories (listing valid ones), bad coordinates, swapped columns and copies', () => {
		expect(rules(result.rejected)).toEqual([
			[2, 'unknown-category'],
			[3, 'csv-coordinates'],
			[4, 'lat-lon-swapped'],
			[5, 'unknown-category'],
			[6, 'duplicate-feature']
		]);
		expect(result.rejected[0].message).toContain('bubble_tea');
		expect(result.rejected[0].message).toContain('kindergarten');
		// CSV rows are named by their line in the file (header = line 1).
		expect(result.rejected[1].message).toMatch(/^facilities\.csv 第 5 行：缺少经度/);
	});

	it('accepts categories introduced by a custom tag mapping', async () => {
		const custom = await parseLayer(
			inFile('facilities.csv'),
			opts('facilities', 'facilities.csv', { tagMapping: [{ key: 'amenity', value: 'cafe', category: 'bubble_tea' }] })
		);
		expect(custom.records.map((r) => r.category)).toContain('bubble_tea');
	});

	it('converts GCJ-02 coordinates to WGS-84 after checking them', async () => {
		const gcj = await parseLayer(inFile('facilities.csv'), opts('facilities', 'facilities.csv', { crs: 'gcj02' }));
		const [lon, lat] = (gcj.records[0].geometry as Point).coordinates;
		expect(lon).toBeLessThan(118.7801 - 0.004);
		expect(lat).toBeGreaterThan(32.0401 + 0.001);
		expect(rules(gcj.rejected)).toEqual(rules(result.rejected));
	});
});

describe('parseLayer: cases (CSV)', async () => {
	const result = await parseLayer(inFile('cases.csv'), opts('cases', 'cases.csv'));

	it('reads case numbers, default status and Beijing-time timestamps', () => {
		expect(result.records.map(({ geometry, ...r }) => r)).toEqual([
			{ index: 0, sourceId: 'C-001', category: '环境卫生', status: 'reported', reportedAt: '2024-05-01T10:30:00+08:00', description: '垃圾堆放' },
			{ index: 1, sourceId: 'C-002', category: '占道经营', status: 'closed', reportedAt: '2024-05-02T00:00:00+08:00' }
		]);
	});

	it('rejects unreadable dates, duplicate case numbers, missing categories and bad coordinates', () => {
		expect(rules(result.rejected)).toEqual([
			[2, 'date-format'],
			[3, 'duplicate-id'],
			[4, 'missing-field'],
			[5, 'csv-coordinates']
		]);
		expect(result.rejected[1]).toMatchObject({ id: 'C-001' });
		expect(result.rejected[1].message).toContain('第 2 行');
	});
});

describe('parseLayer: subdistricts, grids and roads', () => {
	it('checks subdistrict codes', async () => {
		const result = await parseLayer(inFile('subdistricts.csv'), opts('subdistricts', 'subdistricts.csv'));
		expect(result.records).toEqual([
			{ index: 0, sourceId: '320102003', geometry: null, code: '320102003', name: '新街口街道', districtCode: '320102', districtName: '玄武区' }
		]);
		expect(rules(result.rejected)).toEqual([
			[1, 'duplicate-code'],
			[2, 'code-format'],
			[3, 'code-format'],
			[4, 'missing-field']
		]);
	});

	it('reads grid codes and kinds', async () => {
		const result = await parseLayer(inFile('grids.geojson'), opts('grids', 'grids.geojson'));
		expect(result.records.map((r) => [r.code, r.kind])).toEqual([
			['320102003001001', 'basic'],
			[undefined, 'dedicated'],
			[undefined, 'basic']
		]);
		expect(result.records[0].sourceId).toBe('320102003001001');
		expect(rules(result.rejected)).toEqual([
			[3, 'code-format'],
			[4, 'grid-kind']
		]);
	});

	it('decides walkability from tags or an explicit column', async () => {
		const result = await parseLayer(inFile('roads.geojson'), opts('roads', 'roads.geojson'));
		expect(result.records.map((r) => [r.highway, r.walkable])).toEqual([
			['footway', true],
			['motorway', false],
			['residential', false],
			['主干路', true]
		]);
		expect(rules(result.rejected)).toEqual([[4, 'geometry-type']]);
	});
});

describe('parseLayer: attribute-only code lists (real Nanjing division codes)', () => {
	it('imports the community list without geometry', async () => {
		const result = await parseLayer(demo('admin-codes/nanjing-3201-communities.csv'), opts('communities', 'nanjing-3201-communities.csv'));
		expect(result.rejected).toEqual([]);
		expect(result.records.length).toBe(result.read);
		expect(result.records.length).toBeGreaterThan(1000);
		expect(result.records[0]).toEqual({
			index: 0,
			sourceId: '320102002001',
			geometry: null,
			code: '320102002001',
			name: '梅园新村社区居委会',
			subdistrictCode: '320102002',
			subdistrictName: '梅园新村街道'
		});
	});

	it('imports the subdistrict list without geometry', async () => {
		const result = await parseLayer(demo('admin-codes/nanjing-3201-subdistricts.csv'), opts('subdistricts', 'nanjing-3201-subdistricts.csv'));
		expect(result.rejected).toEqual([]);
		expect(result.records.length).toBeGreaterThan(90);
		expect(result.records.every((r) => r.geometry === null && /^3201\d{5}$/.test(r.code))).toBe(true);
	});

	it('refuses a coordinate-less CSV for point layers, naming the expected columns', async () => {
		const error = await importError(text('name,category\n便利店,supermarket\n'), opts('facilities', 'shops.csv'));
		expect(error.rule).toBe('csv-no-coordinates');
		expect(error.message).toContain('经度');
		expect(error.message).toContain('lon/lng/long/longitude/x/经度');
	});
});

describe('parseLayer: whole-file errors', () => {
	it.each([
		['empty.csv', new Uint8Array(0), 'empty-file'],
		['blank.geojson', text('  \n '), 'empty-file'],
		['empty.geojson', text('{"type":"FeatureCollection","features":[]}'), 'empty-file'],
		['header.csv', text('name,lon,lat\n'), 'empty-file'],
		['broken.geojson', text('{"type": "FeatureCollection", "features": [}'), 'invalid-json'],
		['photo.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'unknown-format'],
		['notes.txt', text('hello world\n'), 'unknown-format']
	])('%s → %s', async (fileName, bytes, rule) => {
		const error = await importError(bytes, opts('facilities', fileName));
		expect(error.rule).toBe(rule);
		expect(error.file).toBe(fileName);
		expect(error.message.startsWith(`${fileName}: `)).toBe(true);
	});

	it('refuses a CSV of points for a polygon layer', async () => {
		expect((await importError(inFile('facilities.csv'), opts('buildings', 'facilities.csv'))).rule).toBe('geometry-type');
	});

	it('refuses OSM data for layers OSM cannot fill', async () => {
		expect((await importError(demo('osm/xinjiekou.osm.pbf'), opts('communities', 'xinjiekou.osm.pbf'))).rule).toBe('osm-layer-unsupported');
	});

	it('refuses a truncated OSM PBF or OSM XML as damaged', async () => {
		const pbf = demo('osm/xinjiekou.osm.pbf');
		expect((await importError(pbf.subarray(0, Math.floor(pbf.length / 2)), opts('buildings', 'cut.osm.pbf'))).rule).toBe('damaged-file');
		const xml = demo('osm/xinjiekou.osm');
		const cut = await importError(xml.subarray(0, Math.floor(xml.length / 2)), opts('buildings', 'cut.osm'));
		expect(cut.rule).toBe('damaged-file');
		expect(cut.message).toMatch(/^cut\.osm: OSM 文件在 <\/osm> 结束标记之前就中断了.*the OSM file ends before <\/osm>: it is truncated/);
	});

	it('refuses a Shapefile zip without .shp', async () => {
		const zip = new Uint8Array(readFileSync(new URL('../readers/test/in/no-shp.zip', import.meta.url)));
		expect((await importError(zip, opts('communities', 'no-shp.zip'))).rule).toBe('shapefile-missing-shp');
	});
});

describe('parseLayer: Shapefile', () => {
	it('reads a zipped community Shapefile with GBK attributes', async () => {
		const zip = new Uint8Array(readFileSync(new URL('../readers/test/in/communities-gbk-no-cpg.zip', import.meta.url)));
		const result = await parseLayer(zip, opts('communities', 'communities.zip'));
		expect(result.format).toBe('shapefile-zip');
		expect(result.records.map((r) => [r.code, r.name, r.households])).toEqual([
			['320102003001', '石鼓路社区', 1200],
			['320102003002', '丰富路社区', 950]
		]);
	});

	it('calls out projected metres in a Shapefile without .prj', async () => {
		const zip = new Uint8Array(readFileSync(new URL('../readers/test/in/communities-mercator-no-prj.zip', import.meta.url)));
		const result = await parseLayer(zip, opts('communities', 'communities.zip'));
		expect(result.records).toEqual([]);
		expect(rules(result.rejected)).toEqual([
			[0, 'coordinate-range'],
			[1, 'coordinate-range']
		]);
		expect(result.rejected[0].message).toMatch(/投影坐标.*\.prj.*projected coordinate in metres/);
	});
});

describe('parseLayer: real OSM extract of Xinjiekou, Nanjing (XML and PBF)', async () => {
	const xml = demo('osm/xinjiekou.osm');
	const pbf = demo('osm/xinjiekou.osm.pbf');
	const both = async <L extends LayerName>(layer: L) => [
		await parseLayer(xml, opts(layer, 'xinjiekou.osm')),
		await parseLayer(pbf, opts(layer, 'xinjiekou.osm.pbf'))
	];

	it('finds about 1,280 buildings, identical in both formats', async () => {
		const [fromXml, fromPbf] = await both('buildings');
		expect(fromXml.format).toBe('osm-xml');
		expect(fromPbf.format).toBe('osm-pbf');
		expect(fromXml.records.length).toBeGreaterThanOrEqual(1200);
		expect(fromXml.records.length).toBeLessThan(1300);
		expect(fromPbf.records.length).toBe(fromXml.records.length);
		expect(fromPbf.records.map((r) => r.sourceId).sort()).toEqual(fromXml.records.map((r) => r.sourceId).sort());
		expect(fromXml.records.every((r) => r.footprintM2 > 0 && r.households >= 0 && /^(way|relation)\/\d+$/.test(r.sourceId))).toBe(true);
		// Offices, shops and schools hold no dwellings; the other buildings at least one.
		const empty = fromXml.records.filter((r) => r.households === 0).length;
		expect(empty).toBeGreaterThan(0);
		expect(empty).toBeLessThan(fromXml.records.length / 2);
		// Central Nanjing: footprints are mostly tens to thousands of m².
		const median = fromXml.records.map((r) => r.footprintM2).sort((a, b) => a - b)[Math.floor(fromXml.records.length / 2)];
		expect(median).toBeGreaterThan(50);
		expect(median).toBeLessThan(5000);
	});

	it('imports all 383 highway lines as roads, most of them walkable', async () => {
		const [fromXml, fromPbf] = await both('roads');
		expect(fromXml.records.length).toBe(383);
		expect(fromPbf.records.length).toBe(383);
		const walkable = fromXml.records.filter((r) => r.walkable).length;
		expect(walkable).toBeGreaterThan(300);
		expect(walkable).toBeLessThan(383);
		// The only unwalkable roads here are the inner-ring expressway (内环西线) and its tunnel: trunk without sidewalks.
		expect(new Set(fromXml.records.filter((r) => !r.walkable).map((r) => r.highway))).toEqual(new Set(['trunk', 'trunk_link']));
		expect(fromXml.records.filter((r) => r.highway === 'footway').every((r) => r.walkable)).toBe(true);
	});

	it('classifies the same facilities from both formats', async () => {
		const [fromXml, fromPbf] = await both('facilities');
		expect(fromXml.records.length).toBeGreaterThan(200);
		expect(fromXml.records.length).toBeLessThan(400);
		expect(fromPbf.records.length).toBe(fromXml.records.length);
		const categories = new Set(fromXml.records.map((r) => r.category));
		for (const expected of ['school', 'clinic', 'bank', 'bus_stop', 'metro_station', 'restaurant', 'park']) expect(categories).toContain(expected);
		const park = fromXml.records.find((r) => r.category === 'park' && r.geometry?.type !== 'Point');
		expect(park?.areaM2).toBeGreaterThan(0);
		expect(fromXml.records.find((r) => r.category === 'school')?.tags?.amenity).toBe('school');
	});

	it('ignores the CRS option for OSM input, which is always WGS-84', async () => {
		const wgs = await parseLayer(pbf, opts('roads', 'x.osm.pbf'));
		const gcj = await parseLayer(pbf, opts('roads', 'x.osm.pbf', { crs: 'gcj02' }));
		expect(gcj.records[0].geometry).toEqual(wgs.records[0].geometry);
	});
});

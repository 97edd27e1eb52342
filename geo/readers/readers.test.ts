import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Polygon } from 'geojson';
import { ImportFileError } from '../types';
import { decodeText, detectFormat, readCsv, readGeoJSON, readShapefileZip } from './index';
import { expectedOutput } from '../test-fixture';

const inFile = (name: string) => new Uint8Array(readFileSync(new URL(`./test/in/${name}`, import.meta.url)));
const outJson = (name: string, actual: unknown) => expectedOutput(new URL(`./test/out/${name}`, import.meta.url), actual);
const demo = (path: string) => new Uint8Array(readFileSync(new URL(`../../demo/${path}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);

/** Runs fn and returns the ImportFileError it throws (fails the test if it does not throw one). */
async function fileErrorOf(fn: () => unknown): Promise<ImportFileError> {
	try {
		await fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ImportFileError);
		return error as ImportFileError;
	}
	throw new Error('expected an ImportFileError');
}

describe('detectFormat', () => {
	it('recognises each accepted format by its bytes, whatever the file is called', () => {
		expect(detectFormat('upload.bin', inFile('communities-utf8.zip'))).toBe('shapefile-zip');
		expect(detectFormat('upload.bin', demo('osm/xinjiekou.osm.pbf'))).toBe('osm-pbf');
		expect(detectFormat('upload.bin', demo('osm/xinjiekou.osm'))).toBe('osm-xml');
		expect(detectFormat('upload.bin', inFile('bare-point.geojson'))).toBe('geojson');
		expect(detectFormat('upload.bin', inFile('facilities.csv'))).toBe('csv');
		expect(detectFormat('upload.bin', inFile('semicolon-chinese-headers.csv'))).toBe('csv');
		expect(detectFormat('codes.csv', demo('admin-codes/nanjing-3201-communities.csv'))).toBe('csv');
		expect(detectFormat('codes.txt', inFile('gbk.csv'))).toBe('csv');
	});

	it.each([['blank.csv'], ['empty.geojson']])('refuses an empty file (%s) with "empty-file"', async (name) => {
		const bytes = name === 'blank.csv' ? inFile('blank.csv') : new Uint8Array(0);
		const error = await fileErrorOf(() => detectFormat(name, bytes));
		expect(error.rule).toBe('empty-file');
		expect(error.file).toBe(name);
	});

	it.each([['picture.png'], ['places.kml'], ['notes.txt']])('refuses %s with "unknown-format" and lists the accepted formats', async (name) => {
		const error = await fileErrorOf(() => detectFormat(name, inFile(name)));
		expect(error.rule).toBe('unknown-format');
		expect(error.message).toContain('GeoJSON');
		expect(error.message).toContain('Shapefile');
		expect(error.message).toContain('CSV');
		expect(error.message).toMatch(/可接受的格式.*accepted formats/);
	});

	it('tells people to save Excel sheets as CSV and to zip bare .shp files', async () => {
		expect((await fileErrorOf(() => detectFormat('表.xlsx', inFile('communities-utf8.zip')))).message).toContain('CSV');
		const bareShp = new Uint8Array([0, 0, 0x27, 0x0a, 0, 0, 0, 0]);
		expect((await fileErrorOf(() => detectFormat('a.shp', bareShp))).message).toContain('.zip');
	});
});

describe('readGeoJSON', () => {
	it('accepts a FeatureCollection, a single Feature and a bare geometry', () => {
		expect(readGeoJSON(decodeText(inFile('bare-point.geojson'))).features).toEqual([
			{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [118.78, 32.04] } }
		]);
		const single = readGeoJSON(decodeText(inFile('single-feature.geojson')));
		expect(single.features).toHaveLength(1);
		expect(single.features[0]).toMatchObject({ id: 7, properties: {} });
	});

	it('refuses JSON cut off before its end as "damaged-file", other broken JSON as "invalid-json"', async () => {
		const error = await fileErrorOf(() => readGeoJSON(decodeText(inFile('truncated.geojson')), 'truncated.geojson'));
		expect(error.rule).toBe('damaged-file');
		expect(error.message).toMatch(/^truncated\.geojson: GeoJSON 文件在结构结束之前就中断了.*it is truncated/);
		for (const cut of ['{"a": 1', '{"a": [1, 2', '{"a": "text', '{"a": ']) expect((await fileErrorOf(() => readGeoJSON(cut))).rule).toBe('damaged-file');
		const broken = await fileErrorOf(() => readGeoJSON('{"type": "FeatureCollection", "features": [}'));
		expect(broken.rule).toBe('invalid-json');
		expect(broken.message).toMatch(/不是有效的 JSON/);
	});

	it('refuses JSON that is not GeoJSON and an empty FeatureCollection', async () => {
		expect((await fileErrorOf(() => readGeoJSON(decodeText(inFile('not-geojson.json'))))).rule).toBe('not-geojson');
		expect((await fileErrorOf(() => readGeoJSON(decodeText(inFile('empty-collection.geojson'))))).rule).toBe('empty-file');
		expect((await fileErrorOf(() => readGeoJSON('  '))).rule).toBe('empty-file');
	});
});

describe('readCsv', () => {
	it('reads test/in/facilities.csv into test/out/facilities.geojson, rejecting bad rows by file line', () => {
		const result = readCsv(decodeText(inFile('facilities.csv')), { fileName: 'facilities.csv' });
		expect(result.collection).toEqual(outJson('facilities.geojson', result.collection));
		expect(result.coordinateColumns).toEqual({ lon: 'lon', lat: 'lat' });
		// Data row 3 is blank: skipped, but later rows keep their position.
		expect(result.rowIndexes).toEqual([0, 1, 2, 4]);
		expect(result.rowIssues.map(({ index, rule }) => ({ index, rule }))).toEqual([
			{ index: 1, rule: 'csv-coordinates' },
			{ index: 2, rule: 'csv-coordinates' }
		]);
		expect(result.rowIssues[0].message).toBe(
			'facilities.csv 第 3 行：缺少经度，该行未导入 [csv-coordinates] / facilities.csv row 3: longitude is missing; the row was not imported [csv-coordinates]'
		);
		expect(result.rowIssues[1].message).toContain('经度“abc”不是数字');
	});

	it('detects Chinese column names, semicolons, quoted fields and GBK text', () => {
		const semicolon = readCsv(decodeText(inFile('semicolon-chinese-headers.csv')));
		expect(semicolon.delimiter).toBe(';');
		expect(semicolon.collection.features[0]).toEqual({
			type: 'Feature',
			properties: { 名称: '便利店' },
			geometry: { type: 'Point', coordinates: [118.78, 32.04] }
		});
		expect(readCsv(decodeText(inFile('quoted.csv'))).collection.features[0].properties).toEqual({ name: 'quoted, with comma' });
		expect(readCsv(decodeText(inFile('gbk.csv'))).collection.features[0].properties).toEqual({ 名称: '新街口便利店' });
	});

	it('uses explicitly named columns, case-insensitively', () => {
		const result = readCsv('NAME,E,N\nA,118.78,32.04\n', { lon: 'e', lat: 'n' });
		expect(result.collection.features[0].geometry).toEqual({ type: 'Point', coordinates: [118.78, 32.04] });
	});

	it('returns an attribute-only table when there are no coordinate columns', () => {
		const shops = readCsv(decodeText(inFile('no-coordinates.csv')));
		expect(shops.coordinateColumns).toBeNull();
		expect(shops.collection.features).toEqual([{ type: 'Feature', properties: { name: '便利店', category: 'supermarket' }, geometry: null }]);
		const result = readCsv(decodeText(demo('admin-codes/nanjing-3201-subdistricts.csv')));
		expect(result.coordinateColumns).toBeNull();
		expect(result.collection.features.length).toBeGreaterThan(90);
		expect(result.collection.features[0]).toEqual({
			type: 'Feature',
			properties: { street_code: '320102002', street_name: '梅园新村街道', area_code: '320102', area_name: '玄武区', city_code: '3201' },
			geometry: null
		});
	});

	it('refuses a header-only CSV, a missing named column and a half-present coordinate pair', async () => {
		expect((await fileErrorOf(() => readCsv(decodeText(inFile('header-only.csv'))))).rule).toBe('empty-file');
		expect((await fileErrorOf(() => readCsv('a,b\n1,2\n', { lon: 'lon', lat: 'lat' }))).rule).toBe('csv-column-missing');
		const half = await fileErrorOf(() => readCsv(decodeText(inFile('longitude-only.csv'))));
		expect(half.rule).toBe('csv-no-coordinates');
		expect(half.message).toContain('纬度');
	});
});

describe('readShapefileZip', () => {
	it('reads test/in/communities-utf8.zip into test/out/communities-utf8.geojson', async () => {
		const fc = await readShapefileZip(inFile('communities-utf8.zip'));
		expect(fc).toEqual(outJson('communities-utf8.geojson', fc));
	});

	it('reads GBK attributes from a shapefile without a .cpg', async () => {
		const fc = await readShapefileZip(inFile('communities-gbk-no-cpg.zip'));
		expect(fc.features.map((f) => f.properties!.NAME)).toEqual(['石鼓路社区', '丰富路社区']);
	});

	it('reprojects with the .prj (Web Mercator → degrees)', async () => {
		const fc = await readShapefileZip(inFile('communities-web-mercator.zip'));
		const [lon, lat] = (fc.features[0].geometry as Polygon).coordinates[0][0];
		expect(lon).toBeCloseTo(118.78, 6);
		expect(lat).toBeCloseTo(32.04, 6);
	});

	it('refuses zips without a .shp, with several layers, or that are not zips', async () => {
		expect((await fileErrorOf(() => readShapefileZip(inFile('no-shp.zip'), 'no-shp.zip'))).rule).toBe('shapefile-missing-shp');
		const two = await fileErrorOf(() => readShapefileZip(inFile('two-layers.zip')));
		expect(two.rule).toBe('shapefile-multiple-layers');
		expect(two.message).toContain('a.shp');
		// Without the end record a zip is cut short (or not a zip at all): damaged-file, saying so.
		expect((await fileErrorOf(() => readShapefileZip(text('PK\x03\x04 not really a zip')))).rule).toBe('damaged-file');
		const whole = inFile('communities-utf8.zip');
		const truncated = await fileErrorOf(() => readShapefileZip(whole.subarray(0, Math.floor(whole.length / 2))));
		expect(truncated.rule).toBe('damaged-file');
		expect(truncated.message).toContain('it is truncated');
		// Whole but damaged inside (a central directory header overwritten): invalid-zip.
		const damaged = whole.slice();
		const directory = new DataView(damaged.buffer).getUint32(damaged.length - 22 + 16, true);
		damaged.fill(0, directory, directory + 4);
		expect((await fileErrorOf(() => readShapefileZip(damaged))).rule).toBe('invalid-zip');
	});
});

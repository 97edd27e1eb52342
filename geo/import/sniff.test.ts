import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ImportFileError } from '../types';
import { claimedFormat, resolveFormat, sniffContent } from './sniff';

const readerFile = (name: string) => new Uint8Array(readFileSync(new URL(`../readers/test/in/${name}`, import.meta.url)));
const importFile = (name: string) => new Uint8Array(readFileSync(new URL(`./test/in/${name}`, import.meta.url)));
const demo = (path: string) => new Uint8Array(readFileSync(new URL(`../../demo/${path}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...text(p)] : p)));

function refusal(fileName: string, content: Uint8Array): ImportFileError {
	try {
		resolveFormat(fileName, content);
	} catch (error) {
		expect(error).toBeInstanceOf(ImportFileError);
		const e = error as ImportFileError;
		expect(e.file).toBe(fileName);
		expect(e.message).toContain(fileName);
		expect(e.message).toMatch(/^[^/]*[\u4e00-\u9fff][^]* \/ [^]*\b(the|this|a|an)\b/); // 中文 / English
		return e;
	}
	throw new Error(`expected ${fileName} to be refused`);
}

describe('sniffContent: by the bytes', () => {
	it.each([
		['communities-utf8.zip', readerFile('communities-utf8.zip'), 'zip'],
		['xinjiekou.osm.pbf', demo('osm/xinjiekou.osm.pbf'), 'osm-pbf'],
		['picture.png', readerFile('picture.png'), 'binary'],
		['blank.csv', readerFile('blank.csv'), 'empty'],
		['bare .shp', bytes([0, 0, 0x27, 0x0a, 0, 0, 0, 0, 0, 0]), 'shp']
	])('%s is %s', (_name, content, kind) => {
		expect(sniffContent(content).kind).toBe(kind);
	});

	it.each([
		['xinjiekou.osm', demo('osm/xinjiekou.osm'), 'osm-xml', 'utf-8'],
		['places.kml', readerFile('places.kml'), 'xml', 'utf-8'],
		['bare-point.geojson', readerFile('bare-point.geojson'), 'json', 'utf-8'],
		['facilities.csv', importFile('facilities.csv'), 'csv', 'utf-8'],
		['gbk.csv', readerFile('gbk.csv'), 'csv', 'gb18030'],
		['notes.txt', readerFile('notes.txt'), 'plain', 'utf-8'],
		['a JSON array', text(' \n[{"type":"Feature"}]'), 'json', 'utf-8'],
		['a CSV header in brackets', text('[id],name,lon,lat\n1,a,118,32\n'), 'csv', 'utf-8'],
		['UTF-8 with BOM', bytes([0xef, 0xbb, 0xbf], '{"type":"Point","coordinates":[1,2]}'), 'json', 'utf-8'],
		[
			'Excel "Unicode text" (UTF-16LE, BOM)',
			new Uint8Array([0xff, 0xfe, ...[...'名称\t经度\t纬度\n'].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]),
			'csv',
			'utf-16le'
		],
		['UTF-8 cut inside a character', text('name,lon,lat\n新街口').subarray(0, -1), 'csv', 'utf-8']
	])('%s is text: %s in %s', (_name, content, shape, encoding) => {
		const sniffed = sniffContent(content);
		expect(sniffed).toMatchObject({ kind: 'text', shape, encoding });
	});

	it('the decoded text has no byte-order mark and survives a cut-off last character', () => {
		const sniffed = sniffContent(bytes([0xef, 0xbb, 0xbf], 'a,b\n1,2'));
		expect(sniffed.kind === 'text' && sniffed.text).toBe('a,b\n1,2');
		const utf16 = sniffContent(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x2c, 0, 0x62, 0]));
		expect(utf16.kind === 'text' && utf16.text).toBe('a,b');
	});

	it('calls NUL bytes, undecodable bytes and control-character soup binary, and names known signatures', () => {
		expect(sniffContent(bytes('name,lon,lat\n', [0], 'x')).kind).toBe('binary');
		expect(sniffContent(bytes('name,lon,lat\n', [0xff, 0xff, 0xfe], 'x')).kind).toBe('binary');
		expect(sniffContent(bytes([1, 2, 3, 4, 5, 6, 7, 8, 0x0e, 0x0f, 0x10, 0x11], 'abc')).kind).toBe('binary');
		const exe = sniffContent(bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]));
		expect(exe.kind === 'binary' && exe.what.en).toMatch(/Windows program/);
		expect(sniffContent(bytes('%PDF-1.7\n', [0xe2, 0xe3, 0xcf, 0xd3])).kind).toBe('binary');
		// GBK text is text, not binary.
		expect(sniffContent(readerFile('gbk.csv')).kind).toBe('text');
	});

	it('tells an Office document from a Shapefile zip', () => {
		const xlsx = bytes([0x50, 0x4b, 0x03, 0x04], new Array(26).fill(0), '[Content_Types].xml');
		expect(sniffContent(xlsx).kind).toBe('office-zip');
	});
});

describe('claimedFormat: what the name says', () => {
	it.each([
		['a.geojson', 'geojson'],
		['A.JSON', 'geojson'],
		['x.csv', 'csv'],
		['x.txt', 'text'],
		['city.osm.pbf', 'osm-pbf'],
		['city.osm', 'osm-xml'],
		['shapes.zip', 'shapefile-zip'],
		['表.xlsx', 'office'],
		['upload', 'none'],
		['dir.with.dots/upload', 'none'],
		['.hidden', 'none'],
		['photo.png', 'other']
	])('%s → %s', (name, claim) => expect(claimedFormat(name)).toBe(claim));
});

describe('resolveFormat: content first, the name only to catch the wrong file', () => {
	it('reads each accepted format whatever (or however) it is called', () => {
		expect(resolveFormat('upload.bin', readerFile('communities-utf8.zip')).format).toBe('shapefile-zip');
		expect(resolveFormat('upload', demo('osm/xinjiekou.osm.pbf')).format).toBe('osm-pbf');
		expect(resolveFormat('extract.dat', demo('osm/xinjiekou.osm')).format).toBe('osm-xml');
		expect(resolveFormat('points.txt', readerFile('bare-point.geojson'))).toMatchObject({ format: 'geojson', encoding: 'utf-8' });
		expect(resolveFormat('codes.txt', readerFile('gbk.csv'))).toMatchObject({ format: 'csv', encoding: 'gb18030' });
		expect(resolveFormat('shops.tsv', importFile('facilities.csv')).format).toBe('csv');
		// OSM is OSM: PBF content named .osm (or XML named .osm.pbf) is read as what it is.
		expect(resolveFormat('city.osm', demo('osm/xinjiekou.osm.pbf')).format).toBe('osm-pbf');
		expect(resolveFormat('city.osm.pbf', demo('osm/xinjiekou.osm')).format).toBe('osm-xml');
		// A zipped Shapefile named after its .shp is still a zipped Shapefile.
		expect(resolveFormat('roads.shp', readerFile('communities-utf8.zip')).format).toBe('shapefile-zip');
		// A CSV saved with an .xls name by some office software is still a CSV.
		expect(resolveFormat('导出.xls', importFile('facilities.csv')).format).toBe('csv');
	});

	it.each([
		['communities.geojson', readerFile('communities-utf8.zip'), /\.geojson.*ZIP 压缩包.*\/.*\.geojson.*zip archive/],
		['cases.csv', bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]), /Windows 程序.*Windows program/],
		['cases.csv', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /PNG 图片.*a PNG image/],
		['cases.csv', bytes('id,lon,lat\n1,118.7,32.0\n', [0, 0, 0, 0x80, 0xff]), /二进制.*binary/],
		['grids.geojson', importFile('facilities.csv'), /CSV.*开头为“.*”.*CSV.*starting "/],
		['shops.csv', readerFile('bare-point.geojson'), /JSON 文本.*JSON text/],
		['shapes.zip', readerFile('bare-point.geojson'), /Shapefile 压缩包.*JSON/],
		['city.osm.pbf', importFile('facilities.csv'), /OSM PBF.*CSV/],
		['city.osm', readerFile('communities-utf8.zip'), /OSM XML.*ZIP/],
		['roads.shp', demo('osm/xinjiekou.osm.pbf'), /\.shp 部分.*OSM PBF.*\.shp part/],
		['grids.geojson', text('just some words'), /普通文本.*just some words.*plain text/],
		['grids.geojson', readerFile('places.kml'), /XML 文本.*XML text/]
	])('refuses %s when it is not what its name says', (name, content, message) => {
		const error = refusal(name, content);
		expect(error.rule).toBe('format-mismatch');
		expect(error.message).toMatch(message);
	});

	it.each([
		['photo.png', readerFile('picture.png'), /PNG 图片.*PNG image/],
		['places.kml', readerFile('places.kml'), /OSM XML/],
		['notes.txt', readerFile('notes.txt'), /just some words/],
		['表.xlsx', readerFile('communities-utf8.zip'), /另存为 .xlsx 或 CSV.*save the sheet as .xlsx or CSV/],
		['data.zip', bytes([0x50, 0x4b, 0x03, 0x04], new Array(26).fill(0), '[Content_Types].xml'), /Office/],
		['a.shp', bytes([0, 0, 0x27, 0x0a, 0, 0, 0, 0]), /\.zip/],
		['a.shp', text('not even a shapefile'), /\.zip/],
		['upload', bytes([0xfe, 0xfe, 0xfe, 0x01, 0x02, 0x03]), /二进制.*binary/]
	])('refuses %s as an unknown format, listing the accepted ones', (name, content, message) => {
		const error = refusal(name, content);
		expect(error.rule).toBe('unknown-format');
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/可接受的格式.*accepted formats/);
	});

	it('refuses an empty file', () => {
		expect(refusal('empty.geojson', new Uint8Array(0)).rule).toBe('empty-file');
		expect(refusal('blank.csv', readerFile('blank.csv')).rule).toBe('empty-file');
	});
});

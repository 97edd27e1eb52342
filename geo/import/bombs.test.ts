// Every upload that gets decompressed (zipped Shapefiles, OSM PBF blocks), bombed every way we know,
// through parseLayer as /import, the CLI and plan import call it: refused with the import's bilingual
// error and its rule, never inflated past a few MB. And every truncated upload, of any format, is
// refused as damaged instead of importing whatever was read before the cut.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ImportFileError, type LayerName } from '../types';
import { archiveLimits } from '../archive';
import { parseLayer } from './index';
import { readShapefileZip } from '../readers';
import {
	buildZip,
	compressed,
	compressedZeros,
	GiB,
	manyEntryZip,
	MiB,
	overlappingZip,
	pbfBomb,
	realistic,
	shapefileBomb,
	xlsxBomb
} from '../../tests/security/bombs';

const demo = (path: string) => new Uint8Array(readFileSync(new URL(`../../demo/${path}`, import.meta.url)));
const rss = () => process.memoryUsage().rss;

async function refusal(bytes: Uint8Array, fileName: string, layer: LayerName = 'buildings', maxUpload?: number): Promise<ImportFileError> {
	const error = await parseLayer(bytes, { layer, crs: 'wgs84', fileName, archiveLimits: archiveLimits(maxUpload) }).then(
		() => undefined,
		(e: unknown) => e
	);
	if (!(error instanceof ImportFileError)) throw new Error(`${fileName}: expected an ImportFileError, got ${String(error)}`);
	// The import's usual shape: "<file>: <中文> [rule] / <English> [rule]".
	expect(error.message).toMatch(new RegExp(`^${fileName.replace('.', '\\.')}: .+ \\[${error.rule}\\] / .+ \\[${error.rule}\\]$`));
	return error;
}

describe('zipped Shapefile bombs', async () => {
	const zeros = await compressedZeros(GiB);
	const before = rss();

	it('one 1 GiB .shp of zeros (1 MB zipped): zip-bomb from its declared sizes', async () => {
		const e = await refusal(shapefileBomb(zeros), 'bomb.zip');
		expect(e.rule).toBe('zip-bomb');
		expect(e.message).toContain('bomb.shp 的压缩比超过');
		expect(e.message).toContain('the limit is 500:1');
	});

	it('three such entries in one layer', async () => {
		const zip = buildZip(['shp', 'dbf', 'cpg'].map((ext) => ({ name: `bomb.${ext}`, content: zeros })));
		expect((await refusal(zip, 'three.zip')).rule).toBe('zip-bomb');
	});

	it('sizes that lie, small or plausible: caught as it inflates', async () => {
		expect((await refusal(shapefileBomb(zeros, { declaredSize: 100_000 }), 'small-lie.zip')).message).toContain('past the 98 KB its header declares');
		expect((await refusal(shapefileBomb(zeros, { declaredSize: 300 * zeros.data.length }), 'plausible-lie.zip')).rule).toBe('zip-bomb');
	});

	it('ten names for the same compressed bytes (overlapping entries)', async () => {
		const zip = overlappingZip(['a.shp', 'a.dbf', ...Array.from({ length: 8 }, (_, i) => `x${i}.shp`)], zeros);
		expect((await refusal(zip, 'overlap.zip')).message).toContain('share the same compressed bytes');
	});

	it('more entries than a layer ever has', async () => {
		const e = await refusal(manyEntryZip(1001), 'many.zip');
		expect(e.rule).toBe('archive-too-large');
		expect(e.message).toContain('1001 entries, over the limit of 1000');
	});

	it('more than 10 × the upload limit in all, even at a believable ratio', async () => {
		const shp = compressed(realistic(3 * MiB));
		const e = await refusal(buildZip([{ name: 'big.shp', content: shp }]), 'big.zip', 'buildings', 256 * 1024);
		expect(e.rule).toBe('archive-too-large');
		expect(e.message).toContain('the zip inflates to more than the 2.5 MB limit (at least 3.0 MB)');
	});

	it('a bomb zipped inside the zip is never opened', async () => {
		const inner = shapefileBomb(zeros);
		const zip = buildZip([{ name: 'inner.zip', content: compressed(inner) }]);
		expect((await refusal(zip, 'nested.zip')).rule).toBe('shapefile-missing-shp');
	});

	it('cost no more than a few MB each (uncapped: 1 GiB, 3 GiB, 10 GiB…)', () => {
		expect(rss() - before).toBeLessThan(200 * MiB);
	});

	it('while a real Shapefile still reads, through the same reader', async () => {
		const fc = await readShapefileZip(new Uint8Array(readFileSync(new URL('../readers/test/in/communities-utf8.zip', import.meta.url))));
		expect(fc.features.length).toBeGreaterThan(0);
	});
});

describe('OSM PBF bombs', async () => {
	const zeros32 = await compressedZeros(32 * MiB, 'deflate');
	const before = rss();

	it('a 32 MiB block of zeros, declared truthfully: zip-bomb before inflating', async () => {
		const e = await refusal(pbfBomb(zeros32), 'bomb.osm.pbf');
		expect(e.rule).toBe('zip-bomb');
		expect(e.message).toMatch(/第 \d+ 字节处的数据块 的压缩比超过/);
		expect(e.message).toMatch(/the data block at byte \d+ inflates more than/);
	});

	it('a raw_size over the format’s 32 MiB, a lying raw_size, no raw_size', async () => {
		expect((await refusal(pbfBomb(zeros32, 64 * MiB), 'over-spec.osm.pbf')).message).toContain('more than the 32 MB limit');
		expect((await refusal(pbfBomb(zeros32, 1000), 'lie.osm.pbf')).message).toContain('past the 1000 B its header declares');
		expect((await refusal(pbfBomb(zeros32, null), 'no-size.osm.pbf')).rule).toBe('zip-bomb');
	});

	it('blocks of believable data adding up past the archive limit', async () => {
		const block = compressed(realistic(MiB), 'deflate');
		const e = await refusal(pbfBomb(block, block.size, 4), 'blocks.osm.pbf', 'buildings', 256 * 1024);
		expect(e.rule).toBe('archive-too-large');
		expect(e.message).toContain('the PBF file inflates to more than the 2.5 MB limit');
	});

	it('cost no more than a few MB each', () => {
		expect(rss() - before).toBeLessThan(200 * MiB);
	});
});

describe('Excel workbook bombs (an .xlsx is a zip: the same caps)', async () => {
	const zeros = await compressedZeros(GiB);
	const before = rss();

	it('a 1 GiB sheet of zeros: zip-bomb from its declared size, before read-excel-file sees anything', async () => {
		const e = await refusal(xlsxBomb(zeros), 'bomb.xlsx', 'facilities');
		expect(e.rule).toBe('zip-bomb');
		expect(e.message).toContain('xl/worksheets/sheet1.xml 的压缩比超过');
	});

	it('a sheet whose header lies about its size: caught as it inflates', async () => {
		expect((await refusal(xlsxBomb(zeros, { declaredSize: 100_000 }), 'lie.xlsx', 'registers')).message).toContain('past the 98 KB its header declares');
	});

	it('overlapping and too many entries, as for Shapefiles', async () => {
		expect(
			(await refusal(overlappingZip(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'], zeros), 'overlap.xlsx', 'facilities')).rule
		).toBe('zip-bomb');
	});

	it('cost no more than a few MB each', () => {
		expect(rss() - before).toBeLessThan(200 * MiB);
	});
});

describe('truncated uploads, every format: damaged-file, never a partial import', () => {
	const cut = (bytes: Uint8Array, at = 0.5) => bytes.subarray(0, Math.floor(bytes.length * at));
	const geojson = new TextEncoder().encode(
		JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [118.78, 32.04] } }] })
	);
	const shp = new Uint8Array(readFileSync(new URL('../readers/test/in/communities-utf8.zip', import.meta.url)));
	it.each([
		['cut.osm', cut(demo('osm/xinjiekou.osm')), 'before </osm>'],
		['end.osm', cut(demo('osm/xinjiekou.osm'), 0.9999), 'before </osm>'],
		['cut.osm.pbf', cut(demo('osm/xinjiekou.osm.pbf')), 'PBF file is truncated'],
		['cut.zip', cut(shp), 'zip ends without its central directory'],
		['cut.geojson', cut(geojson, 0.8), 'GeoJSON file ends before its structure does'],
		[
			'cut.xlsx',
			cut(new Uint8Array(readFileSync(new URL('../../tests/fixtures/crs-xlsx/registers.xlsx', import.meta.url)))),
			'zip ends without its central directory'
		]
	])('%s', async (fileName, bytes, says) => {
		const e = await refusal(bytes, fileName, fileName.endsWith('.zip') ? 'communities' : 'facilities');
		expect(e.rule).toBe('damaged-file');
		expect(e.message).toContain(says);
	});
});

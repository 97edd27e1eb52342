import { describe, expect, it } from 'vitest';
import proj4 from 'proj4';
import { EPSG_ENTRIES, epsgEntry, isProjectedCrs, parseImportCrs, codeForZonePrefix } from './epsg-codes';
import { projectGeometry, projectPosition, projString } from './project';
import { parseLayer } from '../import';
import { readShapefileZip } from '../readers';
import { readFileSync } from 'node:fs';
import type { Polygon } from 'geojson';

describe('CGCS2000 EPSG codes', () => {
	it('lists EPSG:4490 and the 64 Gauss–Krüger codes with the EPSG parameters', () => {
		expect(EPSG_ENTRIES.map((e) => e.code)).toEqual(Array.from({ length: 65 }, (_, i) => `EPSG:${4490 + i}`));
		const p = (code: number) => {
			const e = epsgEntry(`EPSG:${code}`)!;
			return [e.width, e.zone, e.centralMeridian, e.falseEasting];
		};
		expect(p(4491)).toEqual([6, 13, 75, 13_500_000]);
		expect(p(4501)).toEqual([6, 23, 135, 23_500_000]);
		expect(p(4502)).toEqual([6, 13, 75, 500_000]);
		expect(p(4512)).toEqual([6, 23, 135, 500_000]);
		expect(p(4513)).toEqual([3, 25, 75, 25_500_000]);
		expect(p(4528)).toEqual([3, 40, 120, 40_500_000]);
		expect(p(4533)).toEqual([3, 45, 135, 45_500_000]);
		expect(p(4534)).toEqual([3, 25, 75, 500_000]);
		expect(p(4549)).toEqual([3, 40, 120, 500_000]);
		expect(p(4554)).toEqual([3, 45, 135, 500_000]);
		expect(projString(epsgEntry('EPSG:4528')!)).toBe('+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=40500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');
		expect(isProjectedCrs('EPSG:4490')).toBe(false);
		expect(isProjectedCrs('gcj02')).toBe(false);
		expect(codeForZonePrefix(40_384_000)?.code).toBe('EPSG:4528');
		expect(codeForZonePrefix(20_384_000)?.code).toBe('EPSG:4498');
		expect(codeForZonePrefix(384_000)).toBeUndefined();
	});

	it('reads what people type, and refuses other codes naming the code and the accepted ranges', () => {
		expect(parseImportCrs('EPSG:4528')).toEqual({ ok: true, crs: 'EPSG:4528' });
		expect(parseImportCrs(' epsg:4549 ')).toEqual({ ok: true, crs: 'EPSG:4549' });
		expect(parseImportCrs('4490')).toEqual({ ok: true, crs: 'EPSG:4490' });
		expect(parseImportCrs('CGCS2000')).toEqual({ ok: true, crs: 'EPSG:4490' });
		expect(parseImportCrs('EPSG:4326')).toEqual({ ok: true, crs: 'wgs84' });
		expect(parseImportCrs('GCJ02')).toEqual({ ok: true, crs: 'gcj02' });
		const bad = parseImportCrs('EPSG:3857');
		expect(bad.ok).toBe(false);
		if (!bad.ok) {
			expect(bad.text.zh).toMatch(/^不支持的坐标系代码 EPSG:3857；可用：.*EPSG:4491–4501/);
			expect(bad.text.en).toMatch(/^unsupported coordinate system code EPSG:3857; accepted: .*EPSG:4534–4554/);
		}
		expect(parseImportCrs('utm50').ok).toBe(false);
	});
});

describe('Gauss–Krüger → WGS-84', () => {
	const forward = (code: 'EPSG:4528' | 'EPSG:4549', lon: number, lat: number) => proj4('WGS84', projString(epsgEntry(code)!)).forward([lon, lat]);

	it('puts the central meridian at the false easting and goes back to within a micro-degree', () => {
		const [x] = forward('EPSG:4549', 120, 32);
		expect(x).toBeCloseTo(500_000, 6);
		const [x40, y40] = forward('EPSG:4528', 118.7845, 32.0412);
		expect(x40).toBeGreaterThan(40_000_000);
		const [lon, lat] = projectPosition([x40, y40], 'EPSG:4528');
		expect(lon).toBeCloseTo(118.7845, 9);
		expect(lat).toBeCloseTo(32.0412, 9);
		// the two variants of zone 40 differ by the prefix only
		expect(projectPosition([x40 - 40_000_000, y40], 'EPSG:4549')).toEqual(projectPosition([x40, y40], 'EPSG:4528').map((v) => expect.closeTo(v, 9)));
	});

	it('refuses degrees, a wrong zone (naming the code the prefix points to) and swapped axes', () => {
		const [x, y] = forward('EPSG:4528', 118.7845, 32.0412);
		const degrees = projectGeometry({ type: 'Point', coordinates: [118.78, 32.04] }, 'EPSG:4528');
		expect(degrees.ok || degrees.rule).toBe('coordinate-range');
		const zone = projectGeometry({ type: 'Point', coordinates: [x, y] }, 'EPSG:4549');
		expect(zone.ok).toBe(false);
		if (!zone.ok) {
			expect(zone.rule).toBe('wrong-zone');
			expect(zone.text.en).toContain('i.e. EPSG:4528');
		}
		const swapped = projectGeometry({ type: 'Point', coordinates: [y, x - 40_000_000] }, 'EPSG:4549');
		expect(swapped.ok).toBe(false);
		if (!swapped.ok) expect(swapped.text.zh).toContain('东坐标与北坐标可能写反了');
	});

	it('imports a GeoJSON in metres with --crs, and names the code when --crs is missing', async () => {
		const [x, y] = forward('EPSG:4528', 118.7845, 32.0412);
		const bytes = new TextEncoder().encode(
			JSON.stringify({
				type: 'FeatureCollection',
				features: [{ type: 'Feature', properties: { name: '卫生站', category: 'clinic' }, geometry: { type: 'Point', coordinates: [x, y] } }]
			})
		);
		const ok = await parseLayer(bytes, { layer: 'facilities', crs: 'EPSG:4528', fileName: 'gk.geojson' });
		expect(ok.rejected).toEqual([]);
		const [lon, lat] = (ok.records[0].geometry as { coordinates: number[] }).coordinates;
		expect([lon, lat].map((v) => Math.round(v * 1e7) / 1e7)).toEqual([118.7845, 32.0412]);
		const refused = await parseLayer(bytes, { layer: 'facilities', crs: 'wgs84', fileName: 'gk.geojson' });
		expect(refused.rejected[0].message).toMatch(/--crs EPSG:4491–4554.*EPSG:4528/);
	});
});

describe('zipped Shapefiles as agencies deliver them', () => {
	it('CGCS2000 3° zone 40 with its .prj and GBK attributes without a .cpg: names and places as in WGS-84', async () => {
		const file = (p: string) => new Uint8Array(readFileSync(new URL(p, import.meta.url)));
		const gk = await readShapefileZip(file('../../tests/fixtures/crs-xlsx/communities-gk40-gbk-no-cpg.zip'));
		const wgs = await readShapefileZip(file('../readers/test/in/communities-gbk-no-cpg.zip'));
		expect(gk.features.map((f) => f.properties!.NAME)).toEqual(['石鼓路社区', '丰富路社区']);
		const ring = (fc: typeof gk) => (fc.features[0].geometry as Polygon).coordinates[0];
		ring(gk).forEach(([lon, lat], i) => {
			expect(lon).toBeCloseTo(ring(wgs)[i][0], 7);
			expect(lat).toBeCloseTo(ring(wgs)[i][1], 7);
		});
	});
});

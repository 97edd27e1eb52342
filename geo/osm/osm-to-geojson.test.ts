import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { booleanClockwise } from '@turf/turf';
import type { Polygon } from 'geojson';
import { osmToGeoJSON } from './index';
import { expectedOutput } from '../test-fixture';

const bytesOf = (path: string) => new Uint8Array(readFileSync(new URL(path, import.meta.url)));

describe('osmToGeoJSON', () => {
	it('turns the small OSM XML fixture into the expected GeoJSON (test/in → test/out)', async () => {
		const actual = await osmToGeoJSON(bytesOf('./test/in/small.osm'), 'osm-xml');
		expect(actual).toEqual(expectedOutput(new URL('./test/out/small.geojson', import.meta.url), actual));
	});

	it('keeps tags, adds "@id", assembles multipolygon relations and winds outer rings counter-clockwise', async () => {
		const fc = await osmToGeoJSON(bytesOf('./test/in/small.osm'), 'osm-xml');
		const byId = new Map(fc.features.map((f) => [f.properties!['@id'], f]));
		expect([...byId.keys()].sort()).toEqual(['node/11', 'relation/200', 'way/100', 'way/101']);
		expect(byId.get('way/100')!.properties).toEqual({ building: 'apartments', 'building:levels': '6', '@id': 'way/100' });
		expect(byId.get('node/11')!.properties!.name).toBe('示例小学');
		expect(byId.get('way/101')!.geometry.type).toBe('LineString');
		const relation = byId.get('relation/200')!;
		expect(relation.geometry.type).toBe('Polygon');
		expect(booleanClockwise((relation.geometry as Polygon).coordinates[0])).toBe(false);
	});

	it('reads the real Xinjiekou extract identically from XML and PBF', async () => {
		const xml = await osmToGeoJSON(bytesOf('../../demo/osm/xinjiekou.osm'), 'osm-xml');
		const pbf = await osmToGeoJSON(bytesOf('../../demo/osm/xinjiekou.osm.pbf'), 'osm-pbf');
		expect(pbf.features.length).toBe(xml.features.length);
		const buildings = xml.features.filter((f) => f.properties!.building && f.geometry.type !== 'Point');
		expect(buildings.length).toBeGreaterThan(1200);
		expect(buildings.length).toBeLessThan(1300);
		const ids = (fc: typeof xml) => fc.features.map((f) => f.properties!['@id']).sort();
		expect(ids(pbf)).toEqual(ids(xml));
	});

	it('throws on bytes that are not OSM', async () => {
		await expect(osmToGeoJSON(new TextEncoder().encode('<html></html>'), 'osm-xml')).rejects.toThrow();
		await expect(osmToGeoJSON(new TextEncoder().encode('not a pbf at all'), 'osm-pbf')).rejects.toThrow();
	});

	it('throws (instead of hanging in tiny-osmpbf) on a truncated PBF', async () => {
		const pbf = bytesOf('../../demo/osm/xinjiekou.osm.pbf');
		for (const cut of [3, 20, 1000, Math.floor(pbf.length / 2), pbf.length - 1]) {
			await expect(osmToGeoJSON(pbf.subarray(0, cut), 'osm-pbf')).rejects.toThrow(/truncated|corrupt/);
		}
	});

	it('refuses a truncated OSM XML file as damaged instead of reading it as far as it goes', async () => {
		const xml = bytesOf('../../demo/osm/xinjiekou.osm');
		for (const cut of [100, Math.floor(xml.length / 2), xml.length - 4]) {
			await expect(osmToGeoJSON(xml.subarray(0, cut), 'osm-xml')).rejects.toMatchObject({ rule: 'damaged-file', message: expect.stringContaining('</osm>') });
		}
		// A whole file may end with blank lines or a comment after </osm>, and an empty one is <osm/>.
		const text = new TextDecoder().decode(xml);
		await expect(osmToGeoJSON(new TextEncoder().encode(`${text}\n<!-- exported -->\n\n`), 'osm-xml')).resolves.toHaveProperty('type', 'FeatureCollection');
		await expect(osmToGeoJSON(new TextEncoder().encode('<?xml version="1.0"?>\n<osm version="0.6"/>\n'), 'osm-xml')).resolves.toHaveProperty('features', []);
	});
});

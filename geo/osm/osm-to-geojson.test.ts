import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { booleanClockwise } from '@turf/turf';
import type { Polygon } from 'geojson';
import { osmToGeoJSON } from './index';

const bytesOf = (path: string) => new Uint8Array(readFileSync(new URL(path, import.meta.url)));

describe('osmToGeoJSON', () => {
	it('turns the small OSM XML fixture into the expected GeoJSON (test/in → test/out)', () => {
		const actual = osmToGeoJSON(bytesOf('./test/in/small.osm'), 'osm-xml');
		const expected = JSON.parse(readFileSync(new URL('./test/out/small.geojson', import.meta.url), 'utf8'));
		expect(actual).toEqual(expected);
	});

	it('keeps tags, adds "@id", assembles multipolygon relations and winds outer rings counter-clockwise', () => {
		const fc = osmToGeoJSON(bytesOf('./test/in/small.osm'), 'osm-xml');
		const byId = new Map(fc.features.map((f) => [f.properties!['@id'], f]));
		expect([...byId.keys()].sort()).toEqual(['node/11', 'relation/200', 'way/100', 'way/101']);
		expect(byId.get('way/100')!.properties).toEqual({ building: 'apartments', 'building:levels': '6', '@id': 'way/100' });
		expect(byId.get('node/11')!.properties!.name).toBe('示例小学');
		expect(byId.get('way/101')!.geometry.type).toBe('LineString');
		const relation = byId.get('relation/200')!;
		expect(relation.geometry.type).toBe('Polygon');
		expect(booleanClockwise((relation.geometry as Polygon).coordinates[0])).toBe(false);
	});

	it('reads the real Xinjiekou extract identically from XML and PBF', () => {
		const xml = osmToGeoJSON(bytesOf('../../demo/osm/xinjiekou.osm'), 'osm-xml');
		const pbf = osmToGeoJSON(bytesOf('../../demo/osm/xinjiekou.osm.pbf'), 'osm-pbf');
		expect(pbf.features.length).toBe(xml.features.length);
		const buildings = xml.features.filter((f) => f.properties!.building && f.geometry.type !== 'Point');
		expect(buildings.length).toBeGreaterThan(1200);
		expect(buildings.length).toBeLessThan(1300);
		const ids = (fc: typeof xml) => fc.features.map((f) => f.properties!['@id']).sort();
		expect(ids(pbf)).toEqual(ids(xml));
	});

	it('throws on bytes that are not OSM', () => {
		expect(() => osmToGeoJSON(new TextEncoder().encode('<html></html>'), 'osm-xml')).toThrow();
		expect(() => osmToGeoJSON(new TextEncoder().encode('not a pbf at all'), 'osm-pbf')).toThrow();
	});

	it('throws (instead of hanging in tiny-osmpbf) on a truncated PBF', () => {
		const pbf = bytesOf('../../demo/osm/xinjiekou.osm.pbf');
		for (const cut of [3, 20, 1000, Math.floor(pbf.length / 2), pbf.length - 1]) {
			expect(() => osmToGeoJSON(pbf.subarray(0, cut), 'osm-pbf')).toThrow(/truncated|corrupt/);
		}
	});
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Feature, Geometry } from 'geojson';
import { osmElementsToGeoJSON, parseOsmXml } from './index';
import {
	LANDCOVER_KINDS,
	LANDCOVER_KIND_CODES,
	landcoverKindFromTags,
	osmLandcover,
	osmLandcoverKind,
	osmLandcoverName,
	parseLandcoverKind
} from './landcover';
import { parseLayer } from '../import';
import { expectedOutput } from '../test-fixture';

const bytesOf = (path: string) => new Uint8Array(readFileSync(new URL(path, import.meta.url)));
const square: Geometry = {
	type: 'Polygon',
	coordinates: [
		[
			[0, 0],
			[1, 0],
			[1, 1],
			[0, 1],
			[0, 0]
		]
	]
};
const line: Geometry = {
	type: 'LineString',
	coordinates: [
		[0, 0],
		[1, 1]
	]
};
const point: Geometry = { type: 'Point', coordinates: [0, 0] };
const osm = (tags: Record<string, string>, geometry: Geometry = square): Feature => ({
	type: 'Feature',
	properties: { ...tags, '@id': 'way/1' },
	geometry
});

describe('osmLandcover on test/in/landcover.osm', () => {
	const collection = osmElementsToGeoJSON(parseOsmXml(new TextDecoder().decode(bytesOf('./test/in/landcover.osm'))));
	const actual = osmLandcover(collection);

	it('produces test/out/landcover.geojson', () => {
		expect(actual).toEqual(expectedOutput(new URL('./test/out/landcover.geojson', import.meta.url), actual));
	});

	it('gives each case its kind and leaves out what is not land cover', () => {
		const kinds = Object.fromEntries(actual.features.map((f) => [f.properties!['@id'], f.properties!.kind]));
		expect(kinds).toEqual({
			'relation/300': 'water', // a lake with an island (multipolygon with an inner ring)
			'way/100': 'water', // natural=water + water=pond
			'way/101': 'water', // waterway=riverbank
			'way/102': 'water', // landuse=reservoir
			'way/104': 'water', // landuse=basin
			'way/105': 'park', // leisure=park
			'way/106': 'park', // leisure=garden wins over landuse=grass
			'way/107': 'green', // landuse=grass
			'way/108': 'green', // natural=wood
			'way/109': 'green', // landuse=village_green
			'way/110': 'green', // natural=scrub
			'way/111': 'green', // landuse=forest;meadow
			'way/112': 'green', // landuse=recreation_ground
			'way/113': 'residential',
			'way/114': 'commercial',
			'way/115': 'commercial', // landuse=retail
			'way/116': 'education', // amenity=school
			'way/117': 'education', // amenity=university
			'way/118': 'health', // amenity=hospital
			'way/123': 'park', // building=no is not a building
			'way/124': 'water' // water=lake on an explicit area
		});
		// Left out: way/103 (a closed way with only water=river is a line to osmtogeojson), way/119 (a
		// school building), way/120 (parking), way/121 (farmland), way/122 (pitch), way/125 (a river
		// line), node/99 (a school drawn as a point), and the relation's untagged member ways.
		const lake = actual.features.find((f) => f.properties!['@id'] === 'relation/300')!;
		expect(lake.geometry.type).toBe('Polygon');
		expect((lake.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
	});

	it('keeps the name when there is one', () => {
		const names = Object.fromEntries(actual.features.filter((f) => f.properties!.name).map((f) => [f.properties!['@id'], f.properties!.name]));
		expect(names).toEqual({
			'relation/300': '玄武湖',
			'way/100': '乌龙潭',
			'way/102': '水库',
			'way/105': '鼓楼公园',
			'way/109': '绿地',
			'way/113': '小区',
			'way/115': '新街口商圈',
			'way/116': '示例小学',
			'way/118': '鼓楼医院'
		});
	});
});

describe('osmLandcoverKind / landcoverKindFromTags', () => {
	it.each([
		[{ natural: 'water' }, 'water'],
		[{ water: 'canal' }, 'water'],
		[{ waterway: 'riverbank' }, 'water'],
		[{ landuse: 'reservoir' }, 'water'],
		[{ landuse: 'basin' }, 'water'],
		[{ leisure: 'park' }, 'park'],
		[{ leisure: 'garden' }, 'park'],
		[{ leisure: 'park', landuse: 'grass' }, 'park'],
		[{ landuse: 'grass' }, 'green'],
		[{ landuse: 'forest' }, 'green'],
		[{ landuse: 'meadow' }, 'green'],
		[{ landuse: 'recreation_ground' }, 'green'],
		[{ landuse: 'village_green' }, 'green'],
		[{ natural: 'wood' }, 'green'],
		[{ natural: 'scrub' }, 'green'],
		[{ amenity: 'school' }, 'education'],
		[{ amenity: 'college' }, 'education'],
		[{ amenity: 'university', landuse: 'residential' }, 'education'],
		[{ amenity: 'hospital' }, 'health'],
		[{ landuse: 'commercial' }, 'commercial'],
		[{ landuse: 'retail' }, 'commercial'],
		[{ landuse: 'residential' }, 'residential'],
		[{ natural: 'water', landuse: 'residential' }, 'water'],
		[{ water: 'no', landuse: 'grass' }, 'green'],
		[{ landuse: 'industrial' }, null],
		[{ amenity: 'clinic' }, null],
		[{ leisure: 'pitch' }, null],
		[{ waterway: 'river' }, null],
		[{}, null]
	])('%j → %s', (tags, kind) => {
		expect(landcoverKindFromTags(tags)).toBe(kind);
		expect(osmLandcoverKind(osm(tags))).toBe(kind);
	});

	it('takes areas only, and not building outlines', () => {
		expect(osmLandcoverKind(osm({ natural: 'water' }, line))).toBeNull();
		expect(osmLandcoverKind(osm({ amenity: 'school' }, point))).toBeNull();
		expect(osmLandcoverKind(osm({ amenity: 'hospital', building: 'hospital' }))).toBeNull();
		expect(osmLandcoverKind(osm({ leisure: 'park', building: 'no' }))).toBe('park');
		expect(osmLandcoverKind({ type: 'Feature', properties: null, geometry: square })).toBeNull();
	});

	it('names a feature by name, then name:zh, then name:en', () => {
		expect(osmLandcoverName({ name: '玄武湖', 'name:en': 'Xuanwu Lake' })).toBe('玄武湖');
		expect(osmLandcoverName({ 'name:zh': '玄武湖', 'name:en': 'Xuanwu Lake' })).toBe('玄武湖');
		expect(osmLandcoverName({ 'name:en': 'Xuanwu Lake' })).toBe('Xuanwu Lake');
		expect(osmLandcoverName({ name: '  ' })).toBeUndefined();
		expect(osmLandcoverName(null)).toBeUndefined();
	});
});

describe('parseLandcoverKind', () => {
	it('reads codes and Chinese or English names, and nothing else', () => {
		for (const k of LANDCOVER_KINDS) {
			expect(parseLandcoverKind(k.code)).toBe(k.code);
			expect(parseLandcoverKind(` ${k.nameZh} `)).toBe(k.code);
			expect(parseLandcoverKind(k.nameEn.toUpperCase())).toBe(k.code);
		}
		expect(parseLandcoverKind('WATER')).toBe('water');
		expect(parseLandcoverKind('水系')).toBe('water');
		expect(parseLandcoverKind('retail')).toBe('commercial');
		expect(parseLandcoverKind('industrial')).toBeUndefined();
		expect(parseLandcoverKind('')).toBeUndefined();
	});

	it('has distinct codes and colours', () => {
		expect(new Set(LANDCOVER_KIND_CODES).size).toBe(LANDCOVER_KINDS.length);
		expect(new Set(LANDCOVER_KINDS.map((k) => k.color)).size).toBe(LANDCOVER_KINDS.length);
		for (const k of LANDCOVER_KINDS) expect(k.color).toMatch(/^#[0-9a-f]{6}$/);
	});
});

describe('parseLayer: landcover', () => {
	it('reads the OSM fixture into the same records the fixture output lists', async () => {
		const parsed = await parseLayer(bytesOf('./test/in/landcover.osm'), { layer: 'landcover', crs: 'wgs84', fileName: 'landcover.osm' });
		const expected = JSON.parse(readFileSync(new URL('./test/out/landcover.geojson', import.meta.url), 'utf8'));
		expect(parsed.format).toBe('osm-xml');
		expect(parsed.rejected).toEqual([]);
		expect(parsed.records.map((r) => [r.sourceId, r.kind, r.name])).toEqual(
			expected.features.map((f: Feature) => [f.properties!['@id'], f.properties!.kind, f.properties!.name])
		);
	});

	it('reads a table by its kind column (code or name), falls back to OSM tags, and names unknown kinds', async () => {
		const sq = (properties: Record<string, unknown>, d = 0) => ({
			type: 'Feature',
			properties,
			geometry: {
				type: 'Polygon',
				coordinates: [
					[
						[118.78 + d, 32.04],
						[118.781 + d, 32.04],
						[118.781 + d, 32.041],
						[118.78 + d, 32.041],
						[118.78 + d, 32.04]
					]
				]
			}
		});
		const text = JSON.stringify({
			type: 'FeatureCollection',
			features: [
				sq({ id: 'a', kind: 'water', name: '莫愁湖' }, 0),
				sq({ id: 'b', 类型: '绿地' }, 0.002),
				sq({ id: 'c', leisure: 'park' }, 0.004),
				sq({ id: 'd', kind: 'industrial' }, 0.006),
				sq({ id: 'e' }, 0.008),
				{
					type: 'Feature',
					properties: { id: 'f', kind: 'water' },
					geometry: {
						type: 'LineString',
						coordinates: [
							[118.78, 32.04],
							[118.79, 32.05]
						]
					}
				}
			]
		});
		const parsed = await parseLayer(new TextEncoder().encode(text), { layer: 'landcover', crs: 'wgs84', fileName: 'lc.geojson' });
		expect(parsed.records.map((r) => [r.sourceId, r.kind, r.name])).toEqual([
			['a', 'water', '莫愁湖'],
			['b', 'green', undefined],
			['c', 'park', undefined]
		]);
		expect(parsed.rejected.map((i) => [i.id, i.rule])).toEqual([
			['d', 'unknown-kind'],
			['e', 'unknown-kind'],
			['f', 'geometry-type']
		]);
		expect(parsed.rejected[0].message).toContain('industrial');
		expect(parsed.rejected[0].message).toContain('water');
	});
});

import { describe, expect, it } from 'vitest';
import type { Feature, Geometry } from 'geojson';
import { DEFAULT_TAG_MAPPING, FACILITY_CATEGORIES, isOsmBuilding, isWalkable, matchTagMapping, osmFacilityCategory, osmRoad, unmappedPoiTags } from './index';

const square: Geometry = {
	type: 'Polygon',
	coordinates: [
		[
			[0, 0],
			[1, 0],
			[1, 1],
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
const osm = (tags: Record<string, string>, geometry: Geometry): Feature => ({ type: 'Feature', properties: { ...tags, '@id': 'way/1' }, geometry });
const category = (tags: Record<string, string>, geometry: Geometry = point) => osmFacilityCategory(osm(tags, geometry), DEFAULT_TAG_MAPPING);

describe('isOsmBuilding', () => {
	it('takes building=* areas except building=no', () => {
		expect(isOsmBuilding(osm({ building: 'yes' }, square))).toBe(true);
		expect(isOsmBuilding(osm({ building: 'apartments' }, square))).toBe(true);
		expect(isOsmBuilding(osm({ building: 'no' }, square))).toBe(false);
		expect(isOsmBuilding(osm({ building: 'yes' }, point))).toBe(false);
		expect(isOsmBuilding(osm({ amenity: 'school' }, square))).toBe(false);
	});
});

describe('osmRoad / isWalkable', () => {
	it.each([
		[{ highway: 'footway' }, true],
		[{ highway: 'residential' }, true],
		[{ highway: 'cycleway' }, true],
		[{ highway: 'cycleway', foot: 'no' }, false],
		[{ highway: 'service', access: 'private' }, false],
		[{ highway: 'service', access: 'private', foot: 'yes' }, true],
		[{ highway: 'trunk' }, false],
		[{ highway: 'trunk', sidewalk: 'both' }, true],
		[{ highway: 'motorway' }, false],
		[{ highway: 'construction' }, false]
	])('%j walkable = %s', (tags, walkable) => {
		expect(isWalkable(tags)).toBe(walkable);
		expect(osmRoad(osm(tags, line))).toEqual({ highway: tags.highway, walkable });
	});

	it('keeps every highway line, but not highway areas, points or railways', () => {
		expect(osmRoad(osm({ highway: 'pedestrian', area: 'yes' }, line))).toBeNull();
		expect(osmRoad(osm({ highway: 'bus_stop' }, point))).toBeNull();
		expect(osmRoad(osm({ railway: 'subway' }, line))).toBeNull();
		expect(osmRoad(osm({ highway: 'motorway' }, line))).toEqual({ highway: 'motorway', walkable: false });
	});
});

describe('DEFAULT_TAG_MAPPING', () => {
	it.each([
		[{ amenity: 'school' }, 'school'],
		[{ amenity: 'childcare' }, 'kindergarten'],
		[{ amenity: 'hospital' }, 'clinic'],
		[{ healthcare: 'centre' }, 'clinic'],
		[{ healthcare: 'pharmacy', amenity: 'pharmacy' }, 'pharmacy'],
		[{ amenity: 'social_facility', social_facility: 'nursing_home' }, 'elderly_care'],
		[{ shop: 'convenience' }, 'supermarket'],
		[{ shop: 'greengrocer' }, 'market'],
		[{ amenity: 'fast_food' }, 'restaurant'],
		[{ leisure: 'garden' }, 'park'],
		[{ place: 'square' }, 'plaza'],
		[{ leisure: 'fitness_station' }, 'fitness'],
		[{ amenity: 'bank' }, 'bank'],
		[{ amenity: 'parcel_locker' }, 'post_express'],
		[{ amenity: 'community_centre' }, 'community_centre'],
		[{ amenity: 'police' }, 'police'],
		[{ amenity: 'fire_station' }, 'fire_station'],
		[{ emergency: 'assembly_point' }, 'emergency_shelter'],
		[{ shop: 'mobile_phone' }, 'telecom'],
		[{ tourism: 'museum' }, 'culture'],
		[{ highway: 'bus_stop' }, 'bus_stop'],
		[{ railway: 'station', station: 'subway' }, 'metro_station'],
		[{ railway: 'subway_entrance' }, 'metro_station'],
		[{ amenity: 'toilets' }, 'toilets'],
		[{ amenity: 'cafe' }, null],
		[{ shop: 'supermarket;convenience' }, 'supermarket']
	])('%j → %s', (tags, expected) => {
		expect(category(tags)).toBe(expected);
	});

	it('maps a pedestrian area to plaza but not a pedestrian street, and ignores lines', () => {
		expect(category({ highway: 'pedestrian', area: 'yes' }, square)).toBe('plaza');
		expect(category({ highway: 'pedestrian' }, line)).toBeNull();
		expect(category({ amenity: 'school' }, line)).toBeNull();
	});

	it('uses the first matching rule and honours "*"', () => {
		const mapping = [
			{ key: 'amenity', value: 'cafe', category: 'tea' },
			{ key: 'amenity', value: '*', category: 'other' }
		];
		expect(matchTagMapping({ amenity: 'cafe' }, mapping)?.category).toBe('tea');
		expect(matchTagMapping({ amenity: 'bench' }, mapping)?.category).toBe('other');
		expect(matchTagMapping({ shop: 'bakery' }, mapping)).toBeNull();
	});

	it('only uses categories that FACILITY_CATEGORIES defines, with distinct codes and colours', () => {
		const codes = FACILITY_CATEGORIES.map((c) => c.code);
		expect(new Set(codes).size).toBe(codes.length);
		expect(new Set(FACILITY_CATEGORIES.map((c) => c.color.toLowerCase())).size).toBe(codes.length);
		for (const rule of DEFAULT_TAG_MAPPING) expect(codes).toContain(rule.category);
		for (const c of FACILITY_CATEGORIES) {
			expect(c.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
			expect(c.color).toMatch(/^#[0-9a-f]{6}$/i);
			expect(c.nameZh).not.toBe('');
			expect(c.nameEn).not.toBe('');
		}
	});

	it('picks colours dark enough to read on a light basemap (contrast with white ≥ 2.5:1)', () => {
		const luminance = (hex: string) => {
			const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		for (const c of FACILITY_CATEGORIES) expect(1.05 / (luminance(c.color) + 0.05), c.code).toBeGreaterThanOrEqual(2.5);
	});
});

describe('unmappedPoiTags', () => {
	it('counts the point-of-interest tags of points and areas no mapping takes, most frequent first', () => {
		const features = [
			osm({ amenity: 'parking' }, point),
			osm({ amenity: 'parking' }, square),
			osm({ amenity: 'parking' }, line), // a line is never a facility
			osm({ shop: 'clothes;shoes' }, point),
			osm({ amenity: 'school' }, point), // mapped
			osm({ building: 'yes', name: 'x' }, square) // no point-of-interest key
		];
		expect(unmappedPoiTags(features, DEFAULT_TAG_MAPPING)).toEqual([
			{ tag: 'amenity=parking', count: 2 },
			{ tag: 'shop=clothes', count: 1 },
			{ tag: 'shop=shoes', count: 1 }
		]);
		expect(unmappedPoiTags(features, [])[0]).toEqual({ tag: 'amenity=parking', count: 2 });
		expect(unmappedPoiTags(features, DEFAULT_TAG_MAPPING, 1)).toHaveLength(1);
	});
});

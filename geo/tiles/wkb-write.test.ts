import { describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import { readWkb, writeWkb } from './wkb';

const ring = [
	[118.1, 32.1],
	[118.2, 32.1],
	[118.2, 32.2],
	[118.1, 32.1]
];
const hole = [
	[118.12, 32.12],
	[118.13, 32.13],
	[118.14, 32.12],
	[118.12, 32.12]
];
const geometries: Exclude<Geometry, { type: 'GeometryCollection' }>[] = [
	{ type: 'Point', coordinates: [118.123456789012, 32.000000000001] },
	{ type: 'LineString', coordinates: ring },
	{ type: 'Polygon', coordinates: [ring, hole] },
	{ type: 'MultiPoint', coordinates: ring },
	{ type: 'MultiLineString', coordinates: [ring, hole] },
	{ type: 'MultiPolygon', coordinates: [[ring, hole], [hole]] }
];

describe('writeWkb', () => {
	for (const g of geometries) {
		it(`${g.type} reads back exactly`, () => expect(readWkb(writeWkb(g))).toEqual(g));
	}
	it('drops ordinates beyond x and y', () => {
		expect(readWkb(writeWkb({ type: 'Point', coordinates: [1, 2, 3] }))).toEqual({ type: 'Point', coordinates: [1, 2] });
	});
});

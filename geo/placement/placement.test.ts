// Interior points (test/in/interior-points.geojson → test/out/interior-points.json: GEOS's
// InteriorPointArea cases, each checked against ST_PointOnSurface on both engines in
// tests/import-buildings.test.ts) and where a point lies against polygons, edges and holes included.
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { interiorPoint } from './interior-point';
import { Placer } from './index';
import { BOUNDARY, INSIDE, intersectsPoint, OUTSIDE, pointLocation, PolygonIndex, type FlatPolygons } from './point-location';
import { expectedOutput } from '../test-fixture';

const fixture = (dir: 'in' | 'out', name: string) => new URL(`./test/${dir}/${name}`, import.meta.url);

describe('interiorPoint', () => {
	it('finds the points GEOS finds (test/in → test/out)', () => {
		const input = JSON.parse(readFileSync(fixture('in', 'interior-points.geojson'), 'utf8')) as FeatureCollection<Polygon | MultiPolygon>;
		const got = Object.fromEntries(input.features.map((f: Feature<Polygon | MultiPolygon>) => [f.properties!.name, interiorPoint(f.geometry)]));
		expect(got).toEqual(expectedOutput(fixture('out', 'interior-points.json'), got));
	});

	it('has no point for an empty geometry', () => {
		expect(interiorPoint({ type: 'MultiPolygon', coordinates: [] })).toBeNull();
	});
});

describe('point location', () => {
	const square: FlatPolygons = [
		[
			[0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
			[0.4, 0.4, 0.6, 0.4, 0.6, 0.6, 0.4, 0.6, 0.4, 0.4]
		]
	];

	it('tells inside, boundary (holes’ rings too) and outside apart, to the last bit', () => {
		expect(pointLocation(square, 0.2, 0.2)).toBe(INSIDE);
		expect(pointLocation(square, 0, 0.5)).toBe(BOUNDARY);
		expect(pointLocation(square, 1, 1)).toBe(BOUNDARY);
		expect(pointLocation(square, 0.5, 0.5)).toBe(OUTSIDE);
		expect(pointLocation(square, 0.4, 0.5)).toBe(BOUNDARY);
		expect(pointLocation(square, 2 ** -52, 0.5)).toBe(INSIDE);
		expect(pointLocation(square, -(2 ** -52), 0.5)).toBe(OUTSIDE);
		expect(intersectsPoint(square, 0, 0.5)).toBe(true);
		expect(intersectsPoint(square, 0.5, 0.5)).toBe(false);
	});

	it('gives the lowest code holding a point, on a shared edge or vertex the lowest of all that touch it', () => {
		const cell = (code: string, x: number, y: number) => ({ code, polygons: [[[x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y]]] });
		const index = new PolygonIndex([cell('d', 1, 1), cell('c', 0, 1), cell('b', 1, 0), cell('a', 0, 0)]);
		const code = (x: number, y: number, boundary: boolean) =>
			index.lowest(
				(c) => c.code,
				x,
				y,
				() => true,
				boundary
			)?.code ?? null;
		expect(code(1.5, 1.5, true)).toBe('d');
		expect(code(1, 1.5, true)).toBe('c'); // the edge of c and d
		expect(code(1, 1, true)).toBe('a'); // the vertex of all four
		expect(code(1, 1, false)).toBeNull(); // strictly inside none
		expect(code(2.5, 0.5, true)).toBeNull();
	});

	it('places a point in the lowest community and grid it touches', () => {
		const square = (code: string, x: number, y: number, size: number) => ({ code, polygons: [[[x, y, x + size, y, x + size, y + size, x, y + size, x, y]]] });
		const placer = new Placer(
			new PolygonIndex([square('b', 0, 0, 2), square('a', 2, 0, 2)]),
			new PolygonIndex([square('b2', 0, 0, 1), square('b1', 1, 0, 1), square('a1', 2, 0, 1)])
		);
		expect(placer.holding(0.5, 0.5)).toEqual({ community: 'b', grid: 'b2' });
		expect(placer.holding(1, 0.5)).toEqual({ community: 'b', grid: 'b1' }); // the edge of b1 and b2
		expect(placer.holding(2, 0.5)).toEqual({ community: 'a', grid: 'a1' }); // on both communities' edge
		expect(placer.holding(9, 9)).toEqual({ community: null, grid: null });
	});
});

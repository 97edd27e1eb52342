// In-memory attribution: test/in/attribution.geojson (units, grid layouts by date, cases) →
// test/out/attribution.json (each case's grid / community / subdistrict, worked out by hand from the
// rule). tests/cases.test.ts checks the same code against the SQL rule in PostGIS on both engines.
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { Attributor, timestampMicros, type AttributionSource } from './attribution';
import { containsPoint, type FlatPolygons } from '../placement/point-location';
import { expectedOutput } from '../test-fixture';

const fixture = (dir: 'in' | 'out', name: string) => new URL(`./test/${dir}/${name}`, import.meta.url);
const flat = (g: MultiPolygon): FlatPolygons => g.coordinates.map((rings) => rings.map((ring) => ring.flat()));
const micros = (t: unknown) => (typeof t === 'string' ? timestampMicros(t) : null);

function sourceOf(fc: FeatureCollection): AttributionSource {
	const of = (layer: string) => fc.features.filter((f) => f.properties?.layer === layer) as Feature<MultiPolygon>[];
	return {
		subdistricts: of('subdistrict').map((f) => ({ code: f.properties!.code, polygons: flat(f.geometry) })),
		communities: of('community').map((f) => ({ code: f.properties!.code, subdistrict: f.properties!.parent, polygons: flat(f.geometry) })),
		grids: of('grid').map((f) => ({ code: f.properties!.code, community: f.properties!.parent, polygons: flat(f.geometry) })),
		versions: of('version').map((f) => ({
			grid: f.properties!.code,
			community: f.properties!.parent,
			from: micros(f.properties!.from),
			to: micros(f.properties!.to),
			polygons: flat(f.geometry)
		}))
	};
}

describe('attribution', () => {
	it('attributes the fixture cases as worked out by hand (test/in → test/out)', () => {
		const input = JSON.parse(readFileSync(fixture('in', 'attribution.geojson'), 'utf8')) as FeatureCollection;
		const attributor = new Attributor(sourceOf(input));
		const got: Record<string, unknown> = {};
		for (const f of input.features.filter((f) => f.properties?.layer === 'case') as Feature<Point>[]) {
			const [lon, lat] = f.geometry.coordinates;
			got[f.properties!.id] = attributor.locate(lon, lat, timestampMicros(f.properties!.reported_at));
		}
		expect(got).toEqual(expectedOutput(fixture('out', 'attribution.json'), got));
	});

	it('contains a point strictly inside only: edges, vertices and hole edges are outside, one ulp in is inside', () => {
		const square: FlatPolygons = [
			[
				[0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
				[0.4, 0.4, 0.6, 0.4, 0.6, 0.6, 0.4, 0.6, 0.4, 0.4]
			]
		];
		expect(containsPoint(square, 0.2, 0.2)).toBe(true);
		expect(containsPoint(square, 0, 0.5)).toBe(false);
		expect(containsPoint(square, 1, 1)).toBe(false);
		expect(containsPoint(square, 0.5, 0.5)).toBe(false); // in the hole
		expect(containsPoint(square, 0.4, 0.5)).toBe(false); // on the hole's edge
		expect(containsPoint(square, 2 ** -52, 0.5)).toBe(true);
		expect(containsPoint(square, -(2 ** -52), 0.5)).toBe(false);
		// Open rings (no repeated closing vertex) are read the same.
		expect(containsPoint([[[0, 0, 1, 0, 1, 1, 0, 1]]], 0.5, 0.5)).toBe(true);
		expect(containsPoint([[[0, 0, 1, 0, 1, 1, 0, 1]]], 0, 0.5)).toBe(false);
		// Either part of a multipolygon; a clockwise ring counts the same.
		const two: FlatPolygons = [[[0, 0, 1, 0, 1, 1, 0, 0]], [[5, 5, 5, 6, 6, 6, 6, 5, 5, 5]]];
		expect(containsPoint(two, 5.5, 5.5)).toBe(true);
		expect(containsPoint(two, 3, 3)).toBe(false);
	});

	it('keeps timestamps to the microsecond, as PostgreSQL does', () => {
		expect(timestampMicros('2026-05-01T00:00:00Z')).toBe(Date.UTC(2026, 4, 1) * 1000);
		expect(timestampMicros('2026-05-01T08:00:00.000001+08:00')).toBe(Date.UTC(2026, 4, 1) * 1000 + 1);
		expect(timestampMicros('2026-05-01T00:00:00.1234567Z')).toBe(Date.UTC(2026, 4, 1) * 1000 + 123457);
		expect(timestampMicros('1950-01-01T00:00:00.5Z')).toBe(Date.UTC(1950, 0, 1) * 1000 + 500000);
	});

	it('finds nothing in an empty city', () => {
		const none = new Attributor({ versions: [], grids: [], communities: [], subdistricts: [] });
		expect(none.locate(118, 32, 0)).toEqual({ grid: null, community: null, subdistrict: null });
	});
});

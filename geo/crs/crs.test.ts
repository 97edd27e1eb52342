import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { distance } from '@turf/turf';
import type { FeatureCollection, Point, Polygon, Position } from 'geojson';
import { positionToWgs84, positionWgs84ToGcj02, toWgs84, wgs84ToGcj02 } from './index';
import { expectedOutput } from '../test-fixture';

const fixture = (dir: 'in' | 'out', name: string) => new URL(`./test/${dir}/${name}`, import.meta.url);

function expectPositionsClose(actual: Position, expected: Position, digits = 7) {
	expect(actual.length).toBe(expected.length);
	actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], digits));
}

describe('toWgs84 / wgs84ToGcj02', () => {
	it('matches the reference values published in the gcoord README', () => {
		// README: GCJ02 [123, 45] → WGS84 [122.99395597, 44.99804071]
		expectPositionsClose(toWgs84({ type: 'Point', coordinates: [123, 45] }, 'gcj02').coordinates, [122.99395597, 44.99804071]);
		// README: WGS84 [116.403988, 39.914266] → BD09 [116.41661560068297, 39.92196580126834]
		expectPositionsClose(toWgs84({ type: 'Point', coordinates: [116.41661560068297, 39.92196580126834] }, 'bd09').coordinates, [116.403988, 39.914266], 5);
	});

	it('converts a position the input holds twice once, and leaves the input as it was', () => {
		const corner = [118.79, 32.05];
		const ring = [corner, [118.8, 32.05], [118.8, 32.06], corner];
		const out = toWgs84({ type: 'Polygon', coordinates: [ring] }, 'gcj02');
		expect(out.coordinates[0][3]).toEqual(out.coordinates[0][0]);
		expectPositionsClose(out.coordinates[0][0], toWgs84({ type: 'Point', coordinates: [118.79, 32.05] }, 'gcj02').coordinates);
		expect(corner).toEqual([118.79, 32.05]);
	});

	it('converts the GCJ-02 fixture to the expected WGS-84 output (test/in → test/out)', () => {
		const input = JSON.parse(readFileSync(fixture('in', 'gcj02-block.geojson'), 'utf8')) as FeatureCollection;
		const actual = toWgs84(input, 'gcj02');
		const outFile = fixture('out', 'gcj02-block.geojson');
		expect(actual).toEqual(expectedOutput(outFile, actual));
	});

	it('moves Nanjing coordinates by the usual few hundred metres and keeps elevation', () => {
		const input = JSON.parse(readFileSync(fixture('in', 'gcj02-block.geojson'), 'utf8')) as FeatureCollection;
		const output = toWgs84(input, 'gcj02');
		const before = (input.features[0].geometry as Polygon).coordinates[0][0];
		const after = (output.features[0].geometry as Polygon).coordinates[0][0];
		const shiftM = distance(before, after, { units: 'meters' });
		expect(shiftM).toBeGreaterThan(400);
		expect(shiftM).toBeLessThan(700);
		// WGS-84 lies west of GCJ-02 in eastern China…
		expect(after[0]).toBeLessThan(before[0]);
		// …and north of it around Nanjing (GCJ-02 ≈ WGS-84 + (0.005°, −0.002°) there).
		expect(after[1]).toBeGreaterThan(before[1]);
		expect((output.features[1].geometry as { coordinates: Position[] }).coordinates[0][2]).toBe(12.5);
	});

	it('leaves coordinates outside China unchanged and does not modify its input', () => {
		const input = JSON.parse(readFileSync(fixture('in', 'gcj02-block.geojson'), 'utf8')) as FeatureCollection;
		const snapshot = JSON.stringify(input);
		const output = toWgs84(input, 'gcj02');
		expect((output.features[2].geometry as Point).coordinates).toEqual([2.3522, 48.8566]);
		expect(JSON.stringify(input)).toBe(snapshot);
	});

	it('round-trips WGS-84 → GCJ-02 → WGS-84 within a few centimetres', () => {
		const wgs: Polygon = {
			type: 'Polygon',
			coordinates: [
				[
					[118.78, 32.04],
					[118.79, 32.04],
					[118.79, 32.05],
					[118.78, 32.04]
				]
			]
		};
		const back = toWgs84(wgs84ToGcj02(wgs), 'gcj02');
		back.coordinates[0].forEach((p, i) => expect(distance(p, wgs.coordinates[0][i], { units: 'meters' })).toBeLessThan(0.2));
		const gcj = positionWgs84ToGcj02([118.78, 32.04]);
		expect(distance(positionToWgs84(gcj, 'gcj02'), [118.78, 32.04], { units: 'meters' })).toBeLessThan(0.2);
	});

	it('is the identity for wgs84 and passes null through', () => {
		const point: Point = { type: 'Point', coordinates: [118.78, 32.04] };
		expect(toWgs84(point, 'wgs84')).toEqual(point);
		expect(toWgs84(null, 'gcj02')).toBeNull();
	});
});

// Splitting an area along a planner's drawn line (splitByPolyline): the lines the editor gets from
// Terra Draw — diagonal, bent, doubling back, stopping just short of the edge, with the last click
// repeated — on a square and on a real demo grid (a MultiPolygon trapezoid), where the road-centreline
// fit (splitByLine) refuses any line whose ends leave the area's cross range.
import { describe, expect, it } from 'vitest';
import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { booleanPointInPolygon } from '@turf/turf';
import { splitByLine, splitByPolyline, SplitLineError } from './split';
import { clipIntersect, planarArea, scaleAt, type Areal } from './planar';

const k = scaleAt(32.04);
// 100 m × 100 m at (118.79, 32.04).
const DX = 100 / k.kx,
	DY = 100 / k.ky;
const X0 = 118.79,
	Y0 = 32.04;
const at = (mx: number, my: number): Position => [X0 + (mx / 100) * DX, Y0 + (my / 100) * DY];
const square: Polygon = { type: 'Polygon', coordinates: [[at(0, 0), at(100, 0), at(100, 100), at(0, 100), at(0, 0)]] };
const line = (...ms: [number, number][]): LineString => ({ type: 'LineString', coordinates: ms.map(([x, y]) => at(x, y)) });
const area = (g: Areal) => planarArea(g, k);
const inside = (g: Areal, mx: number, my: number) => booleanPointInPolygon(at(mx, my), { type: 'Feature', properties: {}, geometry: g });

function expectPartition(whole: Areal, [a, b]: [Areal, Areal]) {
	expect(Math.abs(area(a) + area(b) - area(whole))).toBeLessThan(0.01);
	const both = clipIntersect(a, b);
	expect(both ? area(both) : 0).toBeLessThan(0.01);
}

// Shaped like grid 320104006002001 of the demo (淮海路社区) as the editor holds it: a one-part MultiPolygon.
const demoGrid: MultiPolygon = {
	type: 'MultiPolygon',
	coordinates: [
		[
			[
				[118.7934026, 32.0412156],
				[118.7949518, 32.0412156],
				[118.7949518, 32.0428861],
				[118.794, 32.0428861],
				[118.7937, 32.0421],
				[118.7934026, 32.0412156]
			]
		]
	]
};

describe('splitByPolyline', () => {
	it('splits a square along a diagonal drawn from outside one corner to outside the opposite one', () => {
		// The case the browser hit: the line leaves the square's x range at both ends.
		expect(() =>
			splitByLine({ type: 'Feature', properties: {}, geometry: square }, { type: 'Feature', properties: {}, geometry: line([-20, -20], [120, 120]) }, 'x')
		).toThrow(/does not cross/);
		const parts = splitByPolyline(square, line([-20, -20], [120, 120]));
		expectPartition(square, parts);
		expect(area(parts[0])).toBeCloseTo(5000, 0);
		expect(area(parts[1])).toBeCloseTo(5000, 0);
		const nw = parts.find((p) => inside(p, 10, 90))!;
		expect(inside(nw, 90, 10)).toBe(false);
	});

	it('follows a bent line that doubles back exactly through its vertices', () => {
		// Enter from the west, go east, turn north, come back west past the start, leave north.
		const l = line([-10, 20], [70, 20], [70, 60], [30, 60], [30, 110]);
		const parts = splitByPolyline(square, l);
		expectPartition(square, parts);
		// West/north of the line: 70 × 40 (y 20–60, x < 70) + 30 × 40 (y > 60, x < 30) = 4000 m².
		const west = parts.find((p) => inside(p, 50, 40))!;
		expect(inside(west, 10, 90)).toBe(true);
		expect(inside(west, 50, 80)).toBe(false);
		expect(inside(west, 90, 40)).toBe(false);
		expect(inside(west, 50, 10)).toBe(false);
		expect(area(west)).toBeCloseTo(4000, 0);
		expect(area(parts.find((p) => p !== west)!)).toBeCloseTo(6000, 0);
		// The cut's vertices are the drawn ones, not a fitted centreline.
		const coords = JSON.stringify(west);
		for (const p of [at(70, 20), at(70, 60), at(30, 60)]) expect(coords).toContain(JSON.stringify(p).slice(1, -1));
	});

	it('takes a line whose last click is repeated and whose ends stop just short of the edges', () => {
		const l = line([50, 1.5], [50.0001, 50], [50, 98.5], [50, 98.5]);
		const parts = splitByPolyline(square, l);
		expectPartition(square, parts);
		expect(Math.min(area(parts[0]), area(parts[1]))).toBeGreaterThan(4990);
	});

	it('splits a demo grid (one-part MultiPolygon, slanted west edge) along a slanted line', () => {
		const l: LineString = {
			type: 'LineString',
			coordinates: [
				[118.7931, 32.0426],
				[118.7952, 32.0414]
			]
		};
		const parts = splitByPolyline(demoGrid, l);
		expectPartition(demoGrid, parts);
		expect(Math.min(area(parts[0]), area(parts[1]))).toBeGreaterThan(1000);
	});

	it('refuses a line that ends inside, misses, crosses itself or is a single point', () => {
		const reason = (l: LineString) => {
			try {
				splitByPolyline(square, l);
				return 'ok';
			} catch (e) {
				expect(e).toBeInstanceOf(SplitLineError);
				return (e as SplitLineError).reason;
			}
		};
		expect(reason(line([-10, 50], [50, 50]))).toBe('ends_inside');
		expect(reason(line([-10, 150], [110, 150]))).toBe('no_cut');
		expect(reason(line([-10, 150], [-10, -50]))).toBe('no_cut');
		expect(reason(line([-10, 30], [110, 30], [110, 70], [50, -20], [50, 120]))).toBe('self_intersecting');
		expect(reason(line([50, -10], [50, -10]))).toBe('too_short');
		expect(reason(line([50, -10], [50, 110]))).toBe('ok');
	});
});

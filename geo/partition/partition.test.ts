// Fixture tests (test/in/*.geojson → test/out/*.geojson, Turf style; REGEN=1 rewrites the outputs)
// and property tests: the parts are a partition of the input with balanced weights.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon, featureCollection, intersect, kinks } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { bisectPolygon, orderWestToEastNorthToSouth, roundGeometry, splitByLine, type Areal, type PartProperties, type WeightedPoint } from './index';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');
const fixtures = fs
	.readdirSync(path.join(dir, 'in'))
	.filter((f) => f.endsWith('.geojson'))
	.sort();

/** Planar area in m² (local equirectangular): exact for cuts made in lon/lat, unlike spherical area. */
function planarArea(g: Areal): number {
	const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	let s = 0;
	for (const poly of polys) {
		poly.forEach((ring, r) => {
			let a = 0;
			for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
			s += (r === 0 ? 1 : -1) * Math.abs(a / 2);
		});
	}
	return s * 111_320 * 110_574 * Math.cos((32 * Math.PI) / 180);
}

function overlapArea(a: Feature<Areal>, b: Feature<Areal>): number {
	const x = intersect(featureCollection<Areal>([a, b]));
	return x ? planarArea(x.geometry) : 0;
}

interface Fixture {
	area: Feature<Areal>;
	parts: number;
	points: WeightedPoint[];
	lines: Feature<LineString | MultiLineString>[];
}

function readFixture(name: string): Fixture {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection;
	const area = fc.features.find((f) => f.properties?.role === 'area') as Feature<Areal>;
	return {
		area,
		parts: area.properties!.parts as number,
		points: fc.features
			.filter((f): f is Feature<Point> => f.geometry.type === 'Point')
			.map((f, i) => ({ coordinates: f.geometry.coordinates, weight: f.properties!.weight as number, id: i })),
		lines: fc.features.filter((f) => f.properties?.role === 'cut') as Feature<LineString | MultiLineString>[]
	};
}

function run(fx: Fixture): Feature<Areal, PartProperties>[] {
	return bisectPolygon(fx.area, fx.points, fx.parts, { cutLines: fx.lines });
}

function checkPartition(area: Feature<Areal>, parts: Feature<Areal>[], points: WeightedPoint[]): void {
	const total = planarArea(area.geometry);
	const sum = parts.reduce((s, p) => s + planarArea(p.geometry), 0);
	expect(Math.abs(sum - total) / total).toBeLessThan(1e-6);
	for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) expect(overlapArea(parts[i], parts[j])).toBeLessThan(1e-6 * total);
	for (const p of points) {
		const inside = parts.filter((part) => booleanPointInPolygon(p.coordinates, part.geometry)).length;
		expect(inside, `point ${p.id} at ${p.coordinates.join(',')}`).toBe(1);
	}
	for (const part of parts) expect(kinks(part as Feature<Polygon | MultiPolygon>).features).toHaveLength(0);
}

describe('bisectPolygon fixtures', () => {
	for (const name of fixtures) {
		it(name, () => {
			const fx = readFixture(name);
			const parts = run(fx);
			expect(parts).toHaveLength(fx.parts);
			checkPartition(fx.area, parts, fx.points);
			const out: FeatureCollection = featureCollection(parts.map((p) => ({ ...p, geometry: roundGeometry(p.geometry, 7) })));
			const outFile = path.join(dir, 'out', name);
			expect(out).toEqual(expectedOutput(outFile, out));
		});
	}
});

describe('bisectPolygon properties', () => {
	it('balances equal points on a grid exactly', () => {
		const parts = run(readFixture('square-grid-4.geojson'));
		expect(parts.map((p) => p.properties.weight)).toEqual([9, 9, 9, 9]);
	});

	it('keeps part weights near the mean with straight cuts', () => {
		for (const name of ['l-shape-5.geojson', 'hole-3.geojson']) {
			const fx = readFixture(name);
			const parts = run(fx);
			const mean = fx.points.reduce((s, p) => s + p.weight, 0) / fx.parts;
			for (const p of parts) expect(Math.abs(p.properties.weight - mean) / mean).toBeLessThan(0.1);
		}
	});

	it('cuts along roads when they balance the parts, and refuses bent roads', () => {
		const fx = readFixture('roads-4.geojson');
		const parts = run(fx);
		const cuts = new Set(parts.flatMap((p) => p.properties.cuts));
		expect(cuts).toContain('南北路');
		expect(cuts).toContain('东西路');
		expect(cuts).not.toContain('弯路');
		const mean = fx.points.length / 4;
		for (const p of parts) expect(Math.abs(p.properties.weight - mean) / mean).toBeLessThan(0.25);
	});

	it('splits weightless areas by area', () => {
		const fx = readFixture('no-points-3.geojson');
		const parts = run(fx);
		const areas = parts.map((p) => planarArea(p.geometry));
		const mean = planarArea(fx.area.geometry) / 3;
		for (const a of areas) expect(Math.abs(a - mean) / mean).toBeLessThan(0.01);
	});

	it('holds for random polygons, weights and part counts', () => {
		let seed = 42;
		const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let trial = 0; trial < 12; trial++) {
			// A star-shaped (possibly concave) polygon around a centre.
			const c = [118.78 + rnd() * 0.01, 32.04 + rnd() * 0.01];
			const k = 5 + Math.floor(rnd() * 8);
			const ring: Position[] = [];
			for (let i = 0; i < k; i++) {
				const a = (2 * Math.PI * i) / k;
				const r = 0.003 + rnd() * 0.006;
				ring.push([c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)]);
			}
			ring.push(ring[0]);
			const area: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
			const points: WeightedPoint[] = [];
			while (points.length < 40 + trial * 20) {
				const p = [c[0] - 0.009 + rnd() * 0.018, c[1] - 0.009 + rnd() * 0.018];
				if (booleanPointInPolygon(p, area)) points.push({ coordinates: p, weight: 1 + Math.floor(rnd() * 20), id: points.length });
			}
			const n = 1 + Math.floor(rnd() * 9);
			const parts = bisectPolygon(area, points, n);
			expect(parts).toHaveLength(n);
			checkPartition(area, parts, points);
			expect(parts.reduce((s, p) => s + p.properties.weight, 0)).toBe(points.reduce((s, p) => s + p.weight, 0));
			expect(parts.map((p) => p.properties.index)).toEqual([...Array(n).keys()]);
		}
	});
});

describe('orderWestToEastNorthToSouth', () => {
	it('numbers rows north to south, west to east inside a row', () => {
		const cell = (x: number, y: number, id: string): Feature<Polygon, { id: string }> => ({
			type: 'Feature',
			properties: { id },
			geometry: {
				type: 'Polygon',
				coordinates: [
					[
						[x, y],
						[x + 1, y],
						[x + 1, y + 1],
						[x, y + 1],
						[x, y]
					]
				]
			}
		});
		// 2 rows × 3 columns, rows slightly ragged, given shuffled.
		const cells = [cell(2, 0, 'f'), cell(0, 1.1, 'a'), cell(1, 0.1, 'e'), cell(2, 1, 'c'), cell(0, 0, 'd'), cell(1, 0.95, 'b')];
		expect(
			orderWestToEastNorthToSouth(cells)
				.map((c) => c.properties.id)
				.join('')
		).toBe('abcdef');
	});
});

describe('splitByLine', () => {
	it('splits an area in two along a bent road and keeps the partition', () => {
		const area: Feature<Polygon> = {
			type: 'Feature',
			properties: {},
			geometry: {
				type: 'Polygon',
				coordinates: [
					[
						[118.77, 32.03],
						[118.79, 32.03],
						[118.79, 32.045],
						[118.77, 32.045],
						[118.77, 32.03]
					]
				]
			}
		};
		const road: Feature<LineString> = {
			type: 'Feature',
			properties: { name: 'road' },
			geometry: {
				type: 'LineString',
				coordinates: [
					[118.781, 32.032],
					[118.783, 32.038],
					[118.7805, 32.043]
				]
			}
		};
		const { low, high } = splitByLine(area, road, 'x');
		expect(low && high).toBeTruthy();
		const total = planarArea(area.geometry);
		expect(Math.abs(planarArea(low!.geometry) + planarArea(high!.geometry) - total) / total).toBeLessThan(1e-9);
		expect(overlapArea(low!, high!)).toBeLessThan(1e-6 * total);
		expect(booleanPointInPolygon([118.7825, 32.038], low!)).toBe(true); // west of the bend
		expect(booleanPointInPolygon([118.7835, 32.038], high!)).toBe(true);
	});
});

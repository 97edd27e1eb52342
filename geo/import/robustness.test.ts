// The pieces that keep damaged uploads from crashing the importer: geometry shape checks, the bounded
// self-intersection count, and text made storable and short. (End to end: tests/fuzz-import/.)
import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { geometryShape } from './geometry-shape';
import { countSelfIntersections, MAX_SELF_INTERSECTIONS } from './crossings';
import { hasUnstorableText, shown, shownList, storable, storableText } from './text';
import { canonicalJson } from './source-id';
import { PropertyReader } from './properties';
import { parseLayer } from './index';

const square = (x: number, y: number, d = 1) => [
	[x, y],
	[x + d, y],
	[x + d, y + d],
	[x, y + d],
	[x, y]
];

describe('geometryShape', () => {
	it('passes well-formed geometries through, reduced to 2D', () => {
		expect(geometryShape({ type: 'Point', coordinates: [118, 32, 10] })).toEqual({ ok: true, geometry: { type: 'Point', coordinates: [118, 32] } });
		const polygon = { type: 'Polygon', coordinates: [square(0, 0).map(([x, y]) => [x, y, 5, 7])] };
		expect(geometryShape(polygon)).toEqual({ ok: true, geometry: { type: 'Polygon', coordinates: [square(0, 0)] } });
		expect(geometryShape(null)).toEqual({ ok: true, geometry: null });
		const collection = { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] };
		expect(geometryShape(collection)).toEqual({ ok: true, geometry: collection });
	});

	it.each([
		['text coordinates', { type: 'Polygon', coordinates: 'abc' }, /coordinates.*malformed/],
		['bare numbers for rings', { type: 'Polygon', coordinates: [1, 2, 3] }, /nested arrays/],
		['a null position', { type: 'Point', coordinates: null }, /\[longitude, latitude\]/],
		['one number', { type: 'Point', coordinates: [118] }, /\[longitude, latitude\]/],
		['text numbers', { type: 'Point', coordinates: ['118', '32'] }, /not a pair of numbers/],
		['an unknown type', { type: 'Circle', coordinates: [1, 2] }, /unknown geometry type "Circle"/],
		['a type that is an object', { type: { toString: 1 }, coordinates: [1, 2] }, /unknown geometry type/],
		['a string', 'POINT(1 2)', /must be a GeoJSON geometry object, got string/],
		['an array', [1, 2], /got array/],
		['a collection without members', { type: 'GeometryCollection' }, /no geometries array/],
		['20,000 nested arrays', { type: 'Point', coordinates: JSON.parse('['.repeat(20000) + ']'.repeat(20000)) }, /\[longitude, latitude\]/]
	])('refuses %s, in Chinese and English', (_what, value, message) => {
		const result = geometryShape(value);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.text.en).toMatch(message);
		expect(result.text.zh).toMatch(/[\u4e00-\u9fff]/);
		expect(result.text.en.length).toBeLessThan(400);
	});

	it('refuses collections nested too deeply', () => {
		let g: unknown = { type: 'Point', coordinates: [1, 2] };
		for (let i = 0; i < 10; i++) g = { type: 'GeometryCollection', geometries: [g] };
		expect(geometryShape(g).ok).toBe(false);
	});
});

describe('countSelfIntersections', () => {
	const polygon = (ring: number[][]): Polygon => ({ type: 'Polygon', coordinates: [ring] });

	it('is 0 for simple rings, counts a bow tie once and a ring crossing a hole twice', () => {
		expect(countSelfIntersections(polygon(square(0, 0)))).toBe(0);
		expect(
			countSelfIntersections(
				polygon([
					[0, 0],
					[1, 1],
					[1, 0],
					[0, 1],
					[0, 0]
				])
			)
		).toBe(1);
		expect(countSelfIntersections({ type: 'Polygon', coordinates: [square(0, 0, 2), square(1.5, 0.5, 1)] })).toBe(2);
		expect(countSelfIntersections({ type: 'Point', coordinates: [0, 0] })).toBe(0);
	});

	it('stops counting past the limit, within a bounded amount of work, on a scribble of thousands of crossings', () => {
		// A star polygon {n/k}: every edge crosses 2(k-1) others.
		const n = 4001;
		const k = 1000;
		const ring = Array.from({ length: n + 1 }, (_, i) => {
			const a = ((i * k) % n) * ((2 * Math.PI) / n);
			return [Math.cos(a), Math.sin(a)];
		});
		expect(countSelfIntersections(polygon(ring))).toBe(MAX_SELF_INTERSECTIONS + 1);
		// The work is bounded by a budget of segment pairs, not by the clock: with a small budget the
		// same scribble (and a ring without crossings but more pairs than that) is given up on early,
		// while a shape the budget covers is still counted exactly.
		expect(countSelfIntersections(polygon(ring), MAX_SELF_INTERSECTIONS, 10_000)).toBe(MAX_SELF_INTERSECTIONS + 1);
		const circle = Array.from({ length: 20_001 }, (_, i) => [Math.cos((i * 2 * Math.PI) / 20_000), Math.sin((i * 2 * Math.PI) / 20_000)]);
		expect(countSelfIntersections(polygon(circle))).toBe(0);
		expect(countSelfIntersections(polygon(circle), MAX_SELF_INTERSECTIONS, 10_000)).toBe(MAX_SELF_INTERSECTIONS + 1);
		expect(countSelfIntersections(polygon(square(0, 0)), MAX_SELF_INTERSECTIONS, 10_000)).toBe(0);
	});

	it('agrees with a brute-force count on small random polygons', () => {
		let seed = 1;
		const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let t = 0; t < 50; t++) {
			const pts = Array.from({ length: 12 }, () => [rnd(), rnd()]);
			const ring = [...pts, pts[0]];
			let brute = 0;
			const seg = (i: number) => [ring[i], ring[i + 1]];
			const o = (a: number[], b: number[], c: number[]) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
			for (let i = 0; i < 12; i++) {
				for (let j = i + 2; j < 12; j++) {
					if (i === 0 && j === 11) continue;
					const [p, q] = seg(i);
					const [r, s] = seg(j);
					if (o(p, q, r) * o(p, q, s) < 0 && o(r, s, p) * o(r, s, q) < 0) brute++;
				}
			}
			expect(countSelfIntersections(polygon(ring), 1000)).toBe(brute);
		}
	});
});

describe('text for messages and the database', () => {
	it('drops NUL and replaces unpaired surrogates, keeping real pairs', () => {
		expect(storableText('a\u0000b')).toBe('ab');
		expect(storableText('\ud800x\udc00')).toBe('\ufffdx\ufffd');
		expect(storableText('😀 社区')).toBe('😀 社区');
		expect(hasUnstorableText('ok')).toBe(false);
		expect(hasUnstorableText('\ud83d')).toBe(true);
		expect(storable({ name: 'a\u0000', tags: ['\ud800'], n: 1, k: null })).toEqual({ name: 'a', tags: ['\ufffd'], n: 1, k: null });
	});

	it('quotes any value short, without throwing', () => {
		expect(shown('x'.repeat(500))).toBe(`${'x'.repeat(80)}…`);
		expect(shown({ toString: 1, valueOf: 1 })).toBe('{"toString":1,"valueOf":1}');
		expect(shown(JSON.parse('['.repeat(20000) + ']'.repeat(20000)))).toBe('[…]');
		expect(shown('a\u0000\u0001b')).toBe('a\ufffdb');
		expect(shown(undefined)).toBe('undefined');
		expect(
			shownList(
				Array.from({ length: 30 }, (_, i) => `c${i}`),
				', ',
				3
			)
		).toBe('c0, c1, c2, … (+27)');
	});

	it('hashes and reads deeply nested properties without a stack overflow', () => {
		const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000));
		expect(canonicalJson({ deep })).toMatch(/^\{"deep":\[+"…"\]+\}$/);
		expect(new PropertyReader({ name: { toString: 1 } as unknown as string }).text(['name'])).toBe('{"toString":1}');
		expect(new PropertyReader({ name: deep }).text(['name'])).toBeUndefined();
	});
});

describe('parseLayer on damaged features', () => {
	const text = (s: string) => new TextEncoder().encode(s);
	const fc = (...features: unknown[]) => text(JSON.stringify({ type: 'FeatureCollection', features }));

	it('rejects each bad feature by name and keeps the good ones', async () => {
		const good = { type: 'Feature', properties: { category: 'bank', name: 'a\u0000b' }, geometry: { type: 'Point', coordinates: [118.78, 32.04, 9] } };
		const result = await parseLayer(
			fc(
				good,
				{ type: 'Feature', properties: { category: 'bank' }, geometry: { type: 'Point', coordinates: 'abc' } },
				{ type: 'Feature', id: 'x'.repeat(200), properties: { category: 'bank' }, geometry: { type: 'Point', coordinates: [118.78, 32.04] } }
			),
			{ layer: 'facilities', crs: 'wgs84', fileName: 'f.geojson' }
		);
		expect(result.records).toHaveLength(1);
		expect(result.records[0]).toMatchObject({ name: 'ab', geometry: { type: 'Point', coordinates: [118.78, 32.04] } });
		expect(result.rejected.map((i) => i.rule)).toEqual(['malformed-geometry', 'id-too-long']);
		for (const issue of result.rejected) expect(issue.message.length).toBeLessThan(600);
	});

	it('refuses implausible counts and sizes', async () => {
		const building = (properties: Record<string, unknown>) => ({
			type: 'Feature',
			properties,
			geometry: { type: 'Polygon', coordinates: [square(118.78, 32.04, 0.0002)] }
		});
		const result = await parseLayer(
			fc(building({ households: 2 ** 31 }), building({ 'building:levels': '100000' }), building({ height: '5000' }), building({ households: 'Infinity' })),
			{
				layer: 'buildings',
				crs: 'wgs84',
				fileName: 'b.geojson'
			}
		);
		expect(result.rejected.map((i) => i.rule)).toEqual(['number-format', 'number-format', 'number-format', 'number-format']);
	});
});

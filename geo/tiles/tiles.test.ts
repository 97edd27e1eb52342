import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { FeatureCollection } from 'geojson';
import {
	encodeTile,
	parseTileCoord,
	readWkb,
	removeCollinear,
	renderTile,
	rint,
	ringArea,
	simplifyZero,
	tileBoundsLonLat,
	tileEnvelope,
	tileLayer,
	tilesCovering,
	TileCoordError,
	TileProjector,
	EARTH_RADIUS,
	type TileCoord
} from './index';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');
const decode = (bytes: Uint8Array) => new VectorTile(new PbfReader(bytes));

describe('tile arithmetic', () => {
	it('matches ST_TileEnvelope to the last digit', () => {
		// SELECT ST_AsText(ST_TileEnvelope(12, 3398, 1667)) on PostGIS 3.3 and 3.6
		expect(tileEnvelope({ z: 12, x: 3398, y: 1667 })).toEqual({
			xmin: 13208318.487678457,
			xmax: 13218102.42729896,
			ymin: 3717897.055790974,
			ymax: 3727680.995411476
		});
		expect(tileEnvelope({ z: 0, x: 0, y: 0 }).xmax).toBe(20037508.342789244);
	});

	it('rounds half to even like C rint (PostGIS snap-to-grid)', () => {
		expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, -2.6].map(rint)).toEqual([0, 2, 2, -0, -2, 2, 3, -3]);
	});

	it('accepts z/x/y only as plain integers in range', () => {
		expect(parseTileCoord('12', '3398', '1667')).toEqual({ z: 12, x: 3398, y: 1667 });
		expect(parseTileCoord('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
		for (const bad of [
			['23', '0', '0'],
			['-1', '0', '0'],
			['2', '4', '0'],
			['2', '0', '4'],
			['1.5', '0', '0'],
			['a', '0', '0'],
			['01', '0', '0'],
			['1e1', '0', '0'],
			['', '0', '0']
		]) {
			expect(() => parseTileCoord(bad[0], bad[1], bad[2]), bad.join('/')).toThrow(TileCoordError);
		}
		expect(() => parseTileCoord('3', '8', '0')).toThrow(/0–7/);
	});

	it('finds the tiles covering a box and the box of a tile', () => {
		const t: TileCoord = { z: 14, x: 13597, y: 6651 };
		const [w, s, e, n] = tileBoundsLonLat(t, 4096, 0);
		const r = tilesCovering([w + 1e-9, s + 1e-9, e - 1e-9, n - 1e-9], 14);
		expect(r).toEqual({ x0: t.x, y0: t.y, x1: t.x, y1: t.y });
	});
});

describe('latitude → tile y', () => {
	const exact = (p: TileProjector, lat: number) => rint(p.fy * (EARTH_RADIUS * Math.asinh(Math.tan((lat * Math.PI) / 180))) + p.yoff);
	// seeded, so a failure names the same case every run
	let seed = 7;
	const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;

	it('gives the integer of the exact formula, near and far from the tile, at every zoom', () => {
		let checked = 0;
		for (let z = 0; z <= 22; z++) {
			for (const centreLat of [0, 22.5, 32.06, -41.3, 60.2, 84.9]) {
				const n = 2 ** z;
				const x = Math.min(n - 1, Math.floor(((118.78 + 180) / 360) * n));
				const phi = (centreLat * Math.PI) / 180;
				const y = Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.asinh(Math.tan(phi)) / Math.PI) / 2) * n)));
				const p = new TileProjector({ z, x, y });
				const span = 360 / n;
				for (let i = 0; i < 400; i++) {
					// most inside the tile and its buffer, some a long way off (big polygons crossing it)
					const lat = Math.max(-85, Math.min(85, centreLat + (random() - 0.5) * span * (i % 10 === 0 ? 40 : 1.2)));
					expect(p.snapLat(lat), `z${z} lat ${lat}`).toBe(exact(p, lat));
					checked++;
				}
			}
		}
		expect(checked).toBe(23 * 6 * 400);
	});

	it('rounds exact ties (x.5 on the tile grid) as the exact formula does', () => {
		for (const z of [10, 12, 14, 16, 22]) {
			const n = 2 ** z;
			const tile = { z, x: Math.floor(((118.78 + 180) / 360) * n), y: Math.floor(((1 - Math.asinh(Math.tan((32.06 * Math.PI) / 180)) / Math.PI) / 2) * n) };
			const p = new TileProjector(tile);
			for (let k = -60; k < 4160; k += 7) {
				// the latitude whose tile y is k + 0.5, and its neighbours one ulp away
				const lat = (Math.atan(Math.sinh((k + 0.5 - p.yoff) / p.fy / EARTH_RADIUS)) * 180) / Math.PI;
				for (const l of [lat, lat + Number.EPSILON * 32, lat - Number.EPSILON * 32]) expect(p.snapLat(l), `z${z} k ${k}`).toBe(exact(p, l));
			}
		}
	});
});

describe('WKB', () => {
	it('reads a little-endian point (ST_AsBinary output)', () => {
		const bytes = new Uint8Array([1, 1, 0, 0, 0, 82, 184, 30, 133, 235, 177, 93, 64, 133, 235, 81, 184, 30, 5, 64, 64]);
		expect(readWkb(bytes)).toEqual({ type: 'Point', coordinates: [118.78, 32.04] });
	});

	it('reads big-endian EWKB with SRID and Z, and multipolygons', () => {
		const buf = new DataView(new ArrayBuffer(1 + 4 + 4 + 24));
		buf.setUint8(0, 0);
		buf.setUint32(1, 0x80000000 | 0x20000000 | 1);
		buf.setUint32(5, 4326);
		buf.setFloat64(9, 1.5);
		buf.setFloat64(17, 2.5);
		buf.setFloat64(25, 99);
		expect(readWkb(new Uint8Array(buf.buffer))).toEqual({ type: 'Point', coordinates: [1.5, 2.5] });
		// MULTIPOLYGON(((0 0,1 0,1 1,0 0)))
		const mp = new DataView(new ArrayBuffer(1 + 4 + 4 + 1 + 4 + 4 + 4 + 4 * 16));
		let o = 0;
		const u8 = (v: number) => mp.setUint8(o++, v);
		const u32 = (v: number) => {
			mp.setUint32(o, v, true);
			o += 4;
		};
		const f64 = (v: number) => {
			mp.setFloat64(o, v, true);
			o += 8;
		};
		u8(1);
		u32(6);
		u32(1);
		u8(1);
		u32(3);
		u32(1);
		u32(4);
		for (const [x, y] of [
			[0, 0],
			[1, 0],
			[1, 1],
			[0, 0]
		]) {
			f64(x);
			f64(y);
		}
		expect(readWkb(new Uint8Array(mp.buffer))).toEqual({
			type: 'MultiPolygon',
			coordinates: [
				[
					[
						[0, 0],
						[1, 0],
						[1, 1],
						[0, 0]
					]
				]
			]
		});
	});

	it('says what is wrong with truncated input', () => {
		expect(() => readWkb(new Uint8Array([1, 2, 0, 0, 0, 5, 0]))).toThrow(/malformed WKB/);
	});
});

describe('ring clean-up', () => {
	it('removes points on straight lines (tolerance-0 Douglas–Peucker)', () => {
		expect(simplifyZero([0, 0, 5, 0, 10, 0, 10, 10], false)).toEqual([0, 0, 10, 0, 10, 10]);
		expect(simplifyZero([0, 0, 5, 0, 10, 0, 10, 10, 0, 10], true)).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
	});

	it('removes zero-width spikes and collinear vertices across the ring seam', () => {
		expect(removeCollinear([0, 0, 10, 0, 20, 0, 10, 0, 10, 10, 0, 10])).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
		expect(removeCollinear([5, 0, 10, 0, 10, 10, 0, 10, 0, 0])).toEqual([10, 0, 10, 10, 0, 10, 0, 0]);
		expect(removeCollinear([0, 0, 10, 0, 20, 0])).toEqual([]);
	});

	it('measures orientation with the MVT spec sign (positive = clockwise on screen)', () => {
		expect(ringArea([0, 0, 10, 0, 10, 10, 0, 10])).toBe(200);
		expect(ringArea([0, 0, 0, 10, 10, 10, 10, 0])).toBe(-200);
	});
});

describe('encoding', () => {
	it('an empty tile is zero bytes, as ST_AsMVT gives', () => {
		expect(encodeTile([])).toHaveLength(0);
		expect(renderTile('grids', [], { z: 10, x: 1, y: 1 })).toHaveLength(0);
	});

	it('round-trips through @mapbox/vector-tile with PostGIS value types', () => {
		const bytes = encodeTile([
			{
				name: 'demo',
				features: [
					{ geometry: { type: 3, parts: [[0, 0, 10, 0, 10, 10, 0, 10]] }, properties: { s: 'x', i: 7, n: -3, d: 1.5, b: true, nothing: null } },
					{
						geometry: {
							type: 2,
							parts: [
								[0, 0, 5, 5],
								[10, 10, 20, 10]
							]
						},
						properties: { s: 'x', i: 8 }
					},
					{ geometry: { type: 1, parts: [[1, 2, 3, 4]] }, properties: { big: 2 ** 40 } }
				]
			}
		]);
		const layer = decode(bytes).layers.demo;
		expect(layer.extent).toBe(4096);
		expect(layer.version).toBe(2);
		expect(layer.length).toBe(3);
		const f0 = layer.feature(0);
		expect(f0.properties).toEqual({ s: 'x', i: 7, n: -3, d: 1.5, b: true });
		expect(f0.type).toBe(3);
		expect(f0.loadGeometry().map((r) => r.map((p) => [p.x, p.y]))).toEqual([
			[
				[0, 0],
				[10, 0],
				[10, 10],
				[0, 10],
				[0, 0]
			]
		]);
		expect(
			layer
				.feature(1)
				.loadGeometry()
				.map((r) => r.map((p) => [p.x, p.y]))
		).toEqual([
			[
				[0, 0],
				[5, 5]
			],
			[
				[10, 10],
				[20, 10]
			]
		]);
		expect(
			layer
				.feature(2)
				.loadGeometry()
				.map((r) => r.map((p) => [p.x, p.y]))
		).toEqual([[[1, 2]], [[3, 4]]]);
		expect(layer.feature(2).properties).toEqual({ big: 2 ** 40 });
	});
});

// Fixtures: test/in/<case>.geojson (made by test/make-fixtures.ts, with the tile they are drawn in)
// → test/out/<case>.json: each feature's tile geometry as decoded from the encoded tile. The output
// is written on the first run and compared afterwards; REGEN=1 rewrites it to accept a deliberate change.
describe('fixtures: clipping and quantisation', () => {
	const cases = fs.readdirSync(path.join(dir, 'in')).filter((f) => f.endsWith('.geojson'));
	it('has fixtures', () => expect(cases.length).toBeGreaterThanOrEqual(6));
	for (const file of cases) {
		it(file, () => {
			const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', file), 'utf8')) as FeatureCollection & { tile: TileCoord };
			const bytes = renderTile(
				'fixture',
				fc.features.map((f) => ({ geometry: f.geometry, properties: f.properties ?? {} })),
				fc.tile
			);
			const layer = bytes.length ? decode(bytes).layers.fixture : undefined;
			const actual = [];
			for (let i = 0; i < (layer?.length ?? 0); i++) {
				const f = layer!.feature(i);
				actual.push({ type: f.type, properties: f.properties, geometry: f.loadGeometry().map((r) => r.map((p) => [p.x, p.y])) });
			}
			const out = path.join(dir, 'out', file.replace(/\.geojson$/, '.json'));
			expect(actual).toEqual(expectedOutput(out, actual));
			// every vertex lies on the integer grid inside the buffered tile
			for (const f of actual)
				for (const part of f.geometry)
					for (const [x, y] of part) {
						expect(Number.isInteger(x) && Number.isInteger(y)).toBe(true);
						expect(Math.min(x, y)).toBeGreaterThanOrEqual(-64);
						expect(Math.max(x, y)).toBeLessThanOrEqual(4160);
					}
		});
	}

	it('the expected outputs say what the cases promise', () => {
		const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'out', `${name}.json`), 'utf8'));
		const edge = read('polygon-crossing-edge')[0].geometry[0];
		expect(Math.max(...edge.map((p: number[]) => p[0]))).toBe(4160);
		const hole = read('polygon-with-hole')[0].geometry;
		expect(hole).toHaveLength(2);
		const flat = (r: number[][]) => r.slice(0, -1).flat();
		expect(ringArea(flat(hole[0]))).toBeGreaterThan(0);
		expect(ringArea(flat(hole[1]))).toBeLessThan(0);
		const sub = read('sub-pixel-and-spike');
		expect(sub.map((f: { properties: { code: string } }) => f.properties.code)).toEqual(['spike']);
		expect(sub[0].geometry[0]).toHaveLength(5); // the square: 4 corners + closing point
		const lines = read('line-leaving-and-returning');
		expect(lines).toHaveLength(1);
		expect(lines[0].geometry).toHaveLength(2);
		const pts = read('points');
		expect(pts.map((f: { properties: { id: number } }) => f.properties.id)).toEqual([1, 2, 4]);
		expect(pts[2].geometry).toHaveLength(2);
	});

	it('keeps only the features that reach the tile (tileLayer)', () => {
		const layer = tileLayer('x', [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} }], { z: 16, x: 54393, y: 26605 });
		expect(layer.features).toHaveLength(0);
	});
});

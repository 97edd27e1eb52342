// The display-time conversion wrapper: identity on WGS-84 basemaps, geo/crs's WGS-84 → GCJ-02 on
// Chinese ones, and the way back for clicks and the URL.
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, Polygon } from 'geojson';
import { positionWgs84ToGcj02 } from '$geo/crs';
import { bboxToDisplay, positionFromDisplay, positionToDisplay, toDisplay } from './display-crs';
import { inDisplayCrs } from './layer-data';

// 大行宫 in central Nanjing; GCJ-02 shifts it by roughly +0.0049° lon, -0.0022° lat there.
const square: FeatureCollection<Polygon> = {
	type: 'FeatureCollection',
	features: [
		{
			type: 'Feature',
			id: 'g1',
			properties: { code: '320102002002001', households: 420 },
			geometry: {
				type: 'Polygon',
				coordinates: [
					[
						[118.79, 32.04],
						[118.8, 32.04],
						[118.8, 32.05],
						[118.79, 32.05],
						[118.79, 32.04]
					]
				]
			}
		}
	]
};

const metres = (a: number[], b: number[]) => {
	const k = Math.PI / 180;
	const x = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * k);
	const y = b[1] - a[1];
	return Math.hypot(x, y) * k * 6_371_000;
};

describe('display CRS', () => {
	it('leaves WGS-84 data alone on a WGS-84 basemap (same object, no copy)', () => {
		expect(toDisplay(square, 'wgs84')).toBe(square);
		expect(positionToDisplay([118.79, 32.04], 'wgs84')).toEqual([118.79, 32.04]);
		expect(bboxToDisplay([1, 2, 3, 4], 'wgs84')).toEqual([1, 2, 3, 4]);
	});

	it('shifts every vertex with geo/crs on a GCJ-02 basemap, keeping properties and ids', () => {
		const before = JSON.stringify(square);
		const out = toDisplay(square, 'gcj02');
		expect(JSON.stringify(square)).toBe(before); // the input is not touched
		const ring = out.features[0].geometry.coordinates[0];
		square.features[0].geometry.coordinates[0].forEach((p, i) => {
			const expected = positionWgs84ToGcj02(p as [number, number]);
			expect(ring[i][0]).toBeCloseTo(expected[0], 9);
			expect(ring[i][1]).toBeCloseTo(expected[1], 9);
			// The offset is a city block: hundreds of metres, not centimetres, not kilometres.
			const d = metres(p, ring[i]);
			expect(d).toBeGreaterThan(300);
			expect(d).toBeLessThan(700);
		});
		expect(out.features[0].properties).toEqual(square.features[0].properties);
		expect(out.features[0].id).toBe('g1');
	});

	it('brings a GCJ-02 click back to WGS-84 within centimetres', () => {
		const wgs: [number, number] = [118.7849, 32.0417];
		const shown = positionToDisplay(wgs, 'gcj02');
		expect(metres(wgs, shown)).toBeGreaterThan(300);
		const back = positionFromDisplay(shown, 'gcj02');
		expect(metres(wgs, back)).toBeLessThan(0.05);
	});

	it('converts a bbox to the box holding its converted corners', () => {
		const b = bboxToDisplay([118.77, 32.03, 118.8, 32.05], 'gcj02');
		const sw = positionWgs84ToGcj02([118.77, 32.03]);
		const ne = positionWgs84ToGcj02([118.8, 32.05]);
		expect(b[0]).toBeLessThanOrEqual(sw[0] + 1e-9);
		expect(b[1]).toBeLessThanOrEqual(sw[1] + 1e-9);
		expect(b[2]).toBeGreaterThanOrEqual(ne[0] - 1e-9);
		expect(b[3]).toBeGreaterThanOrEqual(ne[1] - 1e-9);
		expect(b[2] - b[0]).toBeCloseTo(0.03, 3);
	});

	it('converts a fetched layer once per CRS and reuses it', () => {
		expect(inDisplayCrs(square, 'wgs84')).toBe(square);
		const a = inDisplayCrs(square, 'gcj02');
		expect(a).not.toBe(square);
		expect(inDisplayCrs(square, 'gcj02')).toBe(a);
	});

	it('passes null geometries and empty collections through', () => {
		expect(toDisplay(null, 'gcj02')).toBeNull();
		const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
		expect(toDisplay(empty, 'gcj02')).toEqual(empty);
	});
});

// Distances to the nearest facility: the ruler against cheap-ruler and the ellipsoid (Vincenty), the
// facility index against a brute-force loop, lines, holes and empties.
import { describe, expect, it } from 'vitest';
import CheapRuler from 'cheap-ruler';
import type { Geometry, Point } from 'geojson';
import { FacilityIndex, distanceM, distanceToGeometry, nearestFacilityDistances, rulerAt, type BuildingSet } from './index';
import { decompose, distanceToParts, type Parts } from './facility-parts';
import { haversineMeters } from '../measure';
import { vincenty } from '../measure/test/vincenty';
import { randomCity, randomFacility } from './test/random-city';

/** Brute force: every facility, the exact distance (facility by facility, no search). */
function bruteNearest(lon: number, lat: number, parts: Parts[], maxM: number) {
	let best = Infinity,
		index = -1;
	parts.forEach((p, i) => {
		const d = distanceToParts(lon, lat, p);
		if (d < best) {
			best = d;
			index = i;
		}
	});
	return best <= maxM ? { distanceM: best, index } : { distanceM: Infinity, index: -1 };
}

describe('distances', () => {
	it('the ruler is cheap-ruler’s WGS-84 ruler (kx, ky) with a midpoint correction', () => {
		for (const lat of [0, 22.5, 32, 39.9, 45.75, 60]) {
			const cheap = new CheapRuler(lat, 'meters');
			const k = cheap as unknown as { kx: number; ky: number };
			const r = rulerAt(lat);
			expect(r.kx / k.kx).toBeCloseTo(1, 12);
			expect(r.ky / k.ky).toBeCloseTo(1, 12);
			// cheap-ruler from the building's latitude is within 0.25 m at 2 km; with the correction, mm
			const p = [118.8, lat],
				q = [118.8 + 1414 / r.kx, lat + 1414 / r.ky];
			expect(Math.abs(cheap.distance(p as [number, number], q as [number, number]) - distanceM(p[0], p[1], q[0], q[1]))).toBeLessThan(0.25);
		}
	});

	it('matches the ellipsoidal geodesic (Vincenty) within 0.5 m at 2 km around 32° N — haversine does not', () => {
		let worst = 0,
			worstHaversine = 0;
		for (const lat of [31.5, 32, 32.5]) {
			const r = rulerAt(lat);
			for (let bearing = 0; bearing < 360; bearing += 15) {
				for (const dist of [300, 1000, 2000]) {
					const t = (bearing * Math.PI) / 180;
					const lon2 = 118.8 + (dist * Math.sin(t)) / r.kx,
						lat2 = lat + (dist * Math.cos(t)) / r.ky;
					const ref = vincenty(118.8, lat, lon2, lat2);
					worst = Math.max(worst, Math.abs(distanceM(118.8, lat, lon2, lat2) - ref));
					worst = Math.max(worst, Math.abs(distanceM(lon2, lat2, 118.8, lat) - ref)); // either direction
					worstHaversine = Math.max(worstHaversine, Math.abs(haversineMeters([118.8, lat], [lon2, lat2]) - ref));
				}
			}
		}
		expect(worst).toBeLessThan(0.5);
		expect(worst).toBeLessThan(0.01); // in fact millimetres
		expect(worstHaversine).toBeGreaterThan(1); // the sphere is off by metres (≈ 0.3 % north–south)
	});

	it('nearest agrees with a brute-force loop on random data (points, lines, polygons with holes)', () => {
		for (const seed of [1, 2, 3]) {
			const { rng, box, buildings } = randomCity(seed, 2000, 9);
			const facilities = Array.from({ length: 60 + seed * 40 }, (_, i) => randomFacility(rng, `f${i}`, 'x', box));
			const index = FacilityIndex.build(facilities);
			const parts = facilities.map((f, i) => decompose(f.geometry, i));
			for (const maxM of [150, 600, 5000]) {
				const batch = nearestFacilityDistances(buildings, index, maxM);
				const other = nearestFacilityDistances(buildings, facilities, maxM, { cellM: 25 });
				expect(other.distanceM).toEqual(batch.distanceM);
				for (let i = 0; i < buildings.lon.length; i++) {
					const x = buildings.lon[i],
						y = buildings.lat[i];
					const brute = bruteNearest(x, y, parts, maxM);
					expect(batch.distanceM[i]).toBe(brute.distanceM);
					if (brute.index >= 0) expect(distanceToGeometry(x, y, facilities[batch.nearest[i]].geometry)).toBe(brute.distanceM);
					else expect(batch.nearest[i]).toBe(-1);
					if (i % 10 === 0) {
						expect(index.nearest(x, y, maxM)).toEqual(brute);
						const within = index.within(x, y, maxM);
						const expected = facilities
							.map((_, fi) => [fi, distanceToParts(x, y, parts[fi])])
							.filter(([, d]) => d <= maxM)
							.sort((a, b) => a[1] - b[1] || a[0] - b[0])
							.map(([fi]) => fi);
						expect(within).toEqual(expected);
					}
				}
			}
		}
	});

	it('points: equals a brute-force loop with the cheap-ruler library itself, within 0.25 m', () => {
		const { rng, box, buildings } = randomCity(21, 2000, 4);
		const facilities = Array.from({ length: 150 }, (_, i) => ({
			id: `p${i}`,
			category: 'x',
			geometry: { type: 'Point', coordinates: [box[0] + rng() * (box[2] - box[0]), box[1] + rng() * (box[3] - box[1])] } as Geometry
		}));
		const { distanceM: d } = nearestFacilityDistances(buildings, facilities, Infinity);
		for (let i = 0; i < buildings.lon.length; i++) {
			const p: [number, number] = [buildings.lon[i], buildings.lat[i]];
			const ruler = new CheapRuler(p[1], 'meters');
			const brute = Math.min(...facilities.map((f) => ruler.distance(p, (f.geometry as Point).coordinates as [number, number])));
			expect(Math.abs(d[i] - brute)).toBeLessThan(0.25);
		}
	});

	it('lines, holes and empties', () => {
		const line: Geometry = {
			type: 'LineString',
			coordinates: [
				[118.78, 32.04],
				[118.79, 32.04]
			]
		};
		// perpendicular to the middle of the segment: 0.001° of latitude
		expect(distanceToGeometry(118.785, 32.041, line)).toBeCloseTo(110.89, 1);
		const holed: Geometry = {
			type: 'Polygon',
			coordinates: [
				[
					[118.78, 32.04],
					[118.79, 32.04],
					[118.79, 32.05],
					[118.78, 32.05],
					[118.78, 32.04]
				],
				[
					[118.784, 32.044],
					[118.786, 32.044],
					[118.786, 32.046],
					[118.784, 32.046],
					[118.784, 32.044]
				]
			]
		};
		expect(distanceToGeometry(118.785, 32.045, holed)).toBeCloseTo(94.45, 1); // in the hole: to its edge
		expect(distanceToGeometry(118.781, 32.041, holed)).toBe(0);
		const empty = FacilityIndex.build([]);
		expect(empty.nearest(118.78, 32.04, 1000)).toEqual({ distanceM: Infinity, index: -1 });
		expect(empty.within(118.78, 32.04, 1000)).toEqual([]);
		const b: BuildingSet = { ids: ['a', 'b'], lon: Float64Array.of(118.78, NaN), lat: Float64Array.of(32.04, 32.04), households: Float64Array.of(1, 1) };
		const r = nearestFacilityDistances(b, [{ id: 'f', category: 'x', geometry: { type: 'Point', coordinates: [118.78, 32.04] } }], 100);
		expect([...r.distanceM]).toEqual([0, Infinity]);
		expect([...r.nearest]).toEqual([0, -1]);
		// no limit: the nearest wherever it is (here 1° north, ≈ 111 km)
		const far = [{ id: 'f', category: 'x', geometry: { type: 'Point', coordinates: [118.78, 33.04] } as Geometry }];
		const unlimited = nearestFacilityDistances(b, far, Infinity);
		expect(unlimited.distanceM[0]).toBeCloseTo(vincenty(118.78, 32.04, 118.78, 33.04), -1);
		expect(FacilityIndex.build(far).nearest(118.78, 32.04, Infinity).distanceM).toBe(unlimited.distanceM[0]);
		expect(nearestFacilityDistances(b, far, 100_000).nearest[0]).toBe(-1);
	});
});

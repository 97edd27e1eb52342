// Metric helpers, one home: distances on the WGS-84 ellipsoid (./ruler: what coverage's straight
// lines and the walking network's edges are measured with, within millimetres of the geodesic over
// 2 km) and, for comparison only, the spherical haversine.
import type { Position } from 'geojson';

export * from './ruler';
import { distanceM } from './ruler';

export const EARTH_RADIUS_M = 6_371_008.8;

/** Haversine on the mean-radius sphere — up to ≈ 0.5 % off the ellipsoid; kept to show the difference. */
export function haversineMeters(a: Position, b: Position): number {
	const toRad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * toRad;
	const dLon = (b[0] - a[0]) * toRad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres along a polyline on the WGS-84 ellipsoid: the sum of its segments. */
export function lineLengthM(line: Position[]): number {
	let length = 0;
	for (let i = 1; i < line.length; i++) length += distanceM(line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]);
	return length;
}

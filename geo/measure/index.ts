// Distances on the WGS-84 sphere (mean radius, as Turf and PostGIS's spherical geography use).
import type { Position } from 'geojson';

export const EARTH_RADIUS_M = 6_371_008.8;

export function haversineMeters(a: Position, b: Position): number {
	const toRad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * toRad;
	const dLon = (b[0] - a[0]) * toRad;
	const h =
		Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

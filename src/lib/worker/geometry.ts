// Is the report's place inside the worker's own grid(s)? The same point-in-polygon rule as case
// attribution (geo/cases/attribution: ST_Contains), over GeoJSON polygons. Pure.
import type { MultiPolygon, Polygon } from 'geojson';
import { containsPoint } from '$geo/placement/point-location';

export function insideAny(geoms: (Polygon | MultiPolygon)[], lon: number, lat: number): boolean {
	return geoms.some((g) => {
		const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
		return containsPoint(
			polys.map((rings) => rings.map((ring) => ring.flat())),
			lon,
			lat
		);
	});
}

/** Metres between two WGS-84 points (haversine; a patrol's steps are short). */
export function metres(a: [number, number], b: [number, number]): number {
	const R = 6371008.8;
	const rad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * rad;
	const dLon = (b[0] - a[0]) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

// A point inside a polygon, found the way GEOS's InteriorPointArea does it (PostGIS ST_PointOnSurface
// since GEOS 3.8): a horizontal scan line through the middle of the shape, nudged off any vertex,
// and the middle of the widest stretch of that line inside the polygon. The importers place each
// building in the grid holding ST_PointOnSurface; the synthetic city places its template buildings
// with this same rule, so a synthetic building sits where an import of it would put it (demo
// buildings can straddle grid lines, where the centroid and this point disagree).
import type { MultiPolygon, Polygon, Position } from 'geojson';

function scanY(polygon: Position[][]): number {
	let lo = Infinity,
		hi = -Infinity;
	for (const p of polygon[0]) {
		if (p[1] < lo) lo = p[1];
		if (p[1] > hi) hi = p[1];
	}
	const centre = (lo + hi) / 2;
	// the closest vertex ordinates below and above the centre; the scan line runs halfway between
	let below = lo,
		above = hi;
	for (const ring of polygon) {
		for (const p of ring) {
			const y = p[1];
			if (y <= centre) {
				if (y > below) below = y;
			} else if (y < above) above = y;
		}
	}
	return (below + above) / 2;
}

function crossings(polygon: Position[][], y: number): number[] {
	const xs: number[] = [];
	for (const ring of polygon) {
		for (let i = 1; i < ring.length; i++) {
			const p0 = ring[i - 1],
				p1 = ring[i];
			if ((p0[1] > y && p1[1] > y) || (p0[1] < y && p1[1] < y)) continue;
			if (p0[1] === p1[1]) continue; // horizontal edge
			if (p0[1] === y && p1[1] < y) continue; // counted once, at the upper end
			if (p1[1] === y && p0[1] < y) continue;
			xs.push(p0[0] === p1[0] ? p0[0] : p0[0] + ((y - p0[1]) * (p1[0] - p0[0])) / (p1[1] - p0[1]));
		}
	}
	return xs.sort((a, b) => a - b);
}

/** An interior point of a (multi)polygon; for degenerate input, the average of the outer vertices. */
export function interiorPoint(geometry: Polygon | MultiPolygon): Position {
	const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	let best: Position | undefined;
	let bestWidth = -1;
	for (const polygon of polygons) {
		if (!polygon.length || polygon[0].length < 4) continue;
		const y = scanY(polygon);
		const xs = crossings(polygon, y);
		for (let i = 0; i + 1 < xs.length; i += 2) {
			const width = xs[i + 1] - xs[i];
			if (width > bestWidth) {
				bestWidth = width;
				best = [(xs[i] + xs[i + 1]) / 2, y];
			}
		}
	}
	if (best) return best;
	const ring = polygons[0]?.[0] ?? [[0, 0]];
	return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

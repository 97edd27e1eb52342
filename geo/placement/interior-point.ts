// A point inside a polygon, found as GEOS's InteriorPointArea finds it (PostGIS ST_PointOnSurface
// since GEOS 3.8), operation for operation, so the result is the same double: a horizontal scan line
// halfway between the vertex ordinates nearest the middle of the shell's extent, and the middle of the
// widest stretch of that line inside the polygon. The importers place a building in the units holding
// this point (placement/index.ts in memory, layers/hierarchy unitsHoldingPoint in SQL), and the
// synthetic city places its template buildings by it too.
import type { MultiPolygon, Polygon, Position } from 'geojson';

const avg = (a: number, b: number) => (a + b) / 2;

function scanY(polygon: Position[][]): number {
	let lo = Infinity,
		hi = -Infinity;
	for (const p of polygon[0]) {
		if (p[1] < lo) lo = p[1];
		if (p[1] > hi) hi = p[1];
	}
	const centre = avg(lo, hi);
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
	return avg(above, below);
}

/** GEOS's crossing of an edge with the scan line: through the slope, as GEOS computes it. */
function crossingX(p0: Position, p1: Position, y: number): number {
	const x0 = p0[0],
		x1 = p1[0];
	if (x0 === x1) return x0;
	const m = (p1[1] - p0[1]) / (x1 - x0);
	return x0 + (y - p0[1]) / m;
}

function crossings(polygon: Position[][], y: number): number[] {
	const xs: number[] = [];
	for (const ring of polygon) {
		for (let i = 1; i < ring.length; i++) {
			const p0 = ring[i - 1],
				p1 = ring[i];
			if ((p0[1] > y && p1[1] > y) || (p0[1] < y && p1[1] < y)) continue;
			if (p0[1] === p1[1]) continue; // horizontal edge
			if (p0[1] === y && p1[1] < y) continue; // a vertex on the line counts once
			if (p1[1] === y && p0[1] < y) continue;
			xs.push(crossingX(p0, p1, y));
		}
	}
	return xs.sort((a, b) => a - b);
}

/**
 * ST_PointOnSurface of a (multi)polygon: the widest polygon's point (the first, on a tie); a polygon
 * the scan line does not cross (no area) gives its first vertex. Null for an empty geometry.
 */
export function interiorPoint(geometry: Polygon | MultiPolygon): Position | null {
	const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	let best: Position | null = null;
	let bestWidth = -1;
	for (const polygon of polygons) {
		if (!polygon.length || !polygon[0].length) continue;
		const y = scanY(polygon);
		const xs = crossings(polygon, y);
		let point: Position = polygon[0][0];
		let width = 0;
		for (let i = 0; i + 1 < xs.length; i += 2) {
			if (xs[i + 1] - xs[i] > width) {
				width = xs[i + 1] - xs[i];
				point = [avg(xs[i], xs[i + 1]), y];
			}
		}
		if (width > bestWidth) {
			bestWidth = width;
			best = point;
		}
	}
	return best;
}

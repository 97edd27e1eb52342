// A facility's geometry cut into the elements the index measures: points, line segments and polygons
// (small ones whole, large ones as edges plus an inside test), and the distance from a point to them.
import type { Geometry, Position } from 'geojson';
import { distFrom, rulerAt, segDistFrom } from '../measure/ruler';

/**
 * One polygon: rings as flat [x, y, …] (closed), ringStart[r] … ringStart[r+1] in coords. A small
 * polygon (≤ SMALL_POLYGON_EDGES edges) is one element: its edges are measured together with the
 * inside test (polyDistFrom) and are not in Parts.segs; a larger one has its edges in segs.
 */
export interface PolyRec {
	fac: number;
	coords: Float64Array;
	ringStart: Int32Array;
	box: [number, number, number, number];
	small: boolean;
}

export const SMALL_POLYGON_EDGES = 24;

/** A geometry cut into elements. */
export interface Parts {
	points: number[]; // x, y, …
	segs: number[]; // ax, ay, bx, by, …
	polys: PolyRec[];
	box: [number, number, number, number];
}

const finite = (p: Position | undefined) => !!p && Number.isFinite(p[0]) && Number.isFinite(p[1]);

function grow(parts: Parts, x: number, y: number) {
	const b = parts.box;
	if (x < b[0]) b[0] = x;
	if (y < b[1]) b[1] = y;
	if (x > b[2]) b[2] = x;
	if (y > b[3]) b[3] = y;
}

function addPoint(parts: Parts, p: Position) {
	if (!finite(p)) return;
	parts.points.push(p[0], p[1]);
	grow(parts, p[0], p[1]);
}

function addLine(parts: Parts, ps: Position[]) {
	let prev: Position | undefined, first: Position | undefined;
	let added = 0;
	for (const p of ps) {
		if (!finite(p)) continue;
		if (!first) first = p;
		if (prev && (prev[0] !== p[0] || prev[1] !== p[1])) {
			parts.segs.push(prev[0], prev[1], p[0], p[1]);
			grow(parts, prev[0], prev[1]);
			grow(parts, p[0], p[1]);
			added++;
		}
		prev = p;
	}
	if (first && added === 0) addPoint(parts, first); // one vertex, or all the same
}

function addPolygon(parts: Parts, rings: Position[][], fac: number) {
	const flat: number[] = [];
	const starts: number[] = [];
	const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
	const kept: Position[][] = [];
	let edges = 0;
	for (const ring of rings) {
		const c = ring.filter(finite);
		if (c.length === 0) continue;
		if (c[0][0] !== c[c.length - 1][0] || c[0][1] !== c[c.length - 1][1]) c.push(c[0]);
		starts.push(flat.length);
		for (let k = 0; k < c.length; k++) {
			const p = c[k];
			flat.push(p[0], p[1]);
			if (p[0] < box[0]) box[0] = p[0];
			if (p[1] < box[1]) box[1] = p[1];
			if (p[0] > box[2]) box[2] = p[0];
			if (p[1] > box[3]) box[3] = p[1];
			if (k > 0 && (p[0] !== c[k - 1][0] || p[1] !== c[k - 1][1])) edges++;
		}
		kept.push(c);
	}
	if (starts.length === 0) return;
	starts.push(flat.length);
	const small = edges <= SMALL_POLYGON_EDGES;
	for (const c of kept) {
		if (!small) addLine(parts, c);
		else {
			// a ring without edges is a point, as addLine makes it
			if (c.every((p) => p[0] === c[0][0] && p[1] === c[0][1])) addPoint(parts, c[0]);
			else for (const p of c) grow(parts, p[0], p[1]);
		}
	}
	parts.polys.push({ fac, coords: Float64Array.from(flat), ringStart: Int32Array.from(starts), box, small });
}

/** Cuts a geometry into points, segments (lines and polygon boundaries) and polygons (for the inside test). */
export function decompose(g: Geometry | null | undefined, fac: number, out?: Parts): Parts {
	const parts = out ?? { points: [], segs: [], polys: [], box: [Infinity, Infinity, -Infinity, -Infinity] };
	if (!g) return parts;
	switch (g.type) {
		case 'Point':
			addPoint(parts, g.coordinates);
			break;
		case 'MultiPoint':
			for (const p of g.coordinates) addPoint(parts, p);
			break;
		case 'LineString':
			addLine(parts, g.coordinates);
			break;
		case 'MultiLineString':
			for (const l of g.coordinates) addLine(parts, l);
			break;
		case 'Polygon':
			addPolygon(parts, g.coordinates, fac);
			break;
		case 'MultiPolygon':
			for (const poly of g.coordinates) addPolygon(parts, poly, fac);
			break;
		case 'GeometryCollection':
			for (const c of g.geometries) decompose(c, fac, parts);
			break;
	}
	return parts;
}

/** Even–odd test over all rings (holes included). Points on the boundary are at distance 0 anyway. */
export function insidePoly(p: PolyRec, x: number, y: number): boolean {
	const b = p.box;
	if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) return false;
	const c = p.coords,
		rs = p.ringStart;
	let inside = false;
	for (let r = 0; r + 1 < rs.length; r++) {
		for (let i = rs[r], j = rs[r + 1] - 2; i < rs[r + 1]; j = i, i += 2) {
			const xi = c[i],
				yi = c[i + 1],
				xj = c[j],
				yj = c[j + 1];
			if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
		}
	}
	return inside;
}

/**
 * Distance from lon/lat (with its ruler) to a small polygon: 0 inside, else the nearest of its edges
 * (each edge from its earlier vertex to its later one, as in Parts.segs).
 */
export function polyDistFrom(p: PolyRec, lon: number, lat: number, kx: number, hx: number, ky: number, hy: number): number {
	const c = p.coords,
		rs = p.ringStart;
	let inside = false,
		best = Infinity;
	for (let r = 0; r + 1 < rs.length; r++) {
		const first = rs[r];
		for (let i = first, j = rs[r + 1] - 2; i < rs[r + 1]; j = i, i += 2) {
			const xi = c[i],
				yi = c[i + 1],
				xj = c[j],
				yj = c[j + 1];
			if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
			if (i === first || (xi === xj && yi === yj)) continue;
			const d = segDistFrom(lon, lat, kx, hx, ky, hy, xj, yj, xi, yi);
			if (d < best) best = d;
		}
	}
	return inside ? 0 : best;
}

/** Exact distance (the canonical formula) from a building at lon/lat to decomposed parts. */
export function distanceToParts(lon: number, lat: number, parts: Parts): number {
	for (const p of parts.polys) if (insidePoly(p, lon, lat)) return 0;
	const { kx, hx, ky, hy } = rulerAt(lat);
	let best = Infinity;
	for (const p of parts.polys) {
		if (!p.small) continue;
		const d = polyDistFrom(p, lon, lat, kx, hx, ky, hy);
		if (d < best) best = d;
	}
	const pt = parts.points,
		sg = parts.segs;
	for (let i = 0; i < pt.length; i += 2) {
		const d = distFrom(lon, lat, kx, hx, ky, hy, pt[i], pt[i + 1]);
		if (d < best) best = d;
	}
	for (let i = 0; i < sg.length; i += 4) {
		const d = segDistFrom(lon, lat, kx, hx, ky, hy, sg[i], sg[i + 1], sg[i + 2], sg[i + 3]);
		if (d < best) best = d;
	}
	return best;
}

/** Metres from a building at lon/lat to a facility geometry (0 inside a polygon). Infinity for an empty geometry. */
export function distanceToGeometry(lon: number, lat: number, geometry: Geometry): number {
	return distanceToParts(lon, lat, decompose(geometry, 0));
}

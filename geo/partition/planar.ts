// Small planar helpers for the grid-planning modules: areas in m² in a local equirectangular frame
// (exact for shapes cut in lon/lat, consistent with Turf's planar clipping), point-in-polygon,
// label points, bboxes and safe wrappers around Turf's clipping. Pure: no I/O.
import CheapRuler from 'cheap-ruler';
import { difference } from '@turf/difference';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import type { BBox, Feature, MultiPolygon, Polygon, Position } from 'geojson';

export type Areal = Polygon | MultiPolygon;

/** Metres per degree of longitude (kx) and latitude (ky) at a latitude (WGS-84, cheap-ruler). */
export function scaleAt(lat: number): { kx: number; ky: number } {
	const r = new CheapRuler(lat, 'meters');
	const [kx, ky] = [r.distance([0, lat], [1, lat]), r.distance([0, lat], [0, lat + 1])];
	return { kx, ky };
}

export function geometryOf(g: Areal | Feature<Areal, unknown>): Areal {
	return (g as Feature).type === 'Feature' ? (g as Feature<Areal>).geometry : (g as Areal);
}

export function polygonsOf(g: Areal): Position[][][] {
	return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function fromPolygons(polys: Position[][][]): Areal | null {
	if (polys.length === 0) return null;
	return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

/** Signed shoelace area of a ring in degree² (positive = counter-clockwise). */
export function ringSignedArea(ring: Position[]): number {
	let a = 0;
	for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
	return a / 2;
}

/** Planar area in m² (holes subtracted) with the given scale. */
export function planarArea(g: Areal, k: { kx: number; ky: number }): number {
	let s = 0;
	for (const poly of polygonsOf(g)) poly.forEach((ring, r) => (s += (r === 0 ? 1 : -1) * Math.abs(ringSignedArea(ring))));
	return s * k.kx * k.ky;
}

/** Planar perimeter in m (all rings). */
export function planarPerimeter(g: Areal, k: { kx: number; ky: number }): number {
	let s = 0;
	for (const poly of polygonsOf(g))
		for (const ring of poly)
			for (let i = 0; i + 1 < ring.length; i++) s += Math.hypot((ring[i + 1][0] - ring[i][0]) * k.kx, (ring[i + 1][1] - ring[i][1]) * k.ky);
	return s;
}

export function bboxOf(g: Areal): BBox {
	let minX = Infinity,
		minY = Infinity,
		maxX = -Infinity,
		maxY = -Infinity;
	for (const poly of polygonsOf(g))
		for (const ring of poly)
			for (const p of ring) {
				if (p[0] < minX) minX = p[0];
				if (p[1] < minY) minY = p[1];
				if (p[0] > maxX) maxX = p[0];
				if (p[1] > maxY) maxY = p[1];
			}
	return [minX, minY, maxX, maxY];
}

export function bboxesMeet(a: BBox, b: BBox, eps = 0): boolean {
	return !(a[2] < b[0] - eps || b[2] < a[0] - eps || a[3] < b[1] - eps || b[3] < a[1] - eps);
}

/** Even–odd point in polygon over all rings of every polygon (points on an edge are undefined). */
export function pointInAreal(x: number, y: number, g: Areal): boolean {
	for (const poly of polygonsOf(g)) {
		let inside = false;
		for (const ring of poly) {
			for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
				const xi = ring[i][0],
					yi = ring[i][1],
					xj = ring[j][0],
					yj = ring[j][1];
				if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
			}
		}
		if (inside) return true;
	}
	return false;
}

/**
 * A point inside a polygon to show a violation: the area centroid of the largest polygon when it is
 * inside, else the middle of the widest interior run of the horizontal line through the centroid.
 */
export function labelPoint(g: Areal): Position {
	let best = polygonsOf(g)[0];
	let bestA = -1;
	for (const poly of polygonsOf(g)) {
		const a = Math.abs(ringSignedArea(poly[0])) - poly.slice(1).reduce((s, r) => s + Math.abs(ringSignedArea(r)), 0);
		if (a > bestA) {
			bestA = a;
			best = poly;
		}
	}
	const outer = best[0];
	let cx = 0,
		cy = 0,
		a2 = 0;
	for (let i = 0, n = outer.length, j = n - 1; i < n; j = i++) {
		const f = outer[j][0] * outer[i][1] - outer[i][0] * outer[j][1];
		cx += (outer[j][0] + outer[i][0]) * f;
		cy += (outer[j][1] + outer[i][1]) * f;
		a2 += f;
	}
	const c: Position = a2 !== 0 ? [cx / (3 * a2), cy / (3 * a2)] : outer[0];
	const poly: Polygon = { type: 'Polygon', coordinates: best };
	if (pointInAreal(c[0], c[1], poly)) return round7(c);
	// Scanline through the centroid's latitude (nudged off vertices).
	const y = c[1] + 1e-12;
	const xs: number[] = [];
	for (const ring of best)
		for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
			const [xi, yi] = ring[i],
				[xj, yj] = ring[j];
			if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
		}
	xs.sort((p, q) => p - q);
	let bx = outer[0][0],
		w = -1;
	for (let i = 0; i + 1 < xs.length; i += 2)
		if (xs[i + 1] - xs[i] > w) {
			w = xs[i + 1] - xs[i];
			bx = (xs[i] + xs[i + 1]) / 2;
		}
	return round7([bx, y]);
}

export function round7(p: Position): Position {
	return [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
}

const feat = (g: Areal): Feature<Areal> => ({ type: 'Feature', properties: {}, geometry: g });

/** a ∩ b, or null when empty or when the clipper fails. */
export function clipIntersect(a: Areal, b: Areal): Areal | null {
	try {
		return intersect(featureCollection([feat(a), feat(b)]))?.geometry ?? null;
	} catch {
		return null;
	}
}

/** a − b, or null when empty (a is returned unchanged when the clipper fails). */
export function clipDifference(a: Areal, b: Areal): Areal | null {
	try {
		return difference(featureCollection([feat(a), feat(b)]))?.geometry ?? null;
	} catch {
		return a;
	}
}

/** ∪ gs, or null when empty. */
export function clipUnion(gs: Areal[]): Areal | null {
	if (gs.length === 0) return null;
	if (gs.length === 1) return gs[0];
	try {
		return union(featureCollection(gs.map(feat)))?.geometry ?? null;
	} catch {
		return gs.reduce<Areal | null>((acc, g) => {
			if (!acc) return g;
			try {
				return union(featureCollection([feat(acc), feat(g)]))?.geometry ?? acc;
			} catch {
				return acc;
			}
		}, null);
	}
}

export function bboxPolygon(b: BBox): Polygon {
	return {
		type: 'Polygon',
		coordinates: [
			[
				[b[0], b[1]],
				[b[2], b[1]],
				[b[2], b[3]],
				[b[0], b[3]],
				[b[0], b[1]]
			]
		]
	};
}

/**
 * Remove repeated vertices and zero-width spikes (a vertex where the ring turns straight back,
 * which clipping sometimes leaves along shared edges); drop rings that collapse.
 */
export function cleanAreal(g: Areal | null): Areal | null {
	if (!g) return null;
	const cleanRing = (ring: Position[]): Position[] | null => {
		const pts = ring.slice(0, -1).filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
		let changed = true;
		while (changed && pts.length >= 3) {
			changed = false;
			for (let i = 0; i < pts.length; i++) {
				const a = pts[(i - 1 + pts.length) % pts.length],
					b = pts[i],
					c = pts[(i + 1) % pts.length];
				const ux = b[0] - a[0],
					uy = b[1] - a[1],
					vx = c[0] - b[0],
					vy = c[1] - b[1];
				const cross = ux * vy - uy * vx,
					dot = ux * vx + uy * vy;
				const same = a[0] === c[0] && a[1] === c[1];
				if (same || (dot < 0 && Math.abs(cross) <= 1e-7 * Math.hypot(ux, uy) * Math.hypot(vx, vy) + 1e-24)) {
					pts.splice(i, 1);
					if (same && pts.length > 0) pts.splice(i % pts.length, 1);
					changed = true;
					break;
				}
			}
		}
		if (pts.length < 3) return null;
		return [...pts, pts[0]];
	};
	const polys = polygonsOf(g)
		.map((poly) => {
			const outer = cleanRing(poly[0]);
			return outer
				? [
						outer,
						...poly
							.slice(1)
							.map(cleanRing)
							.filter((r): r is Position[] => r !== null)
					]
				: null;
		})
		.filter((p): p is Position[][] => p !== null);
	return fromPolygons(polys);
}

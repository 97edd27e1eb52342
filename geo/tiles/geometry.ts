// One feature's geometry → integer tile coordinates, following ST_AsMVTGeom(geom, envelope, extent,
// buffer, clip => true) step by step (PostGIS 3.1+, mvt.c mvt_geom):
//   1. keep the highest-dimension basic type (point, line or polygon);
//   2. affine to tile space (y down), snap every vertex to the integer grid with rint, drop repeats;
//   3. drop points on straight lines (lines: Douglas–Peucker with tolerance 0; polygon rings: also
//      zero-width spikes, which wagyu removes in PostGIS) and parts that collapsed;
//   4. clip to the tile grown by `buffer` (PostGIS: wagyu for polygons, GEOS for lines), snap again;
//   5. polygons: exterior rings with positive area in tile space (clockwise on screen, as the MVT
//      spec asks), holes negative; rings with no area are dropped.
// Where the result can differ from PostGIS (the tests allow one tile unit per vertex): wagyu rounds
// the points where an edge crosses the buffer's edge its own way (±1 unit, outside the visible
// tile), cuts a concave shape crossing the buffer edge twice into two rings where Sutherland–Hodgman
// keeps one ring with a zero-width seam along that edge, repairs self-intersections that snapping
// creates, and merges overlapping parts of a multipolygon.
import type { Geometry, Position } from 'geojson';
import { clipLine, clipRing, flatBounds, insideBox, outsideBox, type ClipBox } from './clip';
import { EARTH_RADIUS, rint, tileEnvelope, DEFAULT_BUFFER, DEFAULT_EXTENT, type TileCoord } from './tile-math';

export const GEOM_POINT = 1;
export const GEOM_LINE = 2;
export const GEOM_POLYGON = 3;
export type TileGeomType = typeof GEOM_POINT | typeof GEOM_LINE | typeof GEOM_POLYGON;

/**
 * Integer tile coordinates. Points: one part holding every point. Lines: one part per line.
 * Polygons: rings (open, no repeated closing vertex), each exterior followed by its holes.
 */
export interface TileGeometry {
	type: TileGeomType;
	parts: ArrayLike<number>[];
}

export interface TileOptions {
	extent?: number;
	buffer?: number;
	/** Input coordinates are EPSG:3857 metres rather than WGS-84 degrees. */
	mercator?: boolean;
}

/** Projection of one tile: lon/lat (or 3857) → floating tile pixels, as PostGIS's affine does it. */
export class TileProjector {
	readonly fx: number;
	readonly fy: number;
	readonly xoff: number;
	readonly yoff: number;
	readonly box: ClipBox;
	readonly mercator: boolean;
	// Tile y as a polynomial in the latitude's distance from the tile's centre (see snapLat)
	private readonly phi0: number;
	private readonly dmax: number;
	private readonly c: [number, number, number, number, number];
	constructor(tile: TileCoord, options: TileOptions = {}) {
		const extent = options.extent ?? DEFAULT_EXTENT;
		const buffer = options.buffer ?? DEFAULT_BUFFER;
		const e = tileEnvelope(tile);
		this.fx = extent / (e.xmax - e.xmin);
		this.fy = -(extent / (e.ymax - e.ymin));
		this.xoff = -e.xmin * this.fx;
		this.yoff = -e.ymax * this.fy;
		this.box = { min: -buffer, max: extent + buffer };
		this.mercator = !!options.mercator;
		const series = latitudeSeries(Math.atan(Math.sinh((e.ymin + e.ymax) / 2 / EARTH_RADIUS)), EARTH_RADIUS * this.fy, this.yoff);
		this.phi0 = series.phi0;
		this.dmax = series.dmax;
		this.c = series.c;
	}

	/** rint of the tile x of a longitude in degrees. */
	snapLon(lon: number): number {
		return rint(this.fx * ((EARTH_RADIUS * lon * Math.PI) / 180) + this.xoff);
	}

	/**
	 * rint of the tile y of a latitude in degrees: the same integer as
	 * rint(fy · R·asinh(tan φ) + yoff). Near the tile a degree-4 Taylor polynomial of the Mercator
	 * function stands in for tan and asinh (a tenth of the time: they were a third of a grid tile's
	 * geometry work); its error is kept below 1e-9 of a tile unit, so it can only change the result
	 * when the exact value lies within 1e-6 of a rounding tie, and there the exact formula decides.
	 */
	snapLat(lat: number): number {
		const phi = (lat * Math.PI) / 180;
		const d = phi - this.phi0;
		if (d <= this.dmax && d >= -this.dmax) {
			const c = this.c;
			const y = c[0] + d * (c[1] + d * (c[2] + d * (c[3] + d * c[4])));
			const f = y - Math.floor(y);
			if (f < 0.5 - 1e-6 || f > 0.5 + 1e-6) return rint(y);
		}
		return rint(this.fy * (EARTH_RADIUS * Math.asinh(Math.tan(phi))) + this.yoff);
	}

	/** Flat [lon, lat, …] (or 3857 x, y) → snapped flat tile [x, y, …], consecutive repeats removed. */
	snap(flat: ArrayLike<number>): number[] {
		const out: number[] = [];
		let lx = NaN,
			ly = NaN;
		const { fx, fy, xoff, yoff } = this;
		for (let i = 0; i < flat.length; i += 2) {
			let x: number, y: number;
			if (this.mercator) {
				x = rint(fx * flat[i] + xoff);
				y = rint(fy * flat[i + 1] + yoff);
			} else {
				x = this.snapLon(flat[i]);
				y = this.snapLat(flat[i + 1]);
			}
			if (x === lx && y === ly) continue;
			out.push(x, y);
			lx = x;
			ly = y;
		}
		return out;
	}
}

/**
 * Taylor coefficients of k·g(φ0 + d) + b in d, g = asinh∘tan (Mercator y / R), to degree 4, and
 * the widest |d| for which the remainder k·g⁽⁵⁾·d⁵/120 stays below 1e-9 (g⁽⁵⁾ taken at the
 * far end, where it is largest). Near the poles the series is not used (dmax 0).
 */
function latitudeSeries(phi0: number, k: number, b: number): { phi0: number; dmax: number; c: [number, number, number, number, number] } {
	const t = Math.tan(phi0),
		s = 1 / Math.cos(phi0);
	const c: [number, number, number, number, number] = [
		k * Math.asinh(t) + b,
		k * s,
		(k * s * t) / 2,
		(k * s * (2 * t * t + 1)) / 6,
		(k * s * t * (6 * t * t + 5)) / 24
	];
	let dmax = 0.01;
	for (; dmax > 1e-7; dmax /= 2) {
		const far = Math.abs(phi0) + dmax;
		if (far >= (85 * Math.PI) / 180) continue;
		const tf = Math.tan(far),
			sf = 1 / Math.cos(far);
		const g5 = sf * (24 * tf ** 4 + 28 * tf * tf + 5);
		if ((Math.abs(k) * g5 * dmax ** 5) / 120 <= 1e-9) break;
	}
	return { phi0, dmax: dmax > 1e-7 ? dmax : 0, c };
}

/**
 * A geometry as flat coordinate arrays, reduced to its basic type (what the WKB reader yields
 * directly, without one array per vertex): points [x, y, …]; lines [[x, y, …], …];
 * polygons [[exterior, hole, …], …].
 */
export type FlatGeometry =
	{ type: typeof GEOM_POINT; points: number[] } | { type: typeof GEOM_LINE; lines: number[][] } | { type: typeof GEOM_POLYGON; polygons: number[][][] };

/**
 * The same geometry with every position passed through `fn` (a new object; the input is kept), e.g.
 * WGS-84 → GCJ-02 so tiles line up with a Chinese basemap.
 */
export function mapFlatPositions(g: FlatGeometry, fn: (x: number, y: number) => [number, number]): FlatGeometry {
	const map = (xy: number[]) => {
		const out = new Array<number>(xy.length);
		for (let i = 0; i + 1 < xy.length; i += 2) {
			const [x, y] = fn(xy[i], xy[i + 1]);
			out[i] = x;
			out[i + 1] = y;
		}
		return out;
	};
	if (g.type === GEOM_POINT) return { type: GEOM_POINT, points: map(g.points) };
	if (g.type === GEOM_LINE) return { type: GEOM_LINE, lines: g.lines.map(map) };
	return { type: GEOM_POLYGON, polygons: g.polygons.map((rings) => rings.map(map)) };
}

/** The tile geometry of one feature, or null when nothing of it is left in the tile. */
export function toTileGeometry(geometry: Geometry | FlatGeometry | null | undefined, projector: TileProjector): TileGeometry | null {
	if (!geometry) return null;
	const flat = typeof geometry.type === 'number' ? (geometry as FlatGeometry) : flatten(geometry as Geometry);
	if (!flat) return null;
	if (flat.type === GEOM_POINT) return tilePoints(flat.points, projector);
	if (flat.type === GEOM_LINE) return tileLines(flat.lines, projector);
	return tilePolygons(flat.polygons, projector);
}

/** GeoJSON → FlatGeometry of its highest-dimension basic type (null when it has none). */
export function flatten(g: Geometry): FlatGeometry | null {
	const type = basicType(g);
	const flatPositions = (ps: Position[]) => {
		const out: number[] = new Array(ps.length * 2);
		for (let i = 0; i < ps.length; i++) {
			out[2 * i] = ps[i][0];
			out[2 * i + 1] = ps[i][1];
		}
		return out;
	};
	if (type === GEOM_POINT) return { type, points: flatPositions(collectPoints(g)) };
	if (type === GEOM_LINE) return { type, lines: collectLines(g).map(flatPositions) };
	if (type === GEOM_POLYGON) return { type, polygons: collectPolygons(g).map((poly) => poly.map(flatPositions)) };
	return null;
}

function basicType(g: Geometry): number {
	switch (g.type) {
		case 'Point':
		case 'MultiPoint':
			return GEOM_POINT;
		case 'LineString':
		case 'MultiLineString':
			return GEOM_LINE;
		case 'Polygon':
		case 'MultiPolygon':
			return GEOM_POLYGON;
		case 'GeometryCollection':
			return Math.max(0, ...g.geometries.map(basicType));
	}
}

function collectPoints(g: Geometry): Position[] {
	if (g.type === 'Point') return [g.coordinates];
	if (g.type === 'MultiPoint') return g.coordinates;
	if (g.type === 'GeometryCollection') return g.geometries.flatMap(collectPoints);
	return [];
}

function collectLines(g: Geometry): Position[][] {
	if (g.type === 'LineString') return [g.coordinates];
	if (g.type === 'MultiLineString') return g.coordinates;
	if (g.type === 'GeometryCollection') return g.geometries.flatMap(collectLines);
	return [];
}

function collectPolygons(g: Geometry): Position[][][] {
	if (g.type === 'Polygon') return [g.coordinates];
	if (g.type === 'MultiPolygon') return g.coordinates;
	if (g.type === 'GeometryCollection') return g.geometries.flatMap(collectPolygons);
	return [];
}

function tilePoints(points: number[], p: TileProjector): TileGeometry | null {
	const out: number[] = [];
	const seen = new Set<string>();
	const many = points.length > 2;
	for (let i = 0; i < points.length; i += 2) {
		const [x, y] = p.snap([points[i], points[i + 1]]);
		if (x < p.box.min || x > p.box.max || y < p.box.min || y > p.box.max) continue;
		// ST_AsMVTGeom removes duplicate points of a multipoint once they share a pixel
		const key = `${x},${y}`;
		if (many && seen.has(key)) continue;
		seen.add(key);
		out.push(x, y);
	}
	return out.length ? { type: GEOM_POINT, parts: [out] } : null;
}

function tileLines(lines: number[][], p: TileProjector): TileGeometry | null {
	const parts: number[][] = [];
	for (const line of lines) {
		let flat = p.snap(line);
		if (flat.length < 4) continue;
		flat = simplifyZero(flat, false);
		const b = flatBounds(flat);
		if (outsideBox(b, p.box)) continue;
		const pieces = insideBox(b, p.box) ? [flat] : clipLine(flat, p.box).map(resnapLine);
		for (const piece of pieces) if (piece.length >= 4) parts.push(piece);
	}
	return parts.length ? { type: GEOM_LINE, parts } : null;
}

function tilePolygons(polygons: number[][][], p: TileProjector): TileGeometry | null {
	const parts: ArrayLike<number>[] = [];
	for (const polygon of polygons) {
		const rings: number[][] = [];
		for (let i = 0; i < polygon.length; i++) {
			const ring = projectRing(polygon[i], p);
			if (!ring) {
				if (i === 0) break; // exterior collapsed: the polygon is gone, holes with it
				continue;
			}
			rings.push(ring);
		}
		if (rings.length === 0) continue;
		const b = flatBounds(rings[0]);
		if (outsideBox(b, p.box)) continue;
		const clipped = insideBox(b, p.box) ? rings : rings.map((r) => resnapRing(clipRing(r, p.box)));
		const exterior = clipped[0];
		if (!exterior || ringArea(exterior) === 0) continue;
		parts.push(orient(exterior, true));
		for (let h = 1; h < clipped.length; h++) {
			const hole = clipped[h];
			if (hole && ringArea(hole) !== 0) parts.push(orient(hole, false));
		}
	}
	return parts.length ? { type: GEOM_POLYGON, parts } : null;
}

/**
 * Builds a ring vertex by vertex, keeping it clean as it goes: repeated vertices are skipped, and a
 * vertex whose neighbours are collinear with it is dropped — points on a straight edge (as
 * Douglas–Peucker with tolerance 0 does) and zero-width spikes where the outline runs out and
 * straight back (snapping makes them; wagyu removes them in PostGIS). One reusable buffer, so a
 * tile of thousands of polygons makes one small array per ring and little garbage.
 */
class RingBuilder {
	private buf = new Float64Array(512);
	private n = 0;

	reset() {
		this.n = 0;
	}

	push(x: number, y: number) {
		let n = this.n;
		let b = this.buf;
		if (n > 0 && b[2 * n - 2] === x && b[2 * n - 1] === y) return;
		if (2 * n + 2 > b.length) {
			const grown = new Float64Array(b.length * 2);
			grown.set(b);
			this.buf = b = grown;
		}
		b[2 * n] = x;
		b[2 * n + 1] = y;
		n++;
		while (n >= 3 && collinear(b, n - 3, n - 2, n - 1)) {
			b[2 * n - 4] = b[2 * n - 2];
			b[2 * n - 3] = b[2 * n - 1];
			n--;
		}
		this.n = n;
	}

	/** The ring (open, at least 3 vertices) or null; also cleans across the seam last → first. */
	finish(): number[] | null {
		const b = this.buf;
		let n = this.n;
		let start = 0;
		for (let changed = true; changed && n - start >= 3;) {
			changed = false;
			if (b[2 * n - 2] === b[2 * start] && b[2 * n - 1] === b[2 * start + 1]) {
				n--;
				changed = true;
			} else if (collinear(b, n - 2, n - 1, start)) {
				n--;
				changed = true;
			} else if (collinear(b, n - 1, start, start + 1)) {
				start++;
				changed = true;
			}
		}
		if (n - start < 3) return null;
		// a plain array of small integers: a typed array per ring cost more to allocate than the
		// ring's whole clean-up
		const out: number[] = [];
		for (let i = 2 * start; i < 2 * n; i++) out.push(b[i]);
		return out;
	}
}

function collinear(b: Float64Array, i: number, j: number, k: number): boolean {
	return (b[2 * j] - b[2 * i]) * (b[2 * k + 1] - b[2 * i + 1]) - (b[2 * j + 1] - b[2 * i + 1]) * (b[2 * k] - b[2 * i]) === 0;
}

const ringBuilder = new RingBuilder();

/** One input ring (flat lon/lat or 3857, closed or not) → snapped, cleaned tile ring, or null. */
function projectRing(flat: ArrayLike<number>, p: TileProjector): number[] | null {
	const r = ringBuilder;
	r.reset();
	const { fx, fy, xoff, yoff, mercator } = p;
	if (mercator) {
		for (let i = 0; i < flat.length; i += 2) r.push(rint(fx * flat[i] + xoff), rint(fy * flat[i + 1] + yoff));
	} else {
		for (let i = 0; i < flat.length; i += 2) r.push(p.snapLon(flat[i]), p.snapLat(flat[i + 1]));
	}
	return r.finish();
}

/** After clipping: snap the new vertices (intersections) and clean up as before. */
function resnapRing(flat: ArrayLike<number>): number[] | null {
	const r = ringBuilder;
	r.reset();
	for (let i = 0; i < flat.length; i += 2) r.push(rint(flat[i]), rint(flat[i + 1]));
	return r.finish();
}

function resnapLine(flat: number[]): number[] {
	const out: number[] = [];
	for (let i = 0; i < flat.length; i += 2) {
		const x = rint(flat[i]),
			y = rint(flat[i + 1]);
		const n = out.length;
		if (n && out[n - 2] === x && out[n - 1] === y) continue;
		out.push(x, y);
	}
	return out.length >= 4 ? simplifyZero(out, false) : [];
}

/** The ring clean-up of RingBuilder on an integer ring (flat, open or closed). */
export function removeCollinear(ring: ArrayLike<number>): number[] {
	const r = ringBuilder;
	r.reset();
	for (let i = 0; i < ring.length; i += 2) r.push(ring[i], ring[i + 1]);
	const out = r.finish();
	return out ?? [];
}

/**
 * Douglas–Peucker with tolerance 0 (PostGIS's "remove points on straight lines"): a vertex goes
 * when it lies on the segment between the vertices kept around it. A ring is simplified as the
 * closed sequence starting and ending at its first vertex, as PostGIS stores it.
 */
export function simplifyZero(flat: number[], ring: boolean): number[] {
	const n = flat.length / 2 + (ring ? 1 : 0);
	if (n < 3) return flat;
	const xs = (i: number) => flat[(i % (flat.length / 2)) * 2];
	const ys = (i: number) => flat[(i % (flat.length / 2)) * 2 + 1];
	const keep = new Uint8Array(n);
	keep[0] = 1;
	keep[n - 1] = 1;
	const stack: number[] = [0, n - 1];
	while (stack.length) {
		const last = stack.pop()!;
		const first = stack.pop()!;
		let maxD = 0,
			index = -1;
		for (let i = first + 1; i < last; i++) {
			const d = segDist2(xs(i), ys(i), xs(first), ys(first), xs(last), ys(last));
			if (d > maxD) {
				maxD = d;
				index = i;
			}
		}
		if (index >= 0 && maxD > 0) {
			keep[index] = 1;
			stack.push(first, index, index, last);
		}
	}
	const out: number[] = [];
	const end = ring ? n - 1 : n; // a ring's last entry is its first vertex again
	for (let i = 0; i < end; i++) if (keep[i]) out.push(xs(i), ys(i));
	return out;
}

function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
	let dx = bx - ax,
		dy = by - ay;
	if (dx !== 0 || dy !== 0) {
		const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
		if (t > 1) {
			ax = bx;
			ay = by;
		} else if (t > 0) {
			ax += dx * t;
			ay += dy * t;
		}
	}
	dx = px - ax;
	dy = py - ay;
	return dx * dx + dy * dy;
}

/** Twice the signed area by the surveyor's formula; positive = clockwise on screen (y down). */
export function ringArea(ring: ArrayLike<number>): number {
	let sum = 0;
	const n = ring.length;
	for (let i = 0, j = n - 2; i < n; j = i, i += 2) sum += ring[j] * ring[i + 1] - ring[i] * ring[j + 1];
	return sum;
}

/** The ring with the winding asked for: reversed in place (first vertex kept first) when needed. */
function orient(ring: number[], exterior: boolean): number[] {
	if (ringArea(ring) > 0 === exterior) return ring;
	for (let i = 2, j = ring.length - 2; i < j; i += 2, j -= 2) {
		const x = ring[i],
			y = ring[i + 1];
		ring[i] = ring[j];
		ring[i + 1] = ring[j + 1];
		ring[j] = x;
		ring[j + 1] = y;
	}
	return ring;
}

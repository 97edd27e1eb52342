// Split an area in two along one line: a road fitted as a centreline (splitByLine, for proposals and
// the demo), or a planner's drawn polyline followed exactly (splitByPolyline); and tidy coordinates.
import { GridAtlasError } from '../errors';
import { bbox as turfBbox } from '@turf/bbox';
import { difference } from '@turf/difference';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import type { BBox, Feature, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { expandBBox, fitCenterline, lowSidePolygon, type CenterlineOptions, type CutAxis } from './cut';
import { bboxOf, cleanAreal, clipDifference, clipIntersect, geometryOf, planarArea, pointInAreal, polygonsOf, scaleAt } from './planar';

type Areal = Polygon | MultiPolygon;

/**
 * Split `area` along `line` (e.g. a road or boundary running north–south for axis 'x', east–west for
 * 'y'). The line is turned into a centreline monotone along the cut and extended straight beyond its
 * ends. Returns the low side (west / south) and the high side (east / north); either may be null
 * when the line misses the area. low ∪ high = area, low ∩ high = ∅ (exactly: high = area − low).
 */
export function splitByLine(
	area: Feature<Areal>,
	line: Feature<LineString | MultiLineString>,
	axis: CutAxis,
	opts: CenterlineOptions = {}
): { low: Feature<Areal> | null; high: Feature<Areal> | null } {
	const box = turfBbox(area);
	const cut = fitCenterline(line, axis, box, expandBBox(box, 50), {
		minCoverage: opts.minCoverage ?? 0.3,
		straightnessM: opts.straightnessM ?? 1000,
		binM: opts.binM ?? 5
	});
	if (!cut) throw new Error(`splitByLine: line ${String(line.properties?.name ?? '')} does not cross the area`);
	const side = lowSidePolygon(cut, expandBBox(box, 200));
	const low = intersect(featureCollection<Areal>([area, side]));
	const high = difference(featureCollection<Areal>([area, side]));
	return { low: low ?? null, high: high ?? null };
}

function roundRing(ring: Position[], f: number): Position[] | null {
	const out: Position[] = [];
	for (const p of ring) {
		const q = [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f];
		const last = out[out.length - 1];
		if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
	}
	// Close, drop degenerate rings (fewer than 3 distinct corners).
	if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
	// Remove spikes A-B-A created by rounding.
	let changed = true;
	while (changed && out.length >= 3) {
		changed = false;
		for (let i = 0; i < out.length; i++) {
			const a = out[(i - 1 + out.length) % out.length];
			const c = out[(i + 1) % out.length];
			if (a[0] === c[0] && a[1] === c[1]) {
				out.splice(i, 1);
				changed = true;
				break;
			}
		}
	}
	if (out.length < 3) return null;
	out.push([out[0][0], out[0][1]]);
	return out;
}

/** Round coordinates to `decimals`, drop repeated points, spikes and collapsed rings/polygons. */
export function roundGeometry(g: Areal, decimals = 7): Areal {
	const f = 10 ** decimals;
	const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
		.map((poly) => {
			const outer = roundRing(poly[0], f);
			if (!outer) return null;
			const holes = poly
				.slice(1)
				.map((r) => roundRing(r, f))
				.filter((r): r is Position[] => r !== null);
			return [outer, ...holes];
		})
		.filter((p): p is Position[][] => p !== null);
	if (polys.length === 0) throw new Error('roundGeometry: geometry collapsed');
	return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

/** Why a drawn line cannot split an area (see splitByPolyline). */
export type SplitLineReason = 'too_short' | 'ends_inside' | 'self_intersecting' | 'no_cut';

export class SplitLineError extends GridAtlasError {
	constructor(
		readonly reason: SplitLineReason,
		message: string
	) {
		super(message, { code: 'bad_split_line', details: { reason } });
		this.name = 'SplitLineError';
	}
}

export interface SplitByPolylineOptions {
	/** An end of the line may stop this far (m) inside the area: it is extended straight out. Default 3. */
	endToleranceM?: number;
	/** Each piece must be at least this large (m²). Default 1. */
	minPieceM2?: number;
}

/**
 * Split `area` exactly along a drawn polyline in any direction (a planner's cut: diagonal, bent,
 * doubling back around a building), unlike splitByLine, which fits a road's centreline monotone
 * along one axis. The line's first and last segments are extended straight until they leave the
 * area's neighbourhood; the side to the left of the line is closed around a box that holds the
 * area and the line, so the cut follows the drawn vertices exactly. Returns the two sides
 * (each Polygon or MultiPolygon; together exactly the area) or throws SplitLineError: fewer than
 * two distinct points, an end well inside the area, a line crossing itself, or no cut at all.
 */
export function splitByPolyline(area: Feature<Areal> | Areal, line: LineString | Position[], opts: SplitByPolylineOptions = {}): [Areal, Areal] {
	const g = geometryOf(area);
	const raw = Array.isArray(line) ? line : line.coordinates;
	const pts: Position[] = [];
	for (const p of raw) {
		if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
		const last = pts[pts.length - 1];
		if (!last || Math.abs(last[0] - p[0]) > 1e-10 || Math.abs(last[1] - p[1]) > 1e-10) pts.push([p[0], p[1]]);
	}
	if (pts.length < 2) throw new SplitLineError('too_short', 'splitByPolyline: the line needs two distinct points');
	const box0 = bboxOf(g);
	const k = scaleAt((box0[1] + box0[3]) / 2);
	const tol = opts.endToleranceM ?? 3;
	for (const end of [pts[0], pts[pts.length - 1]])
		if (pointInAreal(end[0], end[1], g) && distanceToBoundaryM(end, g, k) > tol)
			throw new SplitLineError('ends_inside', 'splitByPolyline: the line must start and end outside the area');
	// A box holding the area and the whole line, with room: the ends are extended to its edges.
	let [minX, minY, maxX, maxY] = box0;
	for (const p of pts) {
		minX = Math.min(minX, p[0]);
		minY = Math.min(minY, p[1]);
		maxX = Math.max(maxX, p[0]);
		maxY = Math.max(maxY, p[1]);
	}
	const box: BBox = expandBBox([minX, minY, maxX, maxY], 20);
	const start = rayToBox(pts[0], pts[1], box);
	const end = rayToBox(pts[pts.length - 1], pts[pts.length - 2], box);
	const path = [start, ...pts, end];
	if (selfIntersects(path)) throw new SplitLineError('self_intersecting', 'splitByPolyline: the line crosses itself');
	// Close the path around the box, counter-clockwise from its end back to its start.
	const ring: Position[] = [...path];
	const tEnd = perimeterT(end, box);
	let tStart = perimeterT(start, box);
	if (tStart <= tEnd) tStart += 4;
	for (let c = Math.floor(tEnd) + 1; c < tStart; c++) ring.push(boxCorner(c % 4, box));
	ring.push(start);
	const side: Polygon = { type: 'Polygon', coordinates: [ring] };
	const a = cleanAreal(clipIntersect(g, side));
	const b = cleanAreal(clipDifference(g, side));
	const min = opts.minPieceM2 ?? 1;
	if (!a || !b || planarArea(a, k) < min || planarArea(b, k) < min)
		throw new SplitLineError('no_cut', 'splitByPolyline: the line does not cut the area in two');
	// The clipper's fallbacks must not pass off an overlap or a loss as a split.
	const whole = planarArea(g, k);
	if (Math.abs(planarArea(a, k) + planarArea(b, k) - whole) > Math.max(0.5, whole * 1e-6))
		throw new SplitLineError('no_cut', 'splitByPolyline: the area could not be cut along this line');
	return [a, b];
}

function distanceToBoundaryM(p: Position, g: Areal, k: { kx: number; ky: number }): number {
	let best = Infinity;
	for (const poly of polygonsOf(g))
		for (const ring of poly)
			for (let i = 0; i + 1 < ring.length; i++) {
				const ax = (ring[i][0] - p[0]) * k.kx,
					ay = (ring[i][1] - p[1]) * k.ky;
				const bx = (ring[i + 1][0] - p[0]) * k.kx,
					by = (ring[i + 1][1] - p[1]) * k.ky;
				const dx = bx - ax,
					dy = by - ay,
					len2 = dx * dx + dy * dy;
				const t = len2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
				best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
			}
	return best;
}

/** Where the segment toward→from, continued straight on beyond `from`, leaves the box. */
function rayToBox(from: Position, toward: Position, box: BBox): Position {
	const dx = from[0] - toward[0],
		dy = from[1] - toward[1];
	let t = Infinity;
	if (dx > 0) t = Math.min(t, (box[2] - from[0]) / dx);
	if (dx < 0) t = Math.min(t, (box[0] - from[0]) / dx);
	if (dy > 0) t = Math.min(t, (box[3] - from[1]) / dy);
	if (dy < 0) t = Math.min(t, (box[1] - from[1]) / dy);
	const p = [from[0] + t * dx, from[1] + t * dy];
	// Exactly on the box edge (no drift past it).
	return [Math.min(box[2], Math.max(box[0], p[0])), Math.min(box[3], Math.max(box[1], p[1]))];
}

/** Position along the box perimeter, counter-clockwise from the south-west corner: 0..4 (one per side). */
function perimeterT(p: Position, box: BBox): number {
	const [x0, y0, x1, y1] = box;
	const e = 1e-12;
	if (Math.abs(p[1] - y0) <= e) return (p[0] - x0) / (x1 - x0); // south, west → east
	if (Math.abs(p[0] - x1) <= e) return 1 + (p[1] - y0) / (y1 - y0); // east, south → north
	if (Math.abs(p[1] - y1) <= e) return 2 + (x1 - p[0]) / (x1 - x0); // north, east → west
	return 3 + (y1 - p[1]) / (y1 - y0); // west, north → south
}

/** Corner at the end of side c-1: 1 = south-east, 2 = north-east, 3 = north-west, 0 = south-west. */
function boxCorner(c: number, box: BBox): Position {
	const [x0, y0, x1, y1] = box;
	return [
		[x0, y0],
		[x1, y0],
		[x1, y1],
		[x0, y1]
	][c];
}

function selfIntersects(path: Position[]): boolean {
	const orient = (a: Position, b: Position, c: Position) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
	const onSeg = (a: Position, b: Position, p: Position) =>
		Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
	const cross = (a: Position, b: Position, c: Position, d: Position) => {
		const o1 = orient(a, b, c),
			o2 = orient(a, b, d),
			o3 = orient(c, d, a),
			o4 = orient(c, d, b);
		if (o1 !== o2 && o3 !== o4 && o1 && o2 && o3 && o4) return true;
		return (!o1 && onSeg(a, b, c)) || (!o2 && onSeg(a, b, d)) || (!o3 && onSeg(c, d, a)) || (!o4 && onSeg(c, d, b));
	};
	for (let i = 0; i + 1 < path.length; i++) for (let j = i + 2; j + 1 < path.length; j++) if (cross(path[i], path[i + 1], path[j], path[j + 1])) return true;
	// Adjacent segments folding back onto each other (a spike) also make the side ring degenerate.
	for (let i = 0; i + 2 < path.length; i++) {
		const [a, b, c] = [path[i], path[i + 1], path[i + 2]];
		if (!orient(a, b, c) && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0) return true;
	}
	return false;
}

// Cut lines for the partition: straight axis-parallel cuts and "road" cuts that follow a roughly
// straight polyline (a road centreline), both expressed as the polygon of the low side
// (west of a north–south cut, south of an east–west cut) over a box that covers the piece.
import type { BBox, Feature, LineString, MultiLineString, Polygon, Position } from 'geojson';
import { clipSegmentRange } from '../clip';

/** 'x': the cut runs north–south and splits the x (longitude) range; 'y': runs east–west. */
export type CutAxis = 'x' | 'y';

const M_PER_DEG_LAT = 110_574;

/** Metres per degree of longitude and latitude near a latitude (local equirectangular scale). */
export function metresPerDegree(lat: number): { x: number; y: number } {
	return { x: 111_320 * Math.cos((lat * Math.PI) / 180), y: M_PER_DEG_LAT };
}

/** Grow a lon/lat bbox by a margin in metres. */
export function expandBBox(b: BBox, marginM: number): [number, number, number, number] {
	const s = metresPerDegree((b[1] + b[3]) / 2);
	const dx = marginM / s.x;
	const dy = marginM / s.y;
	return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
}

/**
 * A cut: a polyline monotone along the cut direction, given as [along, cross] pairs where "along" is
 * the coordinate the cut runs along (y for an x-cut) and "cross" the coordinate it splits (x for an x-cut).
 */
export interface Cut {
	axis: CutAxis;
	/** Sorted by strictly increasing `along`. At least one point. */
	line: [along: number, cross: number][];
	/** Where the cut came from: 'straight', 'area', or the cut line's name. */
	source: string;
}

/**
 * Polygon of everything on the low side of the cut inside `box` (which must contain the piece with
 * margin). The line is extended straight (constant cross coordinate) to the box edges.
 * The ring is simple because the line is strictly monotone in `along` and the closing edges lie
 * beyond every cross value.
 */
export function lowSidePolygon(cut: Cut, box: BBox): Feature<Polygon> {
	const [minX, minY, maxX, maxY] = box;
	const alongMin = cut.axis === 'x' ? minY : minX;
	const alongMax = cut.axis === 'x' ? maxY : maxX;
	let crossLow = cut.axis === 'x' ? minX : minY;
	const inner = cut.line.filter(([a]) => a > alongMin && a < alongMax);
	const first = cut.line[0];
	const last = cut.line[cut.line.length - 1];
	const pts: [number, number][] = [[alongMin, first[1]], ...inner, [alongMax, last[1]]];
	for (const [, c] of pts) crossLow = Math.min(crossLow, c - 1e-6);
	// (along, cross) path from alongMin to alongMax, then back along the low cross edge.
	const path: [number, number][] = [[alongMin, crossLow], ...pts, [alongMax, crossLow], [alongMin, crossLow]];
	const ring: Position[] = path.map(([a, c]) => (cut.axis === 'x' ? [c, a] : [a, c]));
	return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

/** Is the point on the low side of the cut (strictly; the line itself counts as high side)? */
export function isLowSide(cut: Cut, p: Position): boolean {
	const along = cut.axis === 'x' ? p[1] : p[0];
	const cross = cut.axis === 'x' ? p[0] : p[1];
	return cross < crossAt(cut, along);
}

/** Cross coordinate of the cut at `along`, extended flat beyond its ends. */
export function crossAt(cut: Cut, along: number): number {
	const l = cut.line;
	if (along <= l[0][0]) return l[0][1];
	if (along >= l[l.length - 1][0]) return l[l.length - 1][1];
	let lo = 0;
	let hi = l.length - 1;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (l[mid][0] <= along) lo = mid;
		else hi = mid;
	}
	const [a0, c0] = l[lo];
	const [a1, c1] = l[hi];
	return a1 === a0 ? c0 : c0 + ((along - a0) / (a1 - a0)) * (c1 - c0);
}

export function straightCut(axis: CutAxis, cross: number): Cut {
	return { axis, line: [[0, cross]], source: 'straight' };
}

function clipSegment(a: Position, b: Position, box: BBox): [Position, Position] | null {
	const range = clipSegmentRange(a[0], a[1], b[0], b[1], box[0], box[1], box[2], box[3]);
	if (!range) return null;
	const [t0, t1] = range;
	const dx = b[0] - a[0];
	const dy = b[1] - a[1];
	return [
		[a[0] + t0 * dx, a[1] + t0 * dy],
		[a[0] + t1 * dx, a[1] + t1 * dy]
	];
}

export interface CenterlineOptions {
	/** The line must span at least this share of the piece's extent along the cut. Default 0.6. */
	minCoverage?: number;
	/** Every vertex must lie within this distance (m) of the fitted centreline. Default 35. */
	straightnessM?: number;
	/** Bin size (m) along the cut used to average carriageways into one centreline. Default 25. */
	binM?: number;
}

/**
 * Fit a centreline to a (Multi)LineString inside `clipBox` for a cut on `axis`, or null when the line
 * does not cross the piece well enough (too short, or not straight enough along the axis).
 * Dual carriageways and parallel ways are averaged into one centreline, bin by bin.
 * `pieceBox` is the bbox of the piece being cut; the centreline must lie strictly inside its cross range.
 */
export function fitCenterline(
	line: Feature<LineString | MultiLineString>,
	axis: CutAxis,
	pieceBox: BBox,
	clipBox: BBox,
	opts: CenterlineOptions = {}
): Cut | null {
	const minCoverage = opts.minCoverage ?? 0.6;
	const s = metresPerDegree((pieceBox[1] + pieceBox[3]) / 2);
	const alongScale = axis === 'x' ? s.y : s.x; // metres per degree along the cut
	const crossScale = axis === 'x' ? s.x : s.y;
	const straightness = (opts.straightnessM ?? 35) / crossScale;
	const bin = (opts.binM ?? 25) / alongScale;
	const parts = line.geometry.type === 'LineString' ? [line.geometry.coordinates] : line.geometry.coordinates;
	// Densified vertices of the clipped line, as (along, cross).
	const pts: [number, number][] = [];
	for (const coords of parts) {
		for (let i = 0; i + 1 < coords.length; i++) {
			const seg = clipSegment(coords[i], coords[i + 1], clipBox);
			if (!seg) continue;
			const [a, b] = seg;
			const lenM = Math.hypot((b[0] - a[0]) * s.x, (b[1] - a[1]) * s.y);
			const steps = Math.max(1, Math.ceil(lenM / ((opts.binM ?? 25) / 2)));
			for (let k = 0; k <= steps; k++) {
				const t = k / steps;
				const x = a[0] + t * (b[0] - a[0]);
				const y = a[1] + t * (b[1] - a[1]);
				pts.push(axis === 'x' ? [y, x] : [x, y]);
			}
		}
	}
	if (pts.length < 2) return null;
	const pieceAlongMin = axis === 'x' ? pieceBox[1] : pieceBox[0];
	const pieceAlongMax = axis === 'x' ? pieceBox[3] : pieceBox[2];
	const pieceCrossMin = axis === 'x' ? pieceBox[0] : pieceBox[1];
	const pieceCrossMax = axis === 'x' ? pieceBox[2] : pieceBox[3];
	let aMin = Infinity;
	let aMax = -Infinity;
	for (const [a] of pts) {
		aMin = Math.min(aMin, a);
		aMax = Math.max(aMax, a);
	}
	const covered = Math.min(aMax, pieceAlongMax) - Math.max(aMin, pieceAlongMin);
	if (covered < minCoverage * (pieceAlongMax - pieceAlongMin)) return null;
	// Average the cross coordinate per bin along the cut.
	const bins = new Map<number, { a: number; c: number; n: number }>();
	for (const [a, c] of pts) {
		const key = Math.floor((a - aMin) / bin);
		const b = bins.get(key) ?? { a: 0, c: 0, n: 0 };
		b.a += a;
		b.c += c;
		b.n += 1;
		bins.set(key, b);
	}
	const centre: [number, number][] = [...bins.entries()].sort((p, q) => p[0] - q[0]).map(([, b]) => [b.a / b.n, b.c / b.n]);
	const mono: [number, number][] = [];
	for (const p of centre) if (!mono.length || p[0] > mono[mono.length - 1][0]) mono.push(p);
	const cut: Cut = { axis, line: mono, source: String(line.properties?.name ?? 'line') };
	// Straight enough: every vertex near the centreline (a road that turns a corner is refused).
	for (const [a, c] of pts) if (Math.abs(c - crossAt(cut, a)) > straightness) return null;
	// Must actually cross the piece's interior, not run along its edge.
	for (const [, c] of mono) if (c <= pieceCrossMin || c >= pieceCrossMax) return null;
	return cut;
}

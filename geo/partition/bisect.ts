// Recursive weighted bisection of a polygon into N parts with balanced point weights.
//
// Each step cuts the current piece into two sides that will hold k and n−k parts. The cut is
// either a road (a candidate line whose centreline crosses the piece and gives balanced sides) or,
// failing that, a straight line across the piece's longer side at the weighted quantile k/n of the
// points. Each side is piece ∩ low-side polygon and piece − low-side polygon, so the sides partition
// the piece exactly (up to floating point). Pieces without weight are cut by area.
// Finally, stray fragments of multi-part results are handed to a neighbouring part so that each part
// is in one piece where the input allows it. Pure: no I/O.
import { area as turfArea } from '@turf/area';
import { bbox as turfBbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { difference } from '@turf/difference';
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import type { BBox, Feature, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { expandBBox, fitCenterline, isLowSide, lowSidePolygon, metresPerDegree, straightCut, type Cut, type CutAxis } from './cut';
import { orderWestToEastNorthToSouth } from './order';

export type Areal = Polygon | MultiPolygon;

export interface WeightedPoint {
	coordinates: Position;
	weight: number;
	id?: string | number;
}

export interface PartProperties {
	/** 0-based position in west→east, north→south order. */
	index: number;
	/** Sum of the weights of the points inside the part. */
	weight: number;
	/** Number of points inside the part. */
	points: number;
	/** What made the last cut that bounds this part most recently ('straight', 'area' or a line name). */
	cuts: string[];
}

export interface BisectOptions {
	/**
	 * Candidate cut lines, e.g. roads grouped by name (one Feature per road, MultiLineString for its
	 * carriageways and segments). `properties.name` is reported in `cuts`.
	 */
	cutLines?: Feature<LineString | MultiLineString>[];
	/**
	 * A line cut is taken when the parts on both sides stay, on average, within this relative deviation
	 * of the mean part weight of the whole polygon (|side weight / side parts − total / n| ÷ (total / n)).
	 * Default 0.25.
	 */
	lineTolerance?: number;
	/** Penalty added to a line cut that splits the shorter side of an elongated piece. Default 0.1. */
	crossAxisPenalty?: number;
	/** See fitCenterline. */
	minCoverage?: number;
	straightnessM?: number;
	/** Hand stray fragments of multi-part results to neighbouring parts. Default true. */
	absorbFragments?: boolean;
}

type Piece = Feature<Areal>;

interface RawPart {
	geometry: Areal;
	cuts: string[];
}

function asFeature(g: Areal | Feature<Areal>): Piece {
	return 'type' in g && g.type === 'Feature' ? (g as Piece) : { type: 'Feature', properties: {}, geometry: g as Areal };
}

function polygonsOf(g: Areal): Position[][][] {
	return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

function fromPolygons(polys: Position[][][]): Areal {
	return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

function pointIn(p: Position, g: Areal): boolean {
	return booleanPointInPolygon(p, g);
}

function sum(points: WeightedPoint[]): number {
	let s = 0;
	for (const p of points) s += p.weight;
	return s;
}

function safeIntersect(a: Piece, b: Feature<Polygon>): Areal | null {
	const r = intersect(featureCollection<Areal>([a, b]));
	return r ? r.geometry : null;
}

function safeDifference(a: Piece, b: Feature<Polygon>): Areal | null {
	const r = difference(featureCollection<Areal>([a, b]));
	return r ? r.geometry : null;
}

/** Weighted quantile cut along an axis: midway between the two points where the cumulative weight passes share × total. */
function quantileCut(points: WeightedPoint[], axis: CutAxis, k: number, n: number): Cut | null {
	const share = k / n;
	// With enough points, each side keeps at least one point per part it will hold.
	const minLow = points.length >= n ? k : 1;
	const minHigh = points.length >= n ? n - k : 1;
	const i = axis === 'x' ? 0 : 1;
	const sorted = [...points].sort((p, q) => p.coordinates[i] - q.coordinates[i] || p.weight - q.weight);
	const total = sum(sorted);
	const target = share * total;
	// Candidate gaps: between distinct consecutive coordinates. Pick the one whose cumulative weight is closest to target.
	let best: { err: number; c: number } | null = null;
	let cum = 0;
	for (let j = 0; j + 1 < sorted.length; j++) {
		cum += sorted[j].weight;
		const a = sorted[j].coordinates[i];
		const b = sorted[j + 1].coordinates[i];
		if (b <= a || j + 1 < minLow || sorted.length - j - 1 < minHigh) continue;
		const err = Math.abs(cum - target);
		if (!best || err < best.err) best = { err, c: (a + b) / 2 };
	}
	return best ? straightCut(axis, best.c) : null;
}

/** Straight cut that puts `share` of the piece's area on the low side (binary search). */
function areaCut(piece: Piece, axis: CutAxis, share: number, box: BBox): Cut {
	const total = turfArea(piece);
	let lo = axis === 'x' ? box[0] : box[1];
	let hi = axis === 'x' ? box[2] : box[3];
	const big = expandBBox(box, 100);
	for (let it = 0; it < 40; it++) {
		const mid = (lo + hi) / 2;
		const side = safeIntersect(piece, lowSidePolygon(straightCut(axis, mid), big));
		const a = side ? turfArea(side) : 0;
		if (a < share * total) lo = mid;
		else hi = mid;
	}
	return { ...straightCut(axis, (lo + hi) / 2), source: 'area' };
}

interface Choice {
	cut: Cut;
	k: number;
}

function chooseCut(piece: Piece, points: WeightedPoint[], n: number, opts: BisectOptions, globalMean: number): Choice {
	const box = turfBbox(piece);
	const s = metresPerDegree((box[1] + box[3]) / 2);
	const lx = (box[2] - box[0]) * s.x;
	const ly = (box[3] - box[1]) * s.y;
	const longAxis: CutAxis = lx >= ly ? 'x' : 'y';
	const total = sum(points);
	const kHalf = Math.floor(n / 2);
	if (total <= 0) {
		// Weightless points (e.g. buildings without households) are still spread over the parts.
		if (points.length >= 2)
			return chooseCut(
				piece,
				points.map((p) => ({ ...p, weight: 1 })),
				n,
				opts,
				0
			);
		return { cut: areaCut(piece, longAxis, kHalf / n, box), k: kHalf };
	}

	const tolerance = opts.lineTolerance ?? 0.25;
	const penalty = opts.crossAxisPenalty ?? 0.1;
	const aspect = Math.max(lx, ly) / Math.max(1e-9, Math.min(lx, ly));
	// Line cuts are judged against the mean part weight of the whole polygon, so deviations do not compound.
	const mean = globalMean > 0 ? globalMean : total / n;
	let best: { score: number; choice: Choice } | null = null;
	const clipBox = expandBBox(box, 20);
	for (const line of opts.cutLines ?? []) {
		const lb = turfBbox(line);
		if (lb[2] < box[0] || lb[0] > box[2] || lb[3] < box[1] || lb[1] > box[3]) continue;
		for (const axis of ['x', 'y'] as CutAxis[]) {
			const cut = fitCenterline(line, axis, box, clipBox, {
				minCoverage: opts.minCoverage,
				straightnessM: opts.straightnessM
			});
			if (!cut) continue;
			let low = 0;
			let lowCount = 0;
			for (const p of points) {
				if (isLowSide(cut, p.coordinates)) {
					low += p.weight;
					lowCount += 1;
				}
			}
			if (low <= 0 || low >= total) continue;
			for (let k = 1; k < n; k++) {
				if (points.length >= n && (lowCount < k || points.length - lowCount < n - k)) continue;
				const dev = Math.max(Math.abs(low / k - mean), Math.abs((total - low) / (n - k) - mean)) / mean;
				const score = dev + (axis !== longAxis && aspect > 1.3 ? penalty : 0);
				if (dev <= tolerance && (!best || score < best.score)) best = { score, choice: { cut, k } };
			}
		}
	}
	if (best) return best.choice;
	const q = quantileCut(points, longAxis, kHalf, n) ?? quantileCut(points, longAxis === 'x' ? 'y' : 'x', kHalf, n);
	if (q) return { cut: q, k: kHalf };
	return { cut: areaCut(piece, longAxis, kHalf / n, box), k: kHalf };
}

function split(piece: Piece, points: WeightedPoint[], n: number, opts: BisectOptions, globalMean: number, cuts: string[], out: RawPart[]): void {
	if (n <= 1) {
		out.push({ geometry: piece.geometry, cuts });
		return;
	}
	let { cut, k } = chooseCut(piece, points, n, opts, globalMean);
	const big = expandBBox(turfBbox(piece), 100);
	let low = safeIntersect(piece, lowSidePolygon(cut, big));
	let high = safeDifference(piece, lowSidePolygon(cut, big));
	if (!low || !high) {
		// Degenerate cut (should not happen): fall back to an area cut.
		const box = turfBbox(piece);
		k = Math.floor(n / 2);
		cut = areaCut(piece, 'x', k / n, box);
		low = safeIntersect(piece, lowSidePolygon(cut, big));
		high = safeDifference(piece, lowSidePolygon(cut, big));
		if (!low || !high) throw new Error('bisectPolygon: could not cut the piece');
	}
	const lowPts: WeightedPoint[] = [];
	const highPts: WeightedPoint[] = [];
	for (const p of points) (isLowSide(cut, p.coordinates) ? lowPts : highPts).push(p);
	split(asFeature(low), lowPts, k, opts, globalMean, [...cuts, cut.source], out);
	split(asFeature(high), highPts, n - k, opts, globalMean, [...cuts, cut.source], out);
}

function weightIn(g: Areal, points: WeightedPoint[]): number {
	let w = 0;
	for (const p of points) if (pointIn(p.coordinates, g)) w += p.weight;
	return w;
}

function bboxesTouch(a: BBox, b: BBox, eps = 1e-9): boolean {
	return !(a[2] < b[0] - eps || b[2] < a[0] - eps || a[3] < b[1] - eps || b[3] < a[1] - eps);
}

/**
 * Move every fragment (polygon of a multi-part part other than its main one) to a neighbouring part
 * it shares an edge with. The main polygon is the one with most weight, then the largest.
 * Parts stay a partition: the fragment is removed from one part and unioned into another.
 */
export function absorbFragments(parts: Areal[], points: WeightedPoint[]): Areal[] {
	const result = [...parts];
	for (let pass = 0; pass < 3; pass++) {
		let moved = false;
		for (let i = 0; i < result.length; i++) {
			const polys = polygonsOf(result[i]);
			if (polys.length < 2) continue;
			const scored = polys.map((coords, j) => {
				const g: Polygon = { type: 'Polygon', coordinates: coords };
				return { j, coords, w: weightIn(g, points), a: turfArea(g) };
			});
			scored.sort((p, q) => q.w - p.w || q.a - p.a || p.j - q.j);
			const keep = [scored[0].coords];
			for (const frag of scored.slice(1)) {
				const fragGeom: Polygon = { type: 'Polygon', coordinates: frag.coords };
				const fb = turfBbox(fragGeom);
				let target = -1;
				let merged: Areal | null = null;
				let targetWeight = Infinity;
				for (let j = 0; j < result.length; j++) {
					if (j === i || !bboxesTouch(fb, turfBbox(result[j]))) continue;
					const before = polygonsOf(result[j]).length + 1;
					const u = union(featureCollection<Areal>([asFeature(result[j]), asFeature(fragGeom)]));
					if (!u || polygonsOf(u.geometry).length >= before) continue;
					const w = weightIn(result[j], points);
					if (w < targetWeight) {
						target = j;
						merged = u.geometry;
						targetWeight = w;
					}
				}
				if (target >= 0 && merged) {
					result[target] = merged;
					moved = true;
				} else keep.push(frag.coords);
			}
			result[i] = fromPolygons(keep);
		}
		if (!moved) break;
	}
	return result;
}

/**
 * Partition `polygon` into `parts` polygons with balanced total point weight, ordered west→east,
 * north→south (index 0 = north-west). The parts cover the polygon exactly, without overlaps.
 * Points must lie inside the polygon; a point exactly on a straight cut never happens (cuts pass
 * midway between points).
 */
export function bisectPolygon(
	polygon: Areal | Feature<Areal>,
	points: WeightedPoint[],
	parts: number,
	opts: BisectOptions = {}
): Feature<Areal, PartProperties>[] {
	if (!Number.isInteger(parts) || parts < 1) throw new Error(`bisectPolygon: parts must be a positive integer, got ${parts}`);
	const piece = asFeature(polygon);
	const raw: RawPart[] = [];
	split({ type: 'Feature', properties: {}, geometry: piece.geometry }, points, parts, opts, sum(points) / parts, [], raw);
	const geoms =
		opts.absorbFragments === false
			? raw.map((r) => r.geometry)
			: absorbFragments(
					raw.map((r) => r.geometry),
					points
				);
	const features: Feature<Areal, PartProperties>[] = geoms.map((geometry, i) => {
		let weight = 0;
		let count = 0;
		for (const p of points) {
			if (pointIn(p.coordinates, geometry)) {
				weight += p.weight;
				count += 1;
			}
		}
		return { type: 'Feature', properties: { index: 0, weight, points: count, cuts: raw[i].cuts }, geometry };
	});
	return orderWestToEastNorthToSouth(features).map((f, index) => ({
		...f,
		properties: { ...f.properties, index }
	}));
}

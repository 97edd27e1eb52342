// One-click fixes for the validation panel: give a gap to a neighbour, settle a sliver overlap,
// snap a near-miss edge onto its neighbours. Each returns new grid geometries; inputs are not changed.
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import { bandExcess, householdsPerGrid, type Band, type GridFeature, type PlanBuilding } from './households';
import { bboxOf, bboxesMeet, clipDifference, clipUnion, geometryOf, pointInAreal, polygonsOf, scaleAt, type Areal } from './planar';

type Scale = { kx: number; ky: number };

/** Length in metres of the border that a and b share (collinear overlapping segments within epsM). */
export function sharedBorderLength(a: Areal, b: Areal, k: Scale, epsM = 0.05): number {
	const segs = (g: Areal) => {
		const out: number[] = [];
		for (const poly of polygonsOf(g))
			for (const ring of poly)
				for (let i = 0; i + 1 < ring.length; i++) out.push(ring[i][0] * k.kx, ring[i][1] * k.ky, ring[i + 1][0] * k.kx, ring[i + 1][1] * k.ky);
		return out;
	};
	const sa = segs(a),
		sb = segs(b);
	let total = 0;
	for (let i = 0; i < sa.length; i += 4) {
		const ax = sa[i],
			ay = sa[i + 1],
			bx = sa[i + 2],
			by = sa[i + 3];
		const dx = bx - ax,
			dy = by - ay,
			len = Math.hypot(dx, dy);
		if (len === 0) continue;
		const ux = dx / len,
			uy = dy / len;
		const minX = Math.min(ax, bx) - epsM,
			maxX = Math.max(ax, bx) + epsM,
			minY = Math.min(ay, by) - epsM,
			maxY = Math.max(ay, by) + epsM;
		for (let j = 0; j < sb.length; j += 4) {
			const cx = sb[j],
				cy = sb[j + 1],
				ex = sb[j + 2],
				ey = sb[j + 3];
			if (Math.max(cx, ex) < minX || Math.min(cx, ex) > maxX || Math.max(cy, ey) < minY || Math.min(cy, ey) > maxY) continue;
			const d1 = Math.abs((cx - ax) * uy - (cy - ay) * ux),
				d2 = Math.abs((ex - ax) * uy - (ey - ay) * ux);
			if (d1 > epsM || d2 > epsM) continue;
			const t1 = (cx - ax) * ux + (cy - ay) * uy,
				t2 = (ex - ax) * ux + (ey - ay) * uy;
			const lo = Math.max(0, Math.min(t1, t2)),
				hi = Math.min(len, Math.max(t1, t2));
			if (hi > lo) total += hi - lo;
		}
	}
	return total;
}

function replaceGeometry(grids: GridFeature[], changes: Map<number, Areal | null>): GridFeature[] {
	return grids.map((g, i) => (changes.has(i) ? { ...g, geometry: changes.get(i)! } : g)).filter((g) => g.geometry !== null);
}

function scaleOf(g: Areal): Scale {
	const b = bboxOf(g);
	return scaleAt((b[1] + b[3]) / 2);
}

export interface GapOwnerChoice {
	/** Index of the chosen grid, −1 when no grid shares a border with the piece. */
	index: number;
	code: string | null;
	borderM: number;
	/** Households of the buildings inside the piece. */
	households: number;
}

/**
 * The neighbour that should take a piece (a gap): among the grids sharing a border with it, the one
 * whose household band excess after taking the piece's buildings is least; ties go to the longest
 * shared border, then to the lowest code.
 */
export function chooseGapOwner(piece: Areal, grids: GridFeature[], buildings: PlanBuilding[], band: Band): GapOwnerChoice {
	const k = scaleOf(piece);
	const pb = bboxOf(piece);
	let hh = 0;
	for (const b of buildings) if (pointInAreal(b.lon, b.lat, piece)) hh += Number(b.households) || 0;
	const { byGrid } = householdsPerGrid(
		grids,
		buildings.filter((b) => !pointInAreal(b.lon, b.lat, piece))
	);
	let best: { i: number; excess: number; border: number; code: string } | null = null;
	grids.forEach((g, i) => {
		if (!bboxesMeet(pb, bboxOf(g.geometry), 1e-7)) return;
		const border = sharedBorderLength(piece, g.geometry, k);
		if (border < 0.01) return;
		const code = String(g.properties.code);
		const h = byGrid.get(code) ?? 0;
		const excess = g.properties.kind === 'dedicated' ? 0 : bandExcess(h + hh, band) - bandExcess(h, band);
		if (
			!best ||
			excess < best.excess ||
			(excess === best.excess && (border > best.border + 1e-6 || (Math.abs(border - best.border) <= 1e-6 && code < best.code)))
		)
			best = { i, excess, border, code };
	});
	const b = best as { i: number; excess: number; border: number; code: string } | null;
	return b ? { index: b.i, code: b.code, borderM: b.border, households: hh } : { index: -1, code: null, borderM: 0, households: hh };
}

/**
 * Give a gap to the neighbouring grid that best improves household balance (see chooseGapOwner).
 * `gap` is a gap violation (its `geometry`) or the gap's geometry.
 */
export function fixGap(
	gap: Areal | { geometry?: Areal },
	grids: GridFeature[],
	buildings: PlanBuilding[],
	band: Band
): { grids: GridFeature[]; to: string | null } {
	const piece = (gap as Areal).type ? (gap as Areal) : (gap as { geometry?: Areal }).geometry;
	if (!piece) throw new Error('fixGap: the gap has no geometry');
	const choice = chooseGapOwner(piece, grids, buildings, band);
	if (choice.index < 0) return { grids, to: null };
	const merged = clipUnion([grids[choice.index].geometry, piece]);
	return { grids: replaceGeometry(grids, new Map([[choice.index, merged]])), to: choice.code };
}

/**
 * Settle an overlap between two grids: the overlap stays with one of them and is cut out of the
 * other. The keeper is chosen so that the other grid stays in one piece where possible, then by the
 * household band excess after the buildings inside the overlap go to the keeper, then by code.
 * `overlap` is an overlap violation (`grids` = the two codes, `geometry`) or {geometry, grids}.
 */
export function fixSliverOverlap(
	overlap: { geometry?: Areal; grids?: string[] },
	grids: GridFeature[],
	buildings: PlanBuilding[],
	band: Band
): { grids: GridFeature[]; to: string; from: string } {
	const piece = overlap.geometry;
	const codes = overlap.grids ?? [];
	if (!piece || codes.length !== 2) throw new Error('fixSliverOverlap: needs the overlap geometry and its two grid codes');
	const idx = codes.map((c) => grids.findIndex((g) => String(g.properties.code) === c));
	if (idx.some((i) => i < 0)) throw new Error(`fixSliverOverlap: unknown grid ${codes.join(', ')}`);
	const inside = buildings.filter((b) => pointInAreal(b.lon, b.lat, piece));
	const insideHh = inside.reduce((s, b) => s + (Number(b.households) || 0), 0);
	const { byGrid } = householdsPerGrid(
		grids,
		buildings.filter((b) => !pointInAreal(b.lon, b.lat, piece))
	);
	const options = [0, 1].map((keep) => {
		const lose = 1 - keep;
		const rest = clipDifference(grids[idx[lose]].geometry, piece);
		const parts = rest ? polygonsOf(rest).length : 0;
		const before = polygonsOf(grids[idx[lose]].geometry).length;
		const hk = (byGrid.get(codes[keep]) ?? 0) + insideHh;
		const hl = byGrid.get(codes[lose]) ?? 0;
		const kindK = grids[idx[keep]].properties.kind,
			kindL = grids[idx[lose]].properties.kind;
		const excess = (kindK === 'dedicated' ? 0 : bandExcess(hk, band)) + (kindL === 'dedicated' ? 0 : bandExcess(hl, band));
		return { keep, lose, rest, split: rest === null || parts > before ? 1 : 0, excess };
	});
	options.sort((p, q) => p.split - q.split || p.excess - q.excess || codes[p.keep].localeCompare(codes[q.keep]));
	const o = options[0];
	return { grids: replaceGeometry(grids, new Map([[idx[o.lose], o.rest]])), to: codes[o.keep], from: codes[o.lose] };
}

/**
 * Move the vertices of `grid` that lie within `toleranceM` of a neighbour's boundary onto it (onto a
 * neighbour vertex when one is that close, else onto the nearest point of its edge), then insert
 * the neighbour vertices lying along the snapped edges, so the shared border has the same vertices
 * on both sides. Neighbours may include the community (to snap onto its boundary).
 */
export function snapNearMiss(
	grid: Areal | GridFeature,
	neighbours: (Areal | GridFeature)[],
	toleranceM: number
): { geometry: Areal; moved: number; inserted: number } {
	const g = geometryOf(grid);
	const k = scaleOf(g);
	const tx: number[] = [];
	for (const n of neighbours)
		for (const poly of polygonsOf(geometryOf(n)))
			for (const ring of poly) for (let i = 0; i + 1 < ring.length; i++) tx.push(ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1]);
	const nseg = tx.length / 4;
	if (nseg === 0) return { geometry: g, moved: 0, inserted: 0 };
	const index = new Flatbush(nseg);
	for (let i = 0; i < nseg; i++)
		index.add(
			Math.min(tx[4 * i], tx[4 * i + 2]),
			Math.min(tx[4 * i + 1], tx[4 * i + 3]),
			Math.max(tx[4 * i], tx[4 * i + 2]),
			Math.max(tx[4 * i + 1], tx[4 * i + 3])
		);
	index.finish();
	const dxDeg = toleranceM / k.kx,
		dyDeg = toleranceM / k.ky;

	/** Nearest target (vertex preferred) within tolerance, or null. */
	const snapPoint = (p: Position): Position | null => {
		let bestV: Position | null = null,
			bestVd = Infinity,
			bestS: Position | null = null,
			bestSd = Infinity;
		for (const s of index.search(p[0] - dxDeg, p[1] - dyDeg, p[0] + dxDeg, p[1] + dyDeg)) {
			const ax = tx[4 * s],
				ay = tx[4 * s + 1],
				bx = tx[4 * s + 2],
				by = tx[4 * s + 3];
			for (const [vx, vy] of [
				[ax, ay],
				[bx, by]
			]) {
				const d = Math.hypot((vx - p[0]) * k.kx, (vy - p[1]) * k.ky);
				if (d <= toleranceM && d < bestVd) {
					bestVd = d;
					bestV = [vx, vy];
				}
			}
			const ux = (bx - ax) * k.kx,
				uy = (by - ay) * k.ky,
				len2 = ux * ux + uy * uy;
			if (len2 === 0) continue;
			const t = Math.max(0, Math.min(1, ((p[0] - ax) * k.kx * ux + (p[1] - ay) * k.ky * uy) / len2));
			const q: Position = [ax + t * (bx - ax), ay + t * (by - ay)];
			const d = Math.hypot((q[0] - p[0]) * k.kx, (q[1] - p[1]) * k.ky);
			if (d <= toleranceM && d < bestSd) {
				bestSd = d;
				bestS = q;
			}
		}
		return bestV ?? bestS;
	};

	let moved = 0,
		inserted = 0;
	const snapRing = (ring: Position[]): Position[] | null => {
		const pts = ring.slice(0, -1);
		const snapped = pts.map((p) => {
			const q = snapPoint(p);
			if (q && (q[0] !== p[0] || q[1] !== p[1])) moved++;
			return { p: q ?? p, on: q !== null };
		});
		const out: Position[] = [];
		for (let i = 0; i < snapped.length; i++) {
			const a = snapped[i],
				b = snapped[(i + 1) % snapped.length];
			out.push(a.p);
			if (!a.on || !b.on) continue;
			// Neighbour vertices along a → b (both ends on a neighbour's boundary).
			const ax = a.p[0],
				ay = a.p[1],
				bx = b.p[0],
				by = b.p[1];
			const ux = (bx - ax) * k.kx,
				uy = (by - ay) * k.ky,
				len2 = ux * ux + uy * uy;
			if (len2 === 0) continue;
			const extra: { t: number; v: Position }[] = [];
			const seen = new Set<string>();
			for (const s of index.search(Math.min(ax, bx) - dxDeg, Math.min(ay, by) - dyDeg, Math.max(ax, bx) + dxDeg, Math.max(ay, by) + dyDeg))
				for (const o of [0, 2]) {
					const vx = tx[4 * s + o],
						vy = tx[4 * s + o + 1];
					const key = `${vx},${vy}`;
					if (seen.has(key)) continue;
					seen.add(key);
					const px = (vx - ax) * k.kx,
						py = (vy - ay) * k.ky;
					const t = (px * ux + py * uy) / len2;
					if (t <= 1e-9 || t >= 1 - 1e-9) continue;
					const d = Math.abs(px * uy - py * ux) / Math.sqrt(len2);
					if (d <= toleranceM) extra.push({ t, v: [vx, vy] });
				}
			extra.sort((p, q) => p.t - q.t);
			for (const e of extra) {
				out.push(e.v);
				inserted++;
			}
		}
		const clean = out.filter((p, i) => i === 0 || p[0] !== out[i - 1][0] || p[1] !== out[i - 1][1]);
		while (clean.length > 1 && clean[0][0] === clean[clean.length - 1][0] && clean[0][1] === clean[clean.length - 1][1]) clean.pop();
		if (clean.length < 3) return null;
		return [...clean, clean[0]];
	};
	const polys = polygonsOf(g)
		.map((poly) => {
			const outer = snapRing(poly[0]);
			if (!outer) return null;
			return [
				outer,
				...poly
					.slice(1)
					.map(snapRing)
					.filter((r): r is Position[] => r !== null)
			];
		})
		.filter((p): p is Position[][] => p !== null);
	const geometry: Areal = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
	return { geometry, moved, inserted };
}

// Rebalance a grid plan: move as few buildings as possible, always boundary buildings to a
// neighbouring grid, until every basic grid's households are inside the band (or no single move
// helps). A moved building takes its Voronoi cell (clipped to the grid it leaves) with it, so the
// grids stay a partition; a move that would break a grid into pieces is refused. Buildings at the
// same point move together. Greedy and deterministic: each step takes the move that most reduces
// the total band excess (ties: the building with more neighbours in the target grid, then order);
// when no move reduces it, moves that keep it and bring the two grids closer to the band's middle
// are allowed, up to `maxMoves`.
import KDBush from 'kdbush';
import { bboxClip } from '@turf/bbox-clip';
import { featureCollection, point } from '@turf/helpers';
import { voronoi } from '@turf/voronoi';
import type { Feature } from 'geojson';
import { assignBuildings, balanceStats, bandExcess, type BalanceStats, type Band, type GridFeature, type PlanBuilding } from './households';
import { bboxOf, cleanAreal, clipDifference, clipIntersect, clipUnion, geometryOf, polygonsOf, scaleAt, type Areal } from './planar';

export interface RebalanceOptions {
	/** Buildings closer than this (m) are neighbours. Default 80. */
	neighbourRadiusM?: number;
	/** At most this many moves. Default: the number of buildings. */
	maxMoves?: number;
}

export interface RebalanceResult {
	grids: GridFeature[];
	/** Buildings whose grid changed. */
	moved: number;
	moves: { building: string; from: string; to: string }[];
	households: Record<string, number>;
	stats: BalanceStats;
	inBand: boolean;
}

/** The part of g inside box (grown by a margin so no edge of the box's cut coincides with the cell's). */
function nearBox(g: Areal, box: [number, number, number, number] | number[]): Areal {
	const m = 1e-6;
	const clipped = bboxClip(g, [box[0] - m, box[1] - m, box[2] + m, box[3] + m]).geometry as Areal;
	return cleanAreal(clipped) ?? g;
}

export function rebalance(
	community: Feature<Areal> | Areal,
	grids: GridFeature[],
	buildings: PlanBuilding[],
	band: Band,
	opts: RebalanceOptions = {}
): RebalanceResult {
	const C = geometryOf(community);
	const cb = bboxOf(C);
	const k = scaleAt((cb[1] + cb[3]) / 2);
	const assign = assignBuildings(grids, buildings);
	// Sites: distinct points with their buildings (same grid).
	const siteOf = new Map<string, number>();
	const sites: { x: number; y: number; grid: number; hh: number; members: number[] }[] = [];
	buildings.forEach((b, i) => {
		if (assign[i] < 0) return;
		const key = `${b.lon},${b.lat},${assign[i]}`;
		let s = siteOf.get(key);
		if (s === undefined) siteOf.set(key, (s = sites.push({ x: b.lon, y: b.lat, grid: assign[i], hh: 0, members: [] }) - 1));
		sites[s].hh += Number(b.households) || 0;
		sites[s].members.push(i);
	});
	const n = sites.length;
	const geoms: Areal[] = grids.map((g) => g.geometry);
	const fixed = grids.map((g) => g.properties.kind === 'dedicated');
	const hh = new Float64Array(grids.length);
	const count = new Int32Array(grids.length);
	for (const s of sites) {
		hh[s.grid] += s.hh;
		count[s.grid]++;
	}
	const totalExcess = () => {
		let e = 0;
		for (let g = 0; g < hh.length; g++) if (!fixed[g]) e += bandExcess(hh[g], band);
		return e;
	};
	const result = (moves: { building: string; from: string; to: string }[], movedSet: Set<number>): RebalanceResult => {
		const households: Record<string, number> = {};
		grids.forEach((g, i) => (households[String(g.properties.code)] = hh[i]));
		const stats = balanceStats(
			grids.map((_, i) => hh[i]).filter((_, i) => !fixed[i]),
			band
		);
		return {
			grids: grids.map((g, i) => (geoms[i] === g.geometry ? g : { ...g, geometry: geoms[i] })),
			moved: movedSet.size,
			moves,
			households,
			stats,
			inBand: stats.outsideBand === 0
		};
	};
	if (n === 0 || totalExcess() === 0) return result([], new Set());

	// Neighbours (metres frame).
	const R = opts.neighbourRadiusM ?? 80;
	const index = new KDBush(n);
	for (const s of sites) index.add(s.x * k.kx, s.y * k.ky);
	index.finish();
	const nbrs: number[][] = sites.map((s, i) => index.within(s.x * k.kx, s.y * k.ky, R).filter((j) => j !== i));
	let cells: (Areal | null)[] | null = null;
	const cellOf = (s: number): Areal | null => {
		if (!cells) {
			const pad = 0.01;
			const vc = voronoi(featureCollection(sites.map((p) => point([p.x, p.y]))), { bbox: [cb[0] - pad, cb[1] - pad, cb[2] + pad, cb[3] + pad] });
			cells = sites.map((_, i) => (vc.features[i]?.geometry as Areal | undefined) ?? null);
		}
		return cells[s];
	};
	const mid = (band.min + band.max) / 2;
	const maxMoves = opts.maxMoves ?? buildings.length;
	const refused = new Set<string>();
	const moves: { building: string; from: string; to: string }[] = [];
	const original = sites.map((s) => s.grid);
	for (let step = 0; step < maxMoves; step++) {
		let best: { s: number; to: number; d: number; dss: number; share: number } | null = null;
		for (let s = 0; s < n; s++) {
			const A = sites[s].grid;
			if (fixed[A] || count[A] <= 1) continue;
			const seen = new Map<number, number>();
			for (const j of nbrs[s]) if (sites[j].grid !== A) seen.set(sites[j].grid, (seen.get(sites[j].grid) ?? 0) + 1);
			for (const [B, c] of seen) {
				if (fixed[B] || refused.has(`${s}>${B}`)) continue;
				const h = sites[s].hh;
				const d = bandExcess(hh[A] - h, band) + bandExcess(hh[B] + h, band) - bandExcess(hh[A], band) - bandExcess(hh[B], band);
				const dss = (hh[A] - h - mid) ** 2 + (hh[B] + h - mid) ** 2 - (hh[A] - mid) ** 2 - (hh[B] - mid) ** 2;
				if (d > 0 || (d === 0 && dss >= 0)) continue;
				const share = c / nbrs[s].length;
				if (!best || d < best.d || (d === best.d && (dss < best.dss - 1e-9 || (Math.abs(dss - best.dss) <= 1e-9 && share > best.share))))
					best = { s, to: B, d, dss, share };
			}
		}
		if (!best) break;
		const { s, to: B } = best;
		const A = sites[s].grid;
		// Move the site's Voronoi cell (inside A) from A to B; refuse if either grid would split.
		const cell = cellOf(s);
		// The cell is small: cut A to the cell's box first (linear), so the exact intersection only
		// sees the few vertices near it rather than the whole grid.
		const piece = cell ? clipIntersect(cell, nearBox(geoms[A], bboxOf(cell))) : null;
		const newA = piece ? cleanAreal(clipDifference(geoms[A], piece)) : null;
		const newB = piece ? cleanAreal(clipUnion([geoms[B], piece])) : null;
		if (!piece || !newA || !newB || polygonsOf(newA).length > polygonsOf(geoms[A]).length || polygonsOf(newB).length > polygonsOf(geoms[B]).length) {
			refused.add(`${s}>${B}`);
			step--;
			if (refused.size > 4 * n) break;
			continue;
		}
		geoms[A] = newA;
		geoms[B] = newB;
		hh[A] -= sites[s].hh;
		hh[B] += sites[s].hh;
		count[A]--;
		count[B]++;
		sites[s].grid = B;
		for (const m of sites[s].members)
			moves.push({ building: String(buildings[m].id), from: String(grids[A].properties.code), to: String(grids[B].properties.code) });
		if (totalExcess() === 0) break;
	}
	const movedSet = new Set<number>();
	sites.forEach((s, i) => s.grid !== original[i] && s.members.forEach((m) => movedSet.add(m)));
	return result(moves, movedSet);
}

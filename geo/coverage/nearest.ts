// Nearest facility for every building, one cell at a time: buildings are bucketed on a grid (cells
// about half the typical facility spacing, cached per BuildingSet); for each cell the facility elements that can be the
// nearest for some building of the cell are gathered once — the upper bound U is the smallest
// worst-case distance from the cell to one element, and only elements whose best-case distance is ≤ U
// (and ≤ maxM) are kept, sorted by that best case — then each building scans that short list and stops
// at the first element whose best case exceeds its current nearest. Bounds are rigorous for the
// canonical distance (ruler.ts), so the result equals a brute-force loop over every facility.
import type { BuildingSet, CoverageFacility, NearestResult } from './types';
import { FacilityIndex } from './facility-index';
import { Candidates } from './facility-candidates';
import { insidePoly, polyDistFrom, type PolyRec } from './facility-parts';
import { bandOf, KY_MIN, rulerAt, rulerInto, rulerOfStep, RULER_STEPS_PER_DEGREE, type Band } from '../measure/ruler';

/** Buildings bucketed on a lon/lat grid, in cell order, with their rulers. */
export interface PreparedBuildings {
	cellM: number;
	/** buildings.lon.length when prepared */
	n: number;
	/** cells with buildings: sorted positions start[c] … start[c+1] */
	start: Int32Array;
	cells: number;
	/** sorted position → building index */
	order: Int32Array;
	lon: Float64Array;
	lat: Float64Array;
	/** kx, hx, ky, hy at 4 × rulerOf[t] for sorted position t */
	ruler: Float64Array;
	rulerOf: Int32Array;
	/** buildings with finite coordinates */
	count: number;
	/** the grid: cell (row, col) = row * cols + col, from (minLon, minLat), cw × ch degrees */
	minLon: number;
	minLat: number;
	cw: number;
	ch: number;
	cols: number;
	rows: number;
}

const cache = new WeakMap<BuildingSet, Map<number, PreparedBuildings>>();
const boxes = new WeakMap<BuildingSet, { n: number; box: [number, number, number, number] }>();

/** [west, south, east, north] of the buildings with finite coordinates (cached per BuildingSet). */
export function buildingsBox(buildings: BuildingSet): [number, number, number, number] {
	const { lon, lat } = buildings;
	const hit = boxes.get(buildings);
	if (hit && hit.n === lon.length) return hit.box;
	const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
	for (let i = 0; i < lon.length; i++) {
		const x = lon[i],
			y = lat[i];
		if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
		if (x < box[0]) box[0] = x;
		if (y < box[1]) box[1] = y;
		if (x > box[2]) box[2] = x;
		if (y > box[3]) box[3] = y;
	}
	boxes.set(buildings, { n: lon.length, box });
	return box;
}

/**
 * Buckets the buildings (cached per BuildingSet object and cell size: treat a BuildingSet as
 * immutable once measured). Buildings without finite coordinates are left out (never covered).
 */
export function prepareBuildings(buildings: BuildingSet, cellM: number): PreparedBuildings {
	let byCell = cache.get(buildings);
	if (!byCell) cache.set(buildings, (byCell = new Map()));
	const hit = byCell.get(cellM);
	if (hit && hit.n === buildings.lon.length) return hit;
	if (byCell.size >= 2) byCell.delete(byCell.keys().next().value!); // keep the last two cell sizes
	const { lon, lat } = buildings;
	const n = lon.length;
	const [w, s, e, nn] = buildingsBox(buildings);
	let count = 0;
	for (let i = 0; i < n; i++) if (Number.isFinite(lon[i]) && Number.isFinite(lat[i])) count++;
	const rc = rulerAt(count ? (s + nn) / 2 : 0);
	let cw = cellM / rc.kx,
		ch = cellM / rc.ky;
	let cols = count ? Math.floor((e - w) / cw) + 1 : 1;
	let rows = count ? Math.floor((nn - s) / ch) + 1 : 1;
	const limit = Math.max(4 * count, 1 << 16);
	if (cols * rows > limit) {
		const f = Math.sqrt((cols * rows) / limit) * 1.01;
		cw *= f;
		ch *= f;
		cols = Math.floor((e - w) / cw) + 1;
		rows = Math.floor((nn - s) / ch) + 1;
	}
	const cells = cols * rows;
	const key = new Int32Array(n);
	const start = new Int32Array(cells + 1);
	for (let i = 0; i < n; i++) {
		const x = lon[i],
			y = lat[i];
		if (!(Number.isFinite(x) && Number.isFinite(y))) {
			key[i] = -1;
			continue;
		}
		const k = Math.min(rows - 1, Math.floor((y - s) / ch)) * cols + Math.min(cols - 1, Math.floor((x - w) / cw));
		key[i] = k;
		start[k + 1]++;
	}
	for (let c = 0; c < cells; c++) start[c + 1] += start[c];
	const fill = start.slice(0, cells);
	const order = new Int32Array(count);
	const slon = new Float64Array(count),
		slat = new Float64Array(count);
	for (let i = 0; i < n; i++) {
		const k = key[i];
		if (k < 0) continue;
		const t = fill[k]++;
		order[t] = i;
		slon[t] = lon[i];
		slat[t] = lat[i];
	}
	// one ruler per latitude step (1e-5°) in use: a table over the band, or one per building when sparser
	const rulerOf = new Int32Array(count);
	let ruler: Float64Array;
	const step0 = Math.round(s * RULER_STEPS_PER_DEGREE),
		steps = count ? Math.round(nn * RULER_STEPS_PER_DEGREE) - step0 + 1 : 0;
	if (steps <= count) {
		ruler = new Float64Array(4 * steps);
		for (let k = 0; k < steps; k++) rulerOfStep(step0 + k, ruler, 4 * k);
		for (let t = 0; t < count; t++) rulerOf[t] = Math.round(slat[t] * RULER_STEPS_PER_DEGREE) - step0;
	} else {
		ruler = new Float64Array(4 * count);
		for (let t = 0; t < count; t++) {
			rulerInto(slat[t], ruler, 4 * t);
			rulerOf[t] = t;
		}
	}
	const prepared = { cellM, n, start, cells, order, lon: slon, lat: slat, ruler, rulerOf, count, minLon: w, minLat: s, cw, ch, cols, rows };
	byCell.set(cellM, prepared);
	return prepared;
}

/** Typical distance between facilities over the buildings and facilities together (m). */
export function facilitySpacing(index: FacilityIndex, buildings: BuildingSet): number {
	const b = buildingsBox(buildings),
		f = index.box;
	const w = Math.min(b[0], f[0]),
		s = Math.min(b[1], f[1]),
		e = Math.max(b[2], f[2]),
		n = Math.max(b[3], f[3]);
	if (!(w <= e && s <= n)) return index.spacingM;
	const r = rulerAt((s + n) / 2);
	const area = Math.max(1, (e - w) * r.kx) * Math.max(1, (n - s) * r.ky);
	return Math.max(10, Math.sqrt(area / Math.max(1, index.elementCount)));
}

/**
 * Cell size: about half the typical facility spacing, but cells of at least ~16 buildings (a gather
 * per building costs more than a few more candidates), at most maxM; a power of two times 25 m.
 */
export function cellSizeFor(spacingM: number, maxM: number, buildingSpacingM = 0): number {
	const target = Math.min(Math.max(spacingM * 0.5, buildingSpacingM * CELL_BUILDINGS_SIDE, 25), Math.max(25, maxM));
	return 25 * 2 ** Math.round(Math.log2(target / 25));
}
const CELL_BUILDINGS_SIDE = 4;

/** Typical distance between buildings (m). */
function buildingSpacing(buildings: BuildingSet): number {
	const [w, s, e, n] = buildingsBox(buildings);
	if (!(w <= e && s <= n)) return 0;
	const r = rulerAt((s + n) / 2);
	return Math.sqrt((Math.max(1, (e - w) * r.kx) * Math.max(1, (n - s) * r.ky)) / Math.max(1, buildings.lon.length));
}

/** Reused scratch buffers of the batch. */
class Sorted {
	n = 0;
	kind = new Uint8Array(64);
	ax = new Float64Array(64);
	ay = new Float64Array(64);
	bx = new Float64Array(64);
	by = new Float64Array(64);
	fac = new Int32Array(64);
	lb = new Float64Array(64);
	perm = new Int32Array(64);
	refs: (PolyRec | undefined)[] = [];
	ensure(n: number) {
		if (n <= this.kind.length) return;
		const cap = Math.max(n, this.kind.length * 2);
		this.kind = new Uint8Array(cap);
		this.ax = new Float64Array(cap);
		this.ay = new Float64Array(cap);
		this.bx = new Float64Array(cap);
		this.by = new Float64Array(cap);
		this.fac = new Int32Array(cap);
		this.lb = new Float64Array(cap);
		this.perm = new Int32Array(cap);
	}
}

export interface NearestOptions {
	/** grid cell in metres (default: cellSizeFor the facility spacing) */
	cellM?: number;
	/** write into these (length = buildings) instead of new arrays */
	out?: NearestResult;
	/** the next cell's first search radius = this cell's bound × grow (default 1.5) */
	grow?: number;
}

export function nearestFacilityDistances(
	buildings: BuildingSet,
	facilities: CoverageFacility[] | FacilityIndex,
	maxM: number,
	options: NearestOptions = {}
): NearestResult {
	const index = facilities instanceof FacilityIndex ? facilities : FacilityIndex.build(facilities);
	const n = buildings.lon.length;
	const distanceM = options.out?.distanceM ?? new Float64Array(n);
	const nearest = options.out?.nearest ?? new Int32Array(n);
	distanceM.fill(Infinity);
	nearest.fill(-1);
	if (n === 0 || !(maxM >= 0) || index.box[0] > index.box[2]) return { distanceM, nearest };
	const spacing = facilitySpacing(index, buildings);
	const prep = prepareBuildings(buildings, options.cellM ?? cellSizeFor(spacing, maxM, buildingSpacing(buildings)));
	const { start, order, lon, lat, ruler, rulerOf, cols } = prep;
	const cands = new Candidates();
	const S = new Sorted();
	const band: Band = { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 };
	const grow = options.grow ?? 1.5;
	let rNext = Math.min(maxM, spacing);
	let bandRow = -1,
		blat0 = 0,
		blat1 = 0;

	for (let c = 0; c < prep.cells; c++) {
		const s = start[c],
			e = start[c + 1];
		if (s === e) continue;
		// one band of rulers per row of cells: every latitude within maxM of the row
		const row = (c / cols) | 0;
		if (row !== bandRow) {
			bandRow = row;
			const rowLat0 = prep.minLat + row * prep.ch,
				rowLat1 = rowLat0 + prep.ch;
			const dlatMax = maxM / KY_MIN;
			blat0 = rowLat0 - dlatMax;
			blat1 = rowLat1 + dlatMax;
			bandOf(blat0, blat1, band);
		}
		const { kxLo, kxHi, kyLo, kyHi } = band;
		let x0 = Infinity,
			y0 = Infinity,
			x1 = -Infinity,
			y1 = -Infinity;
		for (let t = s; t < e; t++) {
			const x = lon[t],
				y = lat[t];
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			if (y > y1) y1 = y;
		}
		// gather: grow r until it reaches min(U, maxM)
		let r = rNext,
			lim = Infinity;
		for (;;) {
			const dlat = r / kyLo,
				dlon = kxLo > 0 ? Math.min(360, r / kxLo) : 360;
			cands.clear();
			index.collect(x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat, cands, x0, y0, x1, y1);
			let U = Infinity;
			const cax = cands.ax,
				cay = cands.ay,
				cbx = cands.bx,
				cby = cands.by,
				ckind = cands.kind,
				clb = cands.lb;
			for (let i = 0; i < cands.n; i++) {
				const ax = cax[i],
					ay = cay[i];
				let ub: number;
				if (ckind[i] === 0) {
					const gx = ax > x1 ? ax - x1 : x0 > ax ? x0 - ax : 0;
					const gy = ay > y1 ? ay - y1 : y0 > ay ? y0 - ay : 0;
					const lx = gx * kxLo,
						ly = gy * kyLo;
					clb[i] = Math.sqrt(lx * lx + ly * ly);
					const mx = (ax - x0 > x1 - ax ? ax - x0 : x1 - ax) * kxHi;
					const my = (ay - y0 > y1 - ay ? ay - y0 : y1 - ay) * kyHi;
					ub = Math.sqrt(mx * mx + my * my);
				} else {
					const bx = cbx[i],
						by = cby[i];
					const ex0 = ax < bx ? ax : bx,
						ex1 = ax < bx ? bx : ax,
						ey0 = ay < by ? ay : by,
						ey1 = ay < by ? by : ay;
					const gx = ex0 > x1 ? ex0 - x1 : x0 > ex1 ? x0 - ex1 : 0;
					const gy = ey0 > y1 ? ey0 - y1 : y0 > ey1 ? y0 - ey1 : 0;
					const lx = gx * kxLo,
						ly = gy * kyLo;
					clb[i] = Math.sqrt(lx * lx + ly * ly);
					if (ckind[i] === 1) {
						// worst case over the cell to the segment's first end (the other end is the next segment's first)
						ub = ay >= blat0 && ay <= blat1 ? pointUb(ax, ay, x0, y0, x1, y1, kxHi, kyHi) : Infinity;
					} else {
						// a small polygon (ax … by its box): worst case to its first vertex
						const v = cands.refs[i]!.coords,
							vx = v[0],
							vy = v[1];
						ub = vy >= blat0 && vy <= blat1 ? pointUb(vx, vy, x0, y0, x1, y1, kxHi, kyHi) : Infinity;
					}
				}
				if (ub < U) U = ub;
			}
			lim = U < maxM ? U : maxM;
			if (lim <= r || r >= maxM) break;
			r = Math.min(maxM, U < Infinity ? U : r * 4);
		}
		rNext = Math.min(maxM, Math.max(lim < Infinity ? lim : r, 1) * grow);

		// keep the elements that can win, best case first
		let k = 0;
		S.ensure(cands.n);
		const perm = S.perm;
		const clb = cands.lb;
		for (let i = 0; i < cands.n; i++) if (clb[i] <= lim) perm[k++] = i;
		if (k <= 48) {
			for (let i = 1; i < k; i++) {
				const v = perm[i],
					key = clb[v];
				let j = i - 1;
				while (j >= 0 && clb[perm[j]] > key) {
					perm[j + 1] = perm[j];
					j--;
				}
				perm[j + 1] = v;
			}
		} else {
			const sortedIdx = Array.from(perm.subarray(0, k)).sort((a, b) => clb[a] - clb[b] || a - b);
			perm.set(sortedIdx);
		}
		const Skind = S.kind,
			Sax = S.ax,
			Say = S.ay,
			Sbx = S.bx,
			Sby = S.by,
			Sfac = S.fac,
			Slb = S.lb,
			Sref = S.refs;
		let segments = false;
		for (let j = 0; j < k; j++) {
			const i = perm[j];
			Skind[j] = cands.kind[i];
			if (Skind[j] !== 0) segments = true;
			Sax[j] = cands.ax[i];
			Say[j] = cands.ay[i];
			Sbx[j] = cands.bx[i];
			Sby[j] = cands.by[i];
			Sfac[j] = cands.fac[i];
			Slb[j] = clb[i];
			Sref[j] = cands.refs[i];
		}
		const polys = cands.polys;
		const np = polys.length;

		for (let t = s; t < e; t++) {
			const x = lon[t],
				y = lat[t];
			let best = Infinity,
				bi = -1;
			for (let p = 0; p < np; p++) {
				if (insidePoly(polys[p], x, y)) {
					best = 0;
					bi = polys[p].fac;
					break;
				}
			}
			if (best > 0) {
				const o = 4 * rulerOf[t];
				const kx = ruler[o],
					hx = ruler[o + 1],
					ky = ruler[o + 2],
					hy = ruler[o + 3];
				if (!segments) {
					for (let j = 0; j < k; j++) {
						if (Slb[j] > best) break;
						// distFrom, inlined (same operations, same result)
						const dlat = Say[j] - y;
						const dx = (Sax[j] - x) * (kx + hx * dlat);
						const dy = dlat * (ky + hy * dlat);
						const d = Math.sqrt(dx * dx + dy * dy);
						if (d < best) {
							best = d;
							bi = Sfac[j];
						}
					}
				} else {
					let bestSq = Infinity;
					for (let j = 0; j < k; j++) {
						if (Slb[j] > best) break;
						const ax = Sax[j],
							ay = Say[j];
						let qx = ax,
							qy = ay;
						if (Skind[j] === 2) {
							// a small polygon: its box first, then inside test and edges together
							const gx = ax > x ? ax - x : x > Sbx[j] ? x - Sbx[j] : 0;
							const gy = ay > y ? ay - y : y > Sby[j] ? y - Sby[j] : 0;
							const lx = gx * kxLo,
								ly = gy * kyLo;
							if (lx * lx + ly * ly > bestSq) continue;
							const d = polyDistFrom(Sref[j]!, x, y, kx, hx, ky, hy);
							if (d < best) {
								best = d;
								bestSq = d * d;
								bi = Sfac[j];
								if (d === 0) break;
							}
							continue;
						}
						if (Skind[j] !== 0) {
							const bx = Sbx[j],
								by = Sby[j];
							// this building's own best case: the gap to the segment's box
							const gx = (ax < bx ? ax : bx) > x ? (ax < bx ? ax : bx) - x : x > (ax < bx ? bx : ax) ? x - (ax < bx ? bx : ax) : 0;
							const gy = (ay < by ? ay : by) > y ? (ay < by ? ay : by) - y : y > (ay < by ? by : ay) ? y - (ay < by ? by : ay) : 0;
							const lx = gx * kxLo,
								ly = gy * kyLo;
							if (lx * lx + ly * ly > bestSq) continue;
							// segDistFrom, inlined (same operations, same result)
							const ex = (bx - ax) * kx,
								ey = (by - ay) * ky;
							const l2 = ex * ex + ey * ey;
							if (l2 > 0) {
								const tt = ((x - ax) * kx * ex + (y - ay) * ky * ey) / l2;
								if (tt >= 1) {
									qx = bx;
									qy = by;
								} else if (tt > 0) {
									qx = ax + (bx - ax) * tt;
									qy = ay + (by - ay) * tt;
								}
							}
						}
						// distFrom, inlined
						const dlat = qy - y;
						const dx = (qx - x) * (kx + hx * dlat);
						const dy = dlat * (ky + hy * dlat);
						const d = Math.sqrt(dx * dx + dy * dy);
						if (d < best) {
							best = d;
							bestSq = d * d;
							bi = Sfac[j];
						}
					}
				}
			}
			if (best <= maxM) {
				const i = order[t];
				distanceM[i] = best;
				nearest[i] = bi;
			}
		}
	}
	return { distanceM, nearest };
}

function pointUb(x: number, y: number, x0: number, y0: number, x1: number, y1: number, kxHi: number, kyHi: number): number {
	const mx = (x - x0 > x1 - x ? x - x0 : x1 - x) * kxHi;
	const my = (y - y0 > y1 - y ? y - y0 : y1 - y) * kyHi;
	return Math.sqrt(mx * mx + my * my);
}

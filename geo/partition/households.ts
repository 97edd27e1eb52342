// Buildings → grids and households per grid, with the balance statistics for the band chart.
//
// A building belongs to the grid it was painted to (`grid`, when that grid exists), otherwise to the
// grid that holds its point (the first one in the given order when grids overlap), otherwise to none.
import Flatbush from 'flatbush';
import type { Feature } from 'geojson';
import { bboxOf, pointInAreal, type Areal } from './planar';

export interface GridProps {
	code: string;
	/** 'dedicated' grids (a school, a hospital, an enterprise) are not held to the household band. */
	kind?: 'basic' | 'dedicated' | string;
	[key: string]: unknown;
}
export type GridFeature = Feature<Areal, GridProps>;

export interface PlanBuilding {
	id: string | number;
	lon: number;
	lat: number;
	households: number;
	/** The grid the building was painted to, if any. */
	grid?: string | null;
}

export interface Band {
	min: number;
	max: number;
}
export const DEFAULT_BAND: Band = { min: 300, max: 500 };

/** Spatial index over grid bboxes for point location. */
export class GridLocator {
	private index: Flatbush | null;
	constructor(private geoms: (Areal | null)[]) {
		const n = geoms.length;
		this.index = n > 0 ? new Flatbush(n) : null;
		if (!this.index) return;
		for (const g of geoms) {
			const b = g ? bboxOf(g) : [Infinity, Infinity, -Infinity, -Infinity];
			if (g) this.index.add(b[0], b[1], b[2], b[3]);
			else this.index.add(0, 0, 0, 0); // never matched (checked below)
		}
		this.index.finish();
	}
	/** Indices of the grids holding the point, ascending. */
	locateAll(x: number, y: number): number[] {
		if (!this.index) return [];
		return this.index
			.search(x, y, x, y)
			.filter((i) => this.geoms[i] !== null && pointInAreal(x, y, this.geoms[i]!))
			.sort((a, b) => a - b);
	}
	locate(x: number, y: number): number {
		const all = this.locateAll(x, y);
		return all.length ? all[0] : -1;
	}
}

/** Grid index of each building (−1: none), by the rule above. Int32Array, parallel to `buildings`. */
export function assignBuildings(grids: GridFeature[], buildings: PlanBuilding[], locator?: GridLocator): Int32Array {
	const byCode = new Map<string, number>();
	grids.forEach((g, i) => byCode.set(String(g.properties.code), i));
	const loc = locator ?? new GridLocator(grids.map((g) => g.geometry));
	const out = new Int32Array(buildings.length);
	for (let i = 0; i < buildings.length; i++) {
		const b = buildings[i];
		const painted = b.grid != null ? byCode.get(String(b.grid)) : undefined;
		out[i] = painted !== undefined ? painted : loc.locate(b.lon, b.lat);
	}
	return out;
}

/** Households per grid code (every grid listed, 0 when empty) and the unassigned remainder. */
export function householdsPerGrid(
	grids: GridFeature[],
	buildings: PlanBuilding[],
	assignment?: Int32Array
): { byGrid: Map<string, number>; buildingsByGrid: Map<string, number>; unassigned: number; unassignedBuildings: number } {
	const a = assignment ?? assignBuildings(grids, buildings);
	const hh = new Float64Array(grids.length);
	const cnt = new Int32Array(grids.length);
	let unassigned = 0,
		unassignedBuildings = 0;
	for (let i = 0; i < buildings.length; i++) {
		const h = Number(buildings[i].households) || 0;
		if (a[i] < 0) {
			unassigned += h;
			unassignedBuildings++;
		} else {
			hh[a[i]] += h;
			cnt[a[i]]++;
		}
	}
	const byGrid = new Map<string, number>();
	const buildingsByGrid = new Map<string, number>();
	grids.forEach((g, i) => {
		byGrid.set(String(g.properties.code), hh[i]);
		buildingsByGrid.set(String(g.properties.code), cnt[i]);
	});
	return { byGrid, buildingsByGrid, unassigned, unassignedBuildings };
}

export interface BalanceStats {
	count: number;
	total: number;
	mean: number;
	min: number;
	max: number;
	/** Population standard deviation. */
	std: number;
	below: number;
	above: number;
	outsideBand: number;
	/** Σ households outside the band (how far below min plus how far above max). */
	excess: number;
}

/** Statistics of households per grid against the band (for the chart and for proposals). */
export function balanceStats(households: Iterable<number>, band: Band = DEFAULT_BAND): BalanceStats {
	const v = [...households];
	const count = v.length;
	if (count === 0) return { count: 0, total: 0, mean: 0, min: 0, max: 0, std: 0, below: 0, above: 0, outsideBand: 0, excess: 0 };
	let total = 0,
		min = Infinity,
		max = -Infinity,
		below = 0,
		above = 0,
		excess = 0;
	for (const h of v) {
		total += h;
		if (h < min) min = h;
		if (h > max) max = h;
		if (h < band.min) {
			below++;
			excess += band.min - h;
		} else if (h > band.max) {
			above++;
			excess += h - band.max;
		}
	}
	const mean = total / count;
	let ss = 0;
	for (const h of v) ss += (h - mean) ** 2;
	return { count, total, mean, min, max, std: Math.sqrt(ss / count), below, above, outsideBand: below + above, excess };
}

/** How far outside the band (0 inside). */
export function bandExcess(h: number, band: Band): number {
	return h < band.min ? band.min - h : h > band.max ? h - band.max : 0;
}

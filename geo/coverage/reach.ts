// Which demand buildings each candidate site reaches: the one place the geometry of a site suggestion
// lives (the greedy in ./suggest and the exact optimisation in geo/optimize both read these lists).
// Demand = the buildings not yet covered (distanceM > maxDistanceM) that count (mask) and have a
// position. A site reaches a demand building when the canonical distance measured from the building
// is within maxDistanceM, so a site added as a Point facility covers exactly what it reaches here.
import KDBush from 'kdbush';
import type { BuildingSet } from './types';
import { distFrom, expandBox, rulerAt, type Band } from '../measure/ruler';

export interface SiteCandidate {
	lon: number;
	lat: number;
	id?: string;
}

/** The demand building indices (ascending): not covered, in the mask, with finite coordinates. */
export function demandBuildings(buildings: BuildingSet, distanceM: Float64Array, maxDistanceM: number, mask?: Uint8Array): number[] {
	const { lon, lat } = buildings;
	const demand: number[] = [];
	for (let i = 0; i < lon.length; i++) {
		if (mask && !mask[i]) continue;
		if (distanceM[i] <= maxDistanceM) continue;
		if (!(Number.isFinite(lon[i]) && Number.isFinite(lat[i]))) continue;
		demand.push(i);
	}
	return demand;
}

/** Candidate → demand positions, compressed: site s reaches demand[pos[k]] for start[s] ≤ k < start[s + 1]. */
export interface SiteReach {
	/** building index per demand position */
	demand: number[];
	start: Int32Array;
	pos: Int32Array;
}

/**
 * The demand positions within maxDistanceM of every site (a site without finite coordinates reaches
 * nothing). Positions per site come in the spatial index's order, not sorted.
 */
export function siteReach(buildings: BuildingSet, demand: number[], sites: SiteCandidate[], maxDistanceM: number): SiteReach {
	const { lon, lat } = buildings;
	const start = new Int32Array(sites.length + 1);
	if (demand.length === 0) return { demand, start, pos: new Int32Array(0) };
	const kd = new KDBush(demand.length, 32);
	for (const i of demand) kd.add(lon[i], lat[i]);
	kd.finish();
	const ruler = new Float64Array(4 * demand.length);
	demand.forEach((i, j) => {
		const r = rulerAt(lat[i]);
		ruler.set([r.kx, r.hx, r.ky, r.hy], 4 * j);
	});
	const box = new Float64Array(4);
	const band: Band = { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 };
	let pos = new Int32Array(Math.max(16, 4 * sites.length));
	let n = 0;
	for (let s = 0; s < sites.length; s++) {
		const { lon: x, lat: y } = sites[s];
		if (Number.isFinite(x) && Number.isFinite(y)) {
			expandBox(x, y, x, y, maxDistanceM, box, band);
			for (const j of kd.range(box[0], box[1], box[2], box[3])) {
				const i = demand[j],
					o = 4 * j;
				if (distFrom(lon[i], lat[i], ruler[o], ruler[o + 1], ruler[o + 2], ruler[o + 3], x, y) > maxDistanceM) continue;
				if (n === pos.length) {
					const grown = new Int32Array(2 * pos.length);
					grown.set(pos);
					pos = grown;
				}
				pos[n++] = j;
			}
		}
		start[s + 1] = n;
	}
	return { demand, start, pos: pos.slice(0, n) };
}

/** Households of a building as demand weight: unknown (NaN) counts 0. */
export const householdWeight = (households: Float64Array, i: number) => (households[i] === households[i] ? households[i] : 0);

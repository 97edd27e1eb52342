// Where to put new facilities: greedy maximal coverage. Demand = the buildings not yet covered
// (distanceM > maxDistanceM) that count (mask), weighted by households (unknown counts 0). Each
// round picks the candidate site covering the most still-uncovered households (ties: more
// buildings, then the earlier candidate) — lazily re-evaluated (CELF), which gives the same picks as
// plain greedy because a site's gain can only shrink. Which site reaches which building is ./reach
// (shared with the exact optimisation in geo/optimize), so a suggested site added as a Point facility
// covers exactly buildingsGained.
import type { BuildingSet } from './types';
import { demandBuildings, householdWeight, siteReach, type SiteCandidate, type SiteReach } from './reach';

export type { SiteCandidate } from './reach';

export interface SuggestedSite extends SiteCandidate {
	householdsGained: number;
	/** building indices newly covered by this site (ascending) */
	buildingsGained: number[];
}

/**
 * Picks up to k sites (fewer when no candidate gains any households). candidates empty → the
 * points of the demand buildings themselves (id = the building's id).
 */
export function suggestSites(
	buildings: BuildingSet,
	distanceM: Float64Array,
	maxDistanceM: number,
	candidates: SiteCandidate[],
	k: number,
	mask?: Uint8Array
): SuggestedSite[] {
	const demand = demandBuildings(buildings, distanceM, maxDistanceM, mask);
	if (demand.length === 0 || k <= 0) return [];
	const sites = candidates.length ? candidates : demand.map((i) => ({ lon: buildings.lon[i], lat: buildings.lat[i], id: buildings.ids[i] }));
	const reach = siteReach(buildings, demand, sites, maxDistanceM);
	const weights = Float64Array.from(demand, (i) => householdWeight(buildings.households, i));
	return greedyPicks(reach, weights, k).map(({ site: s, positions }) => ({
		lon: sites[s].lon,
		lat: sites[s].lat,
		...(sites[s].id !== undefined ? { id: sites[s].id } : {}),
		householdsGained: positions.reduce((g, j) => g + weights[j], 0),
		buildingsGained: positions.map((j) => demand[j]).sort((a, b) => a - b)
	}));
}

export interface GreedyPick {
	/** the site's index */
	site: number;
	/** demand positions it newly covers */
	positions: number[];
}

/**
 * The greedy over reach lists: up to k picks, each the site gaining the most still-uncovered weight
 * (ties: more demand positions, then the lower site index); stops when no site gains anything.
 * weights: per demand position.
 */
export function greedyPicks(reach: SiteReach, weights: Float64Array, k: number): GreedyPick[] {
	const { start, pos } = reach;
	const nSites = start.length - 1;
	const taken = new Uint8Array(weights.length);
	/** Demand positions of site s not yet covered. */
	const open = (s: number): number[] => {
		const out: number[] = [];
		for (let q = start[s]; q < start[s + 1]; q++) if (!taken[pos[q]]) out.push(pos[q]);
		return out;
	};
	const gainOf = (js: number[]) => js.reduce((g, j) => g + weights[j], 0);

	// max-heap of sites by (gain, buildings, -index), with lazily stale gains
	const gain = new Float64Array(nSites);
	const count = new Int32Array(nSites);
	const round = new Int32Array(nSites); // the round a gain was computed in
	const heap: number[] = [];
	const better = (a: number, b: number) => gain[a] > gain[b] || (gain[a] === gain[b] && (count[a] > count[b] || (count[a] === count[b] && a < b)));
	const up = (p: number) => {
		while (p > 0) {
			const q = (p - 1) >> 1;
			if (!better(heap[p], heap[q])) break;
			[heap[p], heap[q]] = [heap[q], heap[p]];
			p = q;
		}
	};
	const down = (p: number) => {
		for (;;) {
			const l = 2 * p + 1,
				r = l + 1;
			let m = p;
			if (l < heap.length && better(heap[l], heap[m])) m = l;
			if (r < heap.length && better(heap[r], heap[m])) m = r;
			if (m === p) return;
			[heap[p], heap[m]] = [heap[m], heap[p]];
			p = m;
		}
	};
	for (let s = 0; s < nSites; s++) {
		const js = open(s);
		gain[s] = gainOf(js);
		count[s] = js.length;
		heap.push(s);
		up(heap.length - 1);
	}
	const picked: GreedyPick[] = [];
	let current = 0;
	while (picked.length < k && heap.length) {
		const top = heap[0];
		if (round[top] !== current) {
			const js = open(top);
			gain[top] = gainOf(js);
			count[top] = js.length;
			round[top] = current;
			down(0);
			continue;
		}
		if (!(gain[top] > 0)) break;
		const js = open(top);
		for (const j of js) taken[j] = 1;
		heap[0] = heap[heap.length - 1];
		heap.pop();
		if (heap.length) down(0);
		picked.push({ site: top, positions: js });
		current++;
	}
	return picked;
}

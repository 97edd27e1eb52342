// Where to put new facilities: greedy maximal coverage. Demand = the buildings not yet covered
// (distanceM > maxDistanceM) that count (mask), weighted by households (unknown counts 0). Each
// round picks the candidate site covering the most still-uncovered households (ties: more
// buildings, then the earlier candidate) — lazily re-evaluated (CELF), which gives the same picks as
// plain greedy because a site's gain can only shrink. Distances are the canonical ones measured from
// the building, so a suggested site added as a Point facility covers exactly buildingsGained.
import KDBush from 'kdbush';
import type { BuildingSet } from './types';
import { distFrom, expandBox, rulerAt, type Band } from '../measure/ruler';

export interface SiteCandidate {
	lon: number;
	lat: number;
	id?: string;
}

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
	const { lon, lat, households } = buildings;
	const n = lon.length;
	// demand buildings
	const demand: number[] = [];
	for (let i = 0; i < n; i++) {
		if (mask && !mask[i]) continue;
		if (distanceM[i] <= maxDistanceM) continue;
		if (!(Number.isFinite(lon[i]) && Number.isFinite(lat[i]))) continue;
		demand.push(i);
	}
	if (demand.length === 0 || k <= 0) return [];
	const sites = candidates.length ? candidates : demand.map((i) => ({ lon: lon[i], lat: lat[i], id: buildings.ids[i] }));
	const kd = new KDBush(demand.length, 32);
	for (const i of demand) kd.add(lon[i], lat[i]);
	kd.finish();
	const ruler = new Float64Array(4 * demand.length);
	demand.forEach((i, j) => {
		const r = rulerAt(lat[i]);
		ruler.set([r.kx, r.hx, r.ky, r.hy], 4 * j);
	});
	const weight = (i: number) => (households[i] === households[i] ? households[i] : 0);
	const taken = new Uint8Array(demand.length);
	const box = new Float64Array(4);
	const band: Band = { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 };

	/** Demand positions (into `demand`) within reach of site s and not yet covered. */
	const reach = (s: number): number[] => {
		const { lon: x, lat: y } = sites[s];
		if (!(Number.isFinite(x) && Number.isFinite(y))) return [];
		expandBox(x, y, x, y, maxDistanceM, box, band);
		const out: number[] = [];
		for (const j of kd.range(box[0], box[1], box[2], box[3])) {
			if (taken[j]) continue;
			const i = demand[j],
				o = 4 * j;
			if (distFrom(lon[i], lat[i], ruler[o], ruler[o + 1], ruler[o + 2], ruler[o + 3], x, y) <= maxDistanceM) out.push(j);
		}
		return out;
	};
	const gainOf = (js: number[]) => js.reduce((g, j) => g + weight(demand[j]), 0);

	// max-heap of sites by (gain, buildings, -index), with lazily stale gains
	const gain = new Float64Array(sites.length);
	const count = new Int32Array(sites.length);
	const round = new Int32Array(sites.length); // the round a gain was computed in
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
	for (let s = 0; s < sites.length; s++) {
		const js = reach(s);
		gain[s] = gainOf(js);
		count[s] = js.length;
		heap.push(s);
		up(heap.length - 1);
	}
	const picked: SuggestedSite[] = [];
	let current = 0;
	while (picked.length < k && heap.length) {
		const top = heap[0];
		if (round[top] !== current) {
			const js = reach(top);
			gain[top] = gainOf(js);
			count[top] = js.length;
			round[top] = current;
			down(0);
			continue;
		}
		if (!(gain[top] > 0)) break;
		const js = reach(top);
		for (const j of js) taken[j] = 1;
		heap[0] = heap[heap.length - 1];
		heap.pop();
		if (heap.length) down(0);
		const site = sites[top];
		picked.push({
			lon: site.lon,
			lat: site.lat,
			...(site.id !== undefined ? { id: site.id } : {}),
			householdsGained: gainOf(js),
			buildingsGained: js.map((j) => demand[j]).sort((a, b) => a - b)
		});
		current++;
	}
	return picked;
}

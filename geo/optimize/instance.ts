// The covering instance behind the exact site optimisation, built once and reduced before a solver
// sees it. Demand = the buildings the greedy (geo/coverage/suggest) would serve: not covered by an
// existing facility (those are locked in: what they cover is dropped), in the mask, and not reached
// by a locked (planned) site. Reach is geo/coverage/reach — the same lists the greedy reads.
// Reductions, both exact:
//   · demand buildings reached by the same set of candidates become one group, its weight the sum of
//     their households (buildings of 0 or unknown households drop out; the objective ignores them);
//   · a candidate whose groups are a subset of another's is dropped (uncapacitated only: there,
//     swapping it for the other never covers less; ties keep the lower index), as is one reaching
//     no group at all.
import { demandBuildings, householdWeight, siteReach, type BuildingSet, type SiteCandidate, type SiteReach } from '../coverage';

export interface CoverageProblem {
	buildings: BuildingSet;
	/** per building: distance to the nearest existing facility (Infinity: none within reach) */
	distanceM: Float64Array;
	maxDistanceM: number;
	/** where a new site may go; empty → the demand buildings themselves */
	candidates: SiteCandidate[];
	/** the buildings that count (e.g. one community's); all when absent */
	mask?: Uint8Array;
	/** planned sites kept whatever the choice: what they reach counts as covered */
	locked?: SiteCandidate[];
}

export interface CoverageInstance {
	/** the candidate sites (problem.candidates, or the demand buildings) */
	sites: SiteCandidate[];
	/** every site's reach over the demand (zero-household buildings included, as the greedy sees them) */
	reach: SiteReach;
	/** per demand position: households (unknown 0) */
	weights: Float64Array;
	/** buildings reached by the locked sites (ascending) and their households */
	lockedBuildings: number[];
	lockedHouseholds: number;
	/** buildings with households no candidate reaches (ascending) and their households */
	uncoverable: number[];
	uncoverableHouseholds: number;
	/** households of the demand (coverable or not) */
	demandHouseholds: number;
	/** per demand position: its group (−1: no households, or no candidate reaches it) */
	groupOf: Int32Array;
	groupWeight: Float64Array;
	/** group → kept candidates reaching it (indices into `kept`), compressed */
	groupStart: Int32Array;
	groupCand: Int32Array;
	/** the candidates left after the reductions (site indices, ascending) */
	kept: number[];
}

/** Demand, reach, groups and kept candidates; `dominance` false keeps every candidate that reaches a group. */
export function buildInstance(problem: CoverageProblem, dominance: boolean): CoverageInstance {
	const { buildings, maxDistanceM } = problem;
	let demand = demandBuildings(buildings, problem.distanceM, maxDistanceM, problem.mask);
	const lockedBuildings: number[] = [];
	if (problem.locked?.length) {
		const lr = siteReach(buildings, demand, problem.locked, maxDistanceM);
		const hit = new Uint8Array(demand.length);
		for (const j of lr.pos) hit[j] = 1;
		lockedBuildings.push(...demand.filter((_, j) => hit[j]));
		demand = demand.filter((_, j) => !hit[j]);
	}
	const lockedHouseholds = lockedBuildings.reduce((s, i) => s + householdWeight(buildings.households, i), 0);
	const sites = problem.candidates.length ? problem.candidates : demand.map((i) => ({ lon: buildings.lon[i], lat: buildings.lat[i], id: buildings.ids[i] }));
	const reach = siteReach(buildings, demand, sites, maxDistanceM);
	const weights = Float64Array.from(demand, (i) => householdWeight(buildings.households, i));
	const nd = demand.length,
		ns = sites.length;

	// demand → sites reaching it (ascending, as sites are visited in order)
	const dStart = new Int32Array(nd + 1);
	for (const j of reach.pos) dStart[j + 1]++;
	for (let j = 0; j < nd; j++) dStart[j + 1] += dStart[j];
	const dSite = new Int32Array(reach.pos.length);
	const fill = dStart.slice(0, nd);
	for (let s = 0; s < ns; s++) for (let q = reach.start[s]; q < reach.start[s + 1]; q++) dSite[fill[reach.pos[q]]++] = s;

	// groups: positive weight, same set of sites
	const groupOf = new Int32Array(nd).fill(-1);
	const uncoverable: number[] = [];
	let uncoverableHouseholds = 0,
		demandHouseholds = 0;
	const firstOf: number[] = []; // a demand position of each group
	const weight: number[] = [];
	const byHash = new Map<number, number[]>();
	const sameSites = (a: number, b: number) => {
		const la = dStart[a + 1] - dStart[a];
		if (la !== dStart[b + 1] - dStart[b]) return false;
		for (let t = 0; t < la; t++) if (dSite[dStart[a] + t] !== dSite[dStart[b] + t]) return false;
		return true;
	};
	for (let j = 0; j < nd; j++) {
		if (!(weights[j] > 0)) continue;
		demandHouseholds += weights[j];
		if (dStart[j + 1] === dStart[j]) {
			uncoverable.push(demand[j]);
			uncoverableHouseholds += weights[j];
			continue;
		}
		let h = dStart[j + 1] - dStart[j];
		for (let q = dStart[j]; q < dStart[j + 1]; q++) h = (Math.imul(h, 0x01000193) ^ dSite[q]) | 0;
		const bucket = byHash.get(h) ?? [];
		if (!bucket.length) byHash.set(h, bucket);
		let g = bucket.find((c) => sameSites(firstOf[c], j));
		if (g === undefined) {
			g = firstOf.length;
			firstOf.push(j);
			weight.push(0);
			bucket.push(g);
		}
		groupOf[j] = g;
		weight[g] += weights[j];
	}
	const ng = firstOf.length;

	// site → groups (ascending, unique)
	const siteGroups: number[][] = Array.from({ length: ns }, () => []);
	for (let g = 0; g < ng; g++) {
		const j = firstOf[g];
		for (let q = dStart[j]; q < dStart[j + 1]; q++) siteGroups[dSite[q]].push(g);
	}
	const keep = siteGroups.map((gs) => gs.length > 0);
	if (dominance) dropDominated(siteGroups, firstOf, dStart, dSite, keep);
	const kept: number[] = [];
	const keptIndex = new Int32Array(ns).fill(-1);
	for (let s = 0; s < ns; s++) if (keep[s]) keptIndex[s] = kept.push(s) - 1;

	const groupStart = new Int32Array(ng + 1);
	const cand: number[] = [];
	for (let g = 0; g < ng; g++) {
		const j = firstOf[g];
		for (let q = dStart[j]; q < dStart[j + 1]; q++) if (keptIndex[dSite[q]] >= 0) cand.push(keptIndex[dSite[q]]);
		groupStart[g + 1] = cand.length;
	}
	return {
		sites,
		reach,
		weights,
		lockedBuildings,
		lockedHouseholds,
		uncoverable,
		uncoverableHouseholds,
		demandHouseholds,
		groupOf,
		groupWeight: Float64Array.from(weight),
		groupStart,
		groupCand: Int32Array.from(cand),
		kept
	};
}

/**
 * Clears keep[s] for every site whose groups are a subset of another site's: a strict order (a
 * larger set, or the same set at a lower index), so what is left is its maximal elements. Only the
 * sites reaching a site's rarest group can contain its groups.
 */
function dropDominated(siteGroups: number[][], firstOf: number[], dStart: Int32Array, dSite: Int32Array, keep: boolean[]) {
	const stamp = new Int32Array(firstOf.length).fill(-1);
	const groupsOfSiteMarked = (t: number) => {
		for (const g of siteGroups[t]) stamp[g] = t;
	};
	for (let s = 0; s < siteGroups.length; s++) {
		const gs = siteGroups[s];
		if (!gs.length) continue;
		let rare = gs[0];
		for (const g of gs) if (dStart[firstOf[g] + 1] - dStart[firstOf[g]] < dStart[firstOf[rare] + 1] - dStart[firstOf[rare]]) rare = g;
		const j = firstOf[rare];
		for (let q = dStart[j]; q < dStart[j + 1]; q++) {
			const t = dSite[q];
			if (t === s) continue;
			const gt = siteGroups[t];
			if (gt.length < gs.length || (gt.length === gs.length && t > s)) continue;
			groupsOfSiteMarked(t);
			if (gs.every((g) => stamp[g] === t)) {
				keep[s] = false;
				break;
			}
		}
	}
}

// Optimal sites for one community (geo/optimize, issue 21): the community's buildings, their distance
// to the nearest existing facility and the candidate sites go to a job worker, where HiGHS solves the
// maximal covering (mclp) or set covering (lscp) problem within the time limit — never on the request
// thread, as a solve blocks its thread.
import type { BuildingSet } from '$geo/coverage';
import { jobs } from '../jobs/pool';
import type { SiteSuggestion } from '../../coverage/types';
import type { OptimalSummary } from '../../coverage/types';

export type { OptimalSummary };

export interface SiteInput {
	lon: number;
	lat: number;
	id?: string;
	/** households the site may serve (absent: no limit) */
	capacity?: number;
}

export const DEFAULT_TIME_LIMIT_S = 5;
export const MAX_TIME_LIMIT_S = 30;

/** The mask's buildings only cross to the worker (a community's, not the city's). */
export async function optimalSites(
	buildings: BuildingSet,
	distanceM: Float64Array,
	mask: Uint8Array,
	reachM: number,
	sites: SiteInput[],
	options: { method: 'mclp' | 'lscp'; k: number; timeLimitS?: number }
): Promise<{ suggestions: SiteSuggestion[]; optimal: OptimalSummary }> {
	const members: number[] = [];
	mask.forEach((m, i) => m && members.push(i));
	const pick = (a: Float64Array) => Float64Array.from(members, (i) => a[i]);
	const capacity = sites.some((s) => s.capacity !== undefined) ? sites.map((s) => s.capacity ?? NaN) : undefined;
	const timeLimitS = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
	const { result } = await jobs().run(
		'optimizeCellSites',
		[
			{
				lon: pick(buildings.lon),
				lat: pick(buildings.lat),
				households: pick(buildings.households),
				distanceM: pick(distanceM),
				maxDistanceM: reachM,
				candidates: sites.map((s) => ({ lon: s.lon, lat: s.lat, id: s.id })),
				options: { method: options.method, k: options.method === 'mclp' ? options.k : undefined, timeLimitS, capacity }
			}
		],
		{ kind: 'coverage' }
	);
	return {
		suggestions: result.sites.map((s) => ({ lon: s.lon, lat: s.lat, id: s.id, householdsGained: s.householdsGained, buildingsGained: s.buildingsGained })),
		optimal: {
			status: result.status,
			gap: result.gap,
			bound: result.bound,
			householdsCovered: result.householdsCovered,
			demandHouseholds: result.demandHouseholds,
			uncoverableHouseholds: result.uncoverable.households,
			uncoverableBuildings: result.uncoverable.buildings.length,
			greedy: result.greedy,
			timeLimitS,
			solveMs: Math.round(result.solveMs)
		}
	};
}

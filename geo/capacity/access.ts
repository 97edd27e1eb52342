// Demand-weighted access (E2SFCA, e2sfca.ts) as a planner reads it: per building, per H3 cell and per
// community, for a demand profile, with one score beside the binary coverage.
//
// Profiles:
//   all   every resident (or household) walks at the rule's speed (default 65 m/min, network/speed.ts):
//         the E2SFCA of e2sfca.ts as it is.
//   slow  children and elderly people: they walk at SLOW_WALK_SPEED_M_PER_MIN (50 m/min ≈ 0.83 m/s, the
//         isochrone tool's slow profile), so their reach shrinks to reach × 50 ÷ speed (a 975 m, 15-minute
//         reach becomes 750 m); a rule in metres keeps its walking time, so the same ratio applies. They are
//         a share of each building's demand: SLOW_SHARE (an estimate: the 7th census's 0–14 and 60+ shares,
//         below) where the data has no age structure. Step 1 shares a facility's capacity among everyone who
//         reaches it — the slow share within the slow reach, the others within the full reach —, step 2
//         gives a slow walker what the facilities within the slow reach offer; per unit, the figures are
//         weighted by the slow demand (share × demand).
//
// Score: access × demandPer ÷ capacityPer — the capacity available per demandPer residents (or
// households) against the rule's standard figure per demandPer: 1.0 meets the standard exactly, 0.5
// half of it, 0 nothing in reach. E.g. 4.5 托位 per 1,000 residents: a community whose demand-weighted
// mean access is 0.0036 places per resident (3.6 per 1,000) scores 0.8.
import { latLngToCell } from 'h3-js';
import { GridAtlasError } from '../errors';
import { SLOW_WALK_SPEED_M_PER_MIN, WALK_SPEED_M_PER_MIN } from '../network/speed';
import { decayFunction, type DecaySpec } from './decay';
import type { CapacityRuleSpec, Catchments } from './types';

export type AccessProfile = 'all' | 'slow';
export const ACCESS_PROFILES: readonly AccessProfile[] = ['all', 'slow'];

/**
 * Share of residents who are children (0–14: 17.95 %) or elderly (60+: 18.70 %): 36.65 %, China 2020
 * (第七次全国人口普查公报 第五号). An estimate used for every building when the data has no age structure.
 */
export const SLOW_SHARE = 0.3665;

/**
 * H3 resolution of the access cells: 9 — cells of ≈ 0.105 km² (≈ 175 m edge, ≈ 350 m across), about a
 * compound or a block: finer than the 300 m of a 5-minute circle, so the heat shows where access falls
 * off, coarser than one building (resolution 10 is ≈ 0.015 km², one or two buildings: noisy, and no
 * better than the buildings themselves).
 */
export const ACCESS_H3_RESOLUTION = 9;

export class AccessError extends GridAtlasError {
	constructor(code: 'bad_profile' | 'bad_level' | 'bad_share', message: string) {
		super(message, { code });
		this.name = 'AccessError';
	}
}

export function checkProfile(value: string): AccessProfile {
	if (!(ACCESS_PROFILES as readonly string[]).includes(value)) {
		throw new AccessError(
			'bad_profile',
			`需求人群须为 all（全体居民）或 slow（儿童与老人）/ the demand profile must be all or slow (children and elderly), not "${value.slice(0, 40)}"`
		);
	}
	return value as AccessProfile;
}

/** The reach of slow walkers for a rule whose full reach is reachM at speedMPerMin. */
export function slowReachM(reachM: number, speedMPerMin = WALK_SPEED_M_PER_MIN): number {
	return speedMPerMin > SLOW_WALK_SPEED_M_PER_MIN ? (reachM * SLOW_WALK_SPEED_M_PER_MIN) / speedMPerMin : reachM;
}

export interface ProfileAccessInput {
	/** per building, the rule's demand (residents or households; NaN unknown) */
	demand: Float64Array;
	/** the buildings each facility reaches within the full reach */
	catchments: Catchments;
	/** per facility, NaN where not recorded */
	capacity: Float64Array;
	decay: Omit<DecaySpec, 'reachM'>;
	reachM: number;
	profile: AccessProfile;
	/** the walking speed the reach was made with (m/min) */
	speedMPerMin?: number;
	/** slow profile: the share of each building's demand that walks slowly (one figure, or per building); default SLOW_SHARE */
	slowShare?: number | Float64Array;
}

export interface ProfileAccess {
	/** per building: capacity available per unit of the profile's demand (A_i) */
	access: Float64Array;
	/** per building: the profile's demand, the weight of the unit means (NaN unknown) */
	weight: Float64Array;
	/** the reach of the profile (metres) */
	reachM: number;
}

/**
 * The weights of a profile's two steps, shared by profileAccess and a scenario's local recompute
 * (scenario-access.ts), so both apply the same formulas in the same order.
 */
export interface ProfileWeights {
	/** step 1: the weight of building i's demand at d metres from a facility (the full and the slow reach mixed by its slow share) */
	demandWeight: (i: number, d: number) => number;
	/** step 2: the weight of a facility's ratio for a building d metres away */
	supplyWeight: (d: number) => number;
	/** per building: the profile's demand (the slow share of it for slow walkers; NaN unknown) */
	weight: (demand: Float64Array) => Float64Array;
	/** the reach of the profile (metres) */
	reachM: number;
}

export function profileWeights(input: Pick<ProfileAccessInput, 'decay' | 'reachM' | 'profile' | 'speedMPerMin' | 'slowShare'>): ProfileWeights {
	const { decay, reachM, profile } = input;
	const full = decayFunction({ ...decay, reachM });
	if (profile === 'all') return { demandWeight: (_i, d) => full(d), supplyWeight: full, weight: (demand) => demand, reachM };
	checkProfile(profile);
	const slowM = slowReachM(reachM, input.speedMPerMin);
	const slow = decayFunction({ ...decay, reachM: slowM });
	const share = input.slowShare ?? SLOW_SHARE;
	if (typeof share === 'number' && !(share >= 0 && share <= 1))
		throw new AccessError('bad_share', '慢行人群比例须在 0–1 之间 / the slow share must be within 0–1');
	const shareOf = typeof share === 'number' ? () => share : (i: number) => share[i];
	return {
		demandWeight: (i, d) => {
			const p = shareOf(i);
			return (1 - p) * full(d) + p * slow(d);
		},
		supplyWeight: slow,
		weight: (demand) => Float64Array.from(demand, (v, i) => (Number.isFinite(v) ? v * shareOf(i) : Number.NaN)),
		reachM: slowM
	};
}

/**
 * Step 1 for facility f: its capacity per unit of weighted demand over its catchment rows; 0 when it
 * offers nothing (capacity not recorded, or no weighted demand within reach).
 */
export function facilityRatio(catchments: Catchments, f: number, demand: Float64Array, capacity: Float64Array, weights: ProfileWeights): number {
	const s = capacity[f];
	if (!Number.isFinite(s)) return 0;
	const { start, building, distanceM } = catchments;
	let weighted = 0;
	for (let k = start[f]; k < start[f + 1]; k++) {
		const i = building[k];
		const v = demand[i];
		if (Number.isFinite(v)) weighted += v * weights.demandWeight(i, distanceM[k]);
	}
	return weighted > 0 ? s / weighted : 0;
}

/** Step 2 for facility f: adds ratio × w(d) to the access of every building of its catchment. */
export function addFacilityAccess(access: Float64Array, catchments: Catchments, f: number, ratio: number, weights: ProfileWeights): void {
	const { start, building, distanceM } = catchments;
	for (let k = start[f]; k < start[f + 1]; k++) access[building[k]] += ratio * weights.supplyWeight(distanceM[k]);
}

export function profileAccess(input: ProfileAccessInput): ProfileAccess {
	const { demand, catchments, capacity } = input;
	const weights = profileWeights(input);
	const access = new Float64Array(demand.length);
	for (let f = 0; f < capacity.length; f++) {
		const ratio = facilityRatio(catchments, f, demand, capacity, weights);
		if (ratio > 0) addFacilityAccess(access, catchments, f, ratio, weights);
	}
	return { access, weight: weights.weight(demand), reachM: weights.reachM };
}

/** The access figure in the rule's terms: capacity per demandPer residents (or households), comparable with capacityPer. */
export const accessFigure = (access: number, rule: Pick<CapacityRuleSpec, 'demandPer'>) => access * rule.demandPer;

/** The score: the access figure ÷ the rule's standard figure (1 = meets it exactly); null when the rule asks for nothing. */
export const accessScore = (access: number, rule: Pick<CapacityRuleSpec, 'demandPer' | 'capacityPer'>) =>
	rule.capacityPer > 0 ? (access * rule.demandPer) / rule.capacityPer : null;

export interface UnitAccess {
	/** demand-weighted mean access per unit (null: no known demand) */
	mean: (number | null)[];
	/** the profile's demand per unit */
	demand: Float64Array;
	/** buildings per unit */
	buildings: Int32Array;
}

/** Per unit (unitOf −1: left out): the demand-weighted mean access, the demand and the buildings. */
export function unitAccess(access: Float64Array, weight: Float64Array, unitOf: Int32Array, units: number): UnitAccess {
	const sum = new Float64Array(units);
	const demand = new Float64Array(units);
	const buildings = new Int32Array(units);
	for (let i = 0; i < access.length; i++) {
		const u = unitOf[i];
		if (u < 0 || u >= units) continue;
		buildings[u]++;
		const v = weight[i];
		if (!Number.isFinite(v)) continue;
		sum[u] += v * access[i];
		demand[u] += v;
	}
	return { mean: Array.from(sum, (s, u) => (demand[u] > 0 ? s / demand[u] : null)), demand, buildings };
}

export interface H3Cells {
	resolution: number;
	/** per building: index into cells (−1: no coordinates) */
	cellOf: Int32Array;
	/** H3 index strings */
	cells: string[];
}

/** The H3 cell of every building (≈ 3 µs a building in h3-js: computed once per city and kept). */
export function buildingCells(lon: Float64Array, lat: Float64Array, resolution = ACCESS_H3_RESOLUTION): H3Cells {
	const cellOf = new Int32Array(lon.length).fill(-1);
	const index = new Map<string, number>();
	for (let i = 0; i < lon.length; i++) {
		if (!(Number.isFinite(lon[i]) && Number.isFinite(lat[i]))) continue;
		const h = latLngToCell(lat[i], lon[i], resolution);
		let c = index.get(h);
		if (c === undefined) index.set(h, (c = index.size));
		cellOf[i] = c;
	}
	return { resolution, cellOf, cells: [...index.keys()] };
}

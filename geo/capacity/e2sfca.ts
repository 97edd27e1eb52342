// Demand-weighted access: the enhanced two-step floating catchment (E2SFCA; Luo & Qi 2009, with the
// distance decays of decay.ts). Step 1, per facility f: R_f = S_f ÷ Σ_i D_i·w(d_if) over the
// buildings within its reach. Step 2, per building i: A_i = Σ_f R_f·w(d_if) — the capacity available
// to one unit of its demand. Σ_i D_i·A_i equals the capacity of every facility with weighted demand:
// nothing is created or counted twice. Per unit (community, grid, H3 cell): the demand-weighted mean.
import type { Catchments } from './types';

export interface AccessResult {
	/** per facility: capacity per unit of weighted demand (0 when nothing weighs, NaN when capacity unknown) */
	ratio: Float64Array;
	/** per building: A_i, capacity available per unit of demand (0 out of every reach) */
	access: Float64Array;
}

/**
 * capacity: NaN where not recorded (the facility then offers nothing, and its ratio is NaN);
 * demand: NaN where unknown (the building then weighs nothing; its access is still computed).
 */
export function e2sfca(demand: Float64Array, catchments: Catchments, capacity: Float64Array, weight: (d: number) => number): AccessResult {
	const { start, building, distanceM } = catchments;
	const nf = capacity.length;
	const w = new Float64Array(building.length);
	for (let k = 0; k < building.length; k++) w[k] = weight(distanceM[k]);
	const ratio = new Float64Array(nf);
	const access = new Float64Array(demand.length);
	for (let f = 0; f < nf; f++) {
		let weighted = 0;
		for (let k = start[f]; k < start[f + 1]; k++) {
			const v = demand[building[k]];
			if (Number.isFinite(v)) weighted += v * w[k];
		}
		const s = capacity[f];
		ratio[f] = !Number.isFinite(s) ? Number.NaN : weighted > 0 ? s / weighted : 0;
		if (!(ratio[f] > 0)) continue;
		for (let k = start[f]; k < start[f + 1]; k++) access[building[k]] += ratio[f] * w[k];
	}
	return { ratio, access };
}

/** Demand-weighted mean access per unit (null where the unit has no known demand). */
export function accessByUnit(access: Float64Array, demand: Float64Array, unitOf: Int32Array, units: number): (number | null)[] {
	const sum = new Float64Array(units);
	const weight = new Float64Array(units);
	for (let i = 0; i < access.length; i++) {
		const u = unitOf[i];
		const v = demand[i];
		if (u < 0 || u >= units || !Number.isFinite(v)) continue;
		sum[u] += v * access[i];
		weight[u] += v;
	}
	return Array.from(sum, (s, u) => (weight[u] > 0 ? s / weight[u] : null));
}

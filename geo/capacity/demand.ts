// Demand of each building for a capacity rule: its households, or its residents — the registered
// population where a register gave one (buildings.population), else households × persons per
// household. NaN where the households are unknown.
import type { DemandBasis } from './types';

/** Average size of a family household in China, 2020: 2.62 persons (第七次全国人口普查公报 第二号). */
export const PERSONS_PER_HOUSEHOLD = 2.62;

export function buildingDemand(
	households: ArrayLike<number>,
	population: ArrayLike<number> | null,
	basis: DemandBasis,
	personsPerHousehold = PERSONS_PER_HOUSEHOLD
): Float64Array {
	const n = households.length;
	const out = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const h = households[i];
		if (basis === 'households') out[i] = Number.isFinite(h) ? h : Number.NaN;
		else {
			const p = population ? population[i] : Number.NaN;
			out[i] = Number.isFinite(p) ? p : Number.isFinite(h) ? h * personsPerHousehold : Number.NaN;
		}
	}
	return out;
}

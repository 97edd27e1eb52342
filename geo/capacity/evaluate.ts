// Capacity against demand, per facility and per unit (community or grid): a two-step floating
// catchment without distance decay. Step 1, per facility f: the demand within its reach D_f, the
// capacity it should have (D_f ÷ demandPer × capacityPer) and its ratio R_f = capacity_f ÷ D_f. Step 2,
// per building i: the capacity available to each unit of its demand, A_i = Σ R_f over the facilities
// reaching it; a unit's supply is Σ demand_i × A_i over its buildings — each facility's capacity shared
// among the buildings it reaches by their demand, so nothing is counted twice — against the unit's
// required capacity (its demand ÷ demandPer × capacityPer). A facility whose capacity is not recorded
// counts 0 and is named; a unit with a building of unknown demand is 'no_data', never 'pass'.
// With a distance decay (decay.ts) the shares are weighted by it — the enhanced 2SFCA of e2sfca.ts: a
// facility's capacity goes more to the buildings near it; a facility's own figures stay unweighted.
import type { CapacityRuleSpec, Catchments, FacilityCapacityResult, UnitCapacityResult } from './types';

/** Relative tolerance of the pass test (floating-point sums of shares). */
const EPS = 1e-9;

export interface CapacityEvaluation {
	facilities: FacilityCapacityResult[];
	units: UnitCapacityResult[];
	/** Per building: capacity available per demandPer of its demand (A_i × demandPer), comparable with capacityPer. */
	access: Float64Array;
}

export function evaluateCapacity(
	demand: Float64Array,
	unitOf: Int32Array,
	units: number,
	catchments: Catchments,
	capacity: Float64Array,
	rule: CapacityRuleSpec,
	weight?: (d: number) => number
): CapacityEvaluation {
	const n = demand.length;
	const nf = capacity.length;
	const perUnit = rule.capacityPer / rule.demandPer;
	const { start, building } = catchments;
	const recorded = capacity.some((c) => Number.isFinite(c));
	const access = new Float64Array(n);
	const facilities: FacilityCapacityResult[] = [];
	for (let f = 0; f < nf; f++) {
		let d = 0;
		for (let k = start[f]; k < start[f + 1]; k++) {
			const v = demand[building[k]];
			if (Number.isFinite(v)) d += v;
		}
		const cap = capacity[f];
		const known = Number.isFinite(cap);
		const required = d * perUnit;
		if (weight) {
			if (known) {
				let weighted = 0;
				for (let k = start[f]; k < start[f + 1]; k++) {
					const v = demand[building[k]];
					if (Number.isFinite(v)) weighted += v * weight(catchments.distanceM[k]);
				}
				if (weighted > 0) for (let k = start[f]; k < start[f + 1]; k++) access[building[k]] += (cap / weighted) * weight(catchments.distanceM[k]);
			}
		} else if (known && d > 0) {
			const ratio = cap / d;
			for (let k = start[f]; k < start[f + 1]; k++) access[building[k]] += ratio;
		}
		const shortfall = known ? Math.max(0, required - cap) : null;
		facilities.push({
			facility: f,
			capacity: known ? cap : null,
			buildings: start[f + 1] - start[f],
			demand: d,
			required,
			shortfall: shortfall !== null && shortfall <= EPS * Math.max(1, required) ? 0 : shortfall,
			status: !known ? 'no_capacity' : shortfall! > EPS * Math.max(1, required) ? 'fail' : 'pass'
		});
	}
	// Facilities of unknown capacity reaching each unit.
	const unknownSeen = new Map<number, Set<number>>();
	for (let f = 0; f < nf; f++) {
		if (Number.isFinite(capacity[f])) continue;
		for (let k = start[f]; k < start[f + 1]; k++) {
			const u = unitOf[building[k]];
			if (u < 0) continue;
			let set = unknownSeen.get(u);
			if (!set) unknownSeen.set(u, (set = new Set()));
			set.add(f);
		}
	}
	const count = new Int32Array(units);
	const demandSum = new Float64Array(units);
	const supply = new Float64Array(units);
	const unknownDemand = new Uint8Array(units);
	for (let i = 0; i < n; i++) {
		const u = unitOf[i];
		if (u < 0 || u >= units) continue;
		count[u]++;
		const v = demand[i];
		if (!Number.isFinite(v)) {
			unknownDemand[u] = 1;
			continue;
		}
		demandSum[u] += v;
		supply[u] += v * access[i];
	}
	const out: UnitCapacityResult[] = [];
	for (let u = 0; u < units; u++) {
		const base = { ruleId: rule.id, unit: u, buildings: count[u], supply: supply[u], unknownFacilities: unknownSeen.get(u)?.size ?? 0 };
		const known = count[u] > 0 && !unknownDemand[u] && demandSum[u] > 0;
		const demandU = unknownDemand[u] || count[u] === 0 ? null : demandSum[u];
		const required = demandU === null ? null : demandU * perUnit;
		// As coverage: a unit without known demand is no_data first, whatever the facilities.
		const status = !known ? 'no_data' : nf === 0 ? 'no_facilities' : !recorded ? 'no_capacity' : null;
		if (status) {
			out.push({ ...base, demand: demandU, required, shortfall: null, share: null, status });
			continue;
		}
		const gap = required! - supply[u];
		const fail = gap > EPS * Math.max(1, required!);
		out.push({ ...base, demand: demandU, required, shortfall: fail ? gap : 0, share: Math.min(1, supply[u] / required!), status: fail ? 'fail' : 'pass' });
	}
	for (let i = 0; i < n; i++) access[i] *= rule.demandPer;
	return { facilities, units: out, access };
}

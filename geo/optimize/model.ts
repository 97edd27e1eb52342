// The MILPs over a reduced instance (./instance), as HiGHS model data. Columns: x_s (binary, one per
// kept candidate), then y_g (MCLP: the share of group g covered, continuous in [0, 1] — binary in
// every optimum of the uncapacitated model), then with capacities z_gs (the share of g served by s).
//   MCLP   max Σ w_g y_g   s.t.  y_g ≤ Σ_{s reaches g} x_s,  Σ x_s ≤ k
//   LSCP   min Σ x_s       s.t.  Σ_{s reaches g} x_s ≥ 1   for every group some candidate reaches
// With capacities (households a site may serve), the assignment form:
//   y_g = Σ_s z_gs (LSCP: = 1),  z_gs ≤ x_s,  Σ_g w_g z_gs ≤ cap_s x_s
// (a building's households may be split between sites, or served in part).
import type { ModelData } from 'highs';
import type { CoverageInstance } from './instance';

/** What a model is built from: the kept candidates and the groups they reach. */
export type ModelInstance = Pick<CoverageInstance, 'kept' | 'groupStart' | 'groupCand' | 'groupWeight'>;

export type Method = 'mclp' | 'lscp';

export interface BuiltModel {
	data: ModelData;
	/** column of y_g (MCLP) */
	yCol: (g: number) => number;
	/** the z columns: for each entry of instance.groupCand, its column (capacitated only) */
	zCol: Int32Array | null;
}

const MAXIMIZE = -1 as ModelData['sense'];
const MINIMIZE = 1 as ModelData['sense'];

class Rows {
	starts = [0];
	indices: number[] = [];
	values: number[] = [];
	lower: number[] = [];
	upper: number[] = [];
	add(cols: number[], vals: number[], lo: number, hi: number) {
		this.indices.push(...cols);
		this.values.push(...vals);
		this.starts.push(this.indices.length);
		this.lower.push(lo);
		this.upper.push(hi);
	}
}

/**
 * The model for `method`. capacity: per kept candidate, households it may serve (Infinity: no limit),
 * or null for the uncapacitated model. fixed: x fixed to this 0/1 choice per kept candidate (to
 * value a given set of sites under capacities).
 */
export function buildModel(inst: ModelInstance, method: Method, k: number, capacity: Float64Array | null, fixed?: Uint8Array): BuiltModel {
	const m = inst.kept.length,
		ng = inst.groupWeight.length;
	const { groupStart, groupCand, groupWeight } = inst;
	const rows = new Rows();
	const cost: number[] = [],
		lower: number[] = [],
		upper: number[] = [],
		integrality: (0 | 1)[] = [];
	const col = (c: number, lo: number, hi: number, int: 0 | 1) => {
		cost.push(c);
		lower.push(lo);
		upper.push(hi);
		integrality.push(int);
		return cost.length - 1;
	};
	for (let s = 0; s < m; s++) col(method === 'lscp' ? 1 : 0, fixed ? fixed[s] : 0, fixed ? fixed[s] : 1, 1);
	const yBase = cost.length;
	if (method === 'mclp') for (let g = 0; g < ng; g++) col(groupWeight[g], 0, 1, 0);
	let zCol: Int32Array | null = null;
	if (!capacity) {
		for (let g = 0; g < ng; g++) {
			const cands = Array.from(groupCand.subarray(groupStart[g], groupStart[g + 1]));
			if (method === 'mclp') rows.add([yBase + g, ...cands], [1, ...cands.map(() => -1)], -Infinity, 0);
			else
				rows.add(
					cands,
					cands.map(() => 1),
					1,
					Infinity
				);
		}
	} else {
		zCol = new Int32Array(groupCand.length);
		for (let q = 0; q < groupCand.length; q++) zCol[q] = col(0, 0, 1, 0);
		const served: number[][] = Array.from({ length: m }, () => []);
		for (let g = 0; g < ng; g++) {
			const zs: number[] = [];
			for (let q = groupStart[g]; q < groupStart[g + 1]; q++) {
				zs.push(zCol[q]);
				served[groupCand[q]].push(q);
				rows.add([zCol[q], groupCand[q]], [1, -1], -Infinity, 0);
			}
			if (method === 'mclp') rows.add([yBase + g, ...zs], [1, ...zs.map(() => -1)], 0, 0);
			else
				rows.add(
					zs,
					zs.map(() => 1),
					1,
					1
				);
		}
		for (let s = 0; s < m; s++) {
			if (!Number.isFinite(capacity[s])) continue;
			const qs = served[s];
			rows.add([...qs.map((q) => zCol![q]), s], [...qs.map((q) => groupWeight[findGroup(groupStart, q)]), -capacity[s]], -Infinity, 0);
		}
	}
	if (method === 'mclp') {
		const xs = Array.from({ length: m }, (_, s) => s);
		rows.add(
			xs,
			xs.map(() => 1),
			-Infinity,
			k
		);
	}
	const numCols = cost.length,
		numRows = rows.lower.length;
	return {
		data: {
			numCols,
			numRows,
			sense: method === 'mclp' ? MAXIMIZE : MINIMIZE,
			colCost: cost,
			colLower: lower,
			colUpper: upper,
			rowLower: rows.lower,
			rowUpper: rows.upper,
			matrix: { format: 'csr', numRows, numCols, starts: rows.starts, indices: rows.indices, values: rows.values },
			integrality
		},
		yCol: (g) => yBase + g,
		zCol
	};
}

/** The group an entry of groupCand belongs to (binary search over groupStart). */
export function findGroup(groupStart: Int32Array, q: number): number {
	let lo = 0,
		hi = groupStart.length - 2;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (groupStart[mid] <= q) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

/**
 * The instance with only the kept candidates flagged in `keep` (indices into inst.kept): groups none
 * of them reaches left out, groups they reach alike merged again (their weights summed). kept of the
 * result are inst.kept's indices, not sites.
 */
export function restrictInstance(inst: ModelInstance, keep: Uint8Array): ModelInstance {
	const index = new Int32Array(inst.kept.length).fill(-1);
	const kept: number[] = [];
	for (let i = 0; i < keep.length; i++) if (keep[i]) index[i] = kept.push(i) - 1;
	const merged = new Map<string, number>();
	const groupStart = [0],
		groupCand: number[] = [],
		groupWeight: number[] = [];
	const here: number[] = [];
	for (let g = 0; g + 1 < inst.groupStart.length; g++) {
		here.length = 0;
		for (let q = inst.groupStart[g]; q < inst.groupStart[g + 1]; q++) if (index[inst.groupCand[q]] >= 0) here.push(index[inst.groupCand[q]]);
		if (!here.length) continue;
		const key = here.join(',');
		const same = merged.get(key);
		if (same !== undefined) {
			groupWeight[same] += inst.groupWeight[g];
			continue;
		}
		merged.set(key, groupWeight.length);
		groupCand.push(...here);
		groupStart.push(groupCand.length);
		groupWeight.push(inst.groupWeight[g]);
	}
	return { kept, groupStart: Int32Array.from(groupStart), groupCand: Int32Array.from(groupCand), groupWeight: Float64Array.from(groupWeight) };
}

// Optimal sites: maximal covering (MCLP: k new sites, most households covered) and set covering
// (LSCP: fewest sites covering every household a candidate reaches), solved exactly by HiGHS within a
// time limit, beside the greedy (geo/coverage/suggest) on the same instance: what it leaves on the table.
import { greedyPicks, type SiteCandidate, type SiteReach } from '../coverage';
import { OptimizeError } from './errors';
import { buildInstance, type CoverageInstance, type CoverageProblem } from './instance';
import { buildModel, findGroup, type Method } from './model';
import { loadHighs, type Highs } from './highs';
import { runMip } from './run';
import { mclpByPricing } from './pricing';

export interface OptimizeOptions {
	method: Method;
	/** MCLP: how many new sites (1 … the number of candidates) */
	k?: number;
	/** seconds HiGHS may search (default 5, at most 600); the best found so far is answered after it */
	timeLimitS?: number;
	/** per candidate: households it may serve (NaN / Infinity: no limit); absent: uncapacitated */
	capacity?: ArrayLike<number>;
}

export interface OptimalSite extends SiteCandidate {
	/** index into the candidates */
	candidate: number;
	/** households this site adds, the sites taken in greedy order (capacitated: households it serves) */
	householdsGained: number;
	/** buildings it adds (capacitated: buildings it serves, in part or whole) */
	buildingsGained: number;
}

export interface OptimalAnswer {
	method: Method;
	/** optimal: proven; time_limit: the best found when time ran out; infeasible: capacities cannot serve everyone (LSCP) */
	status: 'optimal' | 'time_limit' | 'infeasible';
	sites: OptimalSite[];
	/** households covered (served) by the chosen sites */
	householdsCovered: number;
	/** the solver's bound on the objective (MCLP: households, upper; LSCP: sites, lower); null without one */
	bound: number | null;
	/** relative gap between the answer and the bound (0 when proven optimal); null without an answer */
	gap: number | null;
	/** households not yet covered by existing facilities or locked sites */
	demandHouseholds: number;
	/** households (and buildings) no candidate reaches */
	uncoverable: { buildings: number[]; households: number };
	/** households reached by the locked sites */
	lockedHouseholds: number;
	greedy: GreedyComparison | null;
	reduced: { demandBuildings: number; groups: number; candidates: number; keptCandidates: number };
	solveMs: number;
}

/** MCLP: greedy's k sites and the households they miss; LSCP: the sites greedy needs to cover the same. */
export interface GreedyComparison {
	sites: number;
	householdsCovered: number;
	/** households the optimum covers that greedy does not (MCLP) */
	householdsShort: number;
	/** householdsShort as a percentage of the optimum's households (MCLP) */
	shortPct: number;
	/** sites greedy uses beyond the optimum's (LSCP) */
	extraSites: number;
}

const DEFAULT_TIME_LIMIT_S = 5;
const MAX_TIME_LIMIT_S = 600;

function checkOptions(problem: CoverageProblem, options: OptimizeOptions) {
	if (options.method !== 'mclp' && options.method !== 'lscp') {
		throw new OptimizeError('bad_method', `未知的求解方式 ${String(options.method)} / unknown method ${String(options.method)}`);
	}
	const t = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
	if (!(Number.isFinite(t) && t > 0 && t <= MAX_TIME_LIMIT_S)) {
		throw new OptimizeError('bad_time_limit', `求解时限须在 0–${MAX_TIME_LIMIT_S} 秒之间 / the time limit must be within 0–${MAX_TIME_LIMIT_S} s`);
	}
	const n = problem.candidates.length;
	if (options.method === 'mclp') {
		const k = options.k;
		if (k === undefined || !Number.isInteger(k) || k < 1) throw new OptimizeError('bad_k', '新增设施数 k 须为正整数 / k must be a positive integer');
		if (n > 0 && k > n) throw new OptimizeError('bad_k', `新增设施数 k=${k} 多于候选地点 ${n} 个 / k=${k} exceeds the ${n} candidate sites`);
	}
	const cap = options.capacity;
	if (cap) {
		if (n === 0 || cap.length !== n) throw new OptimizeError('bad_capacity', '容量须与候选地点一一对应 / capacities must be given one per candidate site');
		for (let s = 0; s < n; s++)
			if (cap[s] < 0) throw new OptimizeError('bad_capacity', `第 ${s + 1} 个候选地点的容量为负 / candidate ${s + 1} has a negative capacity`);
	}
}

/** Solves the MCLP or LSCP for the problem (see the module comment); `highs` defaults to this thread's runtime. */
export async function optimizeSites(problem: CoverageProblem, options: OptimizeOptions, highs?: Highs): Promise<OptimalAnswer> {
	checkOptions(problem, options);
	const solver = highs ?? (await loadHighs());
	const started = performance.now();
	const capacitated = !!options.capacity && Array.from(options.capacity).some((c) => Number.isFinite(c));
	const inst = buildInstance(problem, !capacitated);
	if (inst.demandHouseholds === 0) throw new OptimizeError('no_demand', '没有待覆盖的住户（都已被现有设施覆盖或户数为 0）/ no households left to cover');
	if (inst.sites.length === 0) throw new OptimizeError('no_candidates', '没有候选地点 / no candidate sites');
	const method = options.method;
	const k = method === 'mclp' ? Math.min(options.k!, inst.sites.length) : inst.sites.length;
	if (method === 'mclp' && problem.candidates.length === 0 && options.k! > inst.sites.length) {
		throw new OptimizeError(
			'bad_k',
			`新增设施数 k=${options.k} 多于候选地点 ${inst.sites.length} 个 / k=${options.k} exceeds the ${inst.sites.length} candidate sites`
		);
	}
	const capacity = capacitated ? Float64Array.from(inst.kept, (s) => (Number.isFinite(options.capacity![s]) ? options.capacity![s] : Infinity)) : null;
	const greedy = greedyPicks(inst.reach, inst.weights, method === 'mclp' ? k : inst.sites.length);
	const keptIndex = new Map(inst.kept.map((s, i) => [s, i]));
	const base = {
		method,
		demandHouseholds: inst.demandHouseholds,
		uncoverable: { buildings: inst.uncoverable, households: inst.uncoverableHouseholds },
		lockedHouseholds: inst.lockedHouseholds,
		reduced: { demandBuildings: inst.reach.demand.length, groups: inst.groupWeight.length, candidates: inst.sites.length, keptCandidates: inst.kept.length }
	};

	const integral = method === 'lscp' || inst.groupWeight.every((w) => Number.isInteger(w));
	const timeLimitS = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
	// the objective is a whole number (households, or sites): a gap below 1 proves the optimum
	const absGap = integral ? 1 - 1e-6 : 1e-6;
	const greedyKept = [...new Set(greedy.map(({ site }) => keptIndex.get(site) ?? dominatorOf(inst, site)).filter((i) => i >= 0))];
	let run: { status: 'optimal' | 'time_limit' | 'infeasible'; colValue: ArrayLike<number> | null; objective: number; bound: number };
	let zCol: Int32Array | null = null;
	if (method === 'mclp' && !capacitated) {
		const priced = mclpByPricing(solver, inst, k, timeLimitS, integral ? 1 : 0, greedyKept);
		const colValue = new Float64Array(inst.kept.length);
		for (const i of priced.chosen) colValue[i] = 1;
		run = { status: priced.status, colValue, objective: NaN, bound: priced.bound };
	} else {
		const built = buildModel(inst, method, k, capacity);
		zCol = built.zCol;
		const start = capacitated ? undefined : lscpStart(built.data.numCols, greedyKept);
		run = runMip(solver, built.data, { timeLimitS, absGap, presolve: capacitated ? 'on' : 'off' }, start);
	}
	if (run.status === 'infeasible')
		return { ...base, status: 'infeasible', sites: [], householdsCovered: 0, bound: null, gap: null, greedy: null, solveMs: performance.now() - started };
	const x = run.colValue ? inst.kept.filter((_, i) => run.colValue![i] > 0.5) : [];
	const simple = simpleBound(inst, method, k, capacity);
	const bound = Number.isFinite(run.bound) ? Math[method === 'mclp' ? 'min' : 'max'](run.bound, simple) : simple;
	const optimal = run.status === 'optimal';
	let sites: OptimalSite[];
	let householdsCovered: number;
	if (!capacitated) {
		sites = orderSites(inst, x);
		householdsCovered = sites.reduce((s, p) => s + p.householdsGained, 0);
	} else if (run.colValue) {
		({ sites, householdsCovered } = servedSites(
			inst,
			x,
			Float64Array.from(run.colValue),
			zCol!,
			method === 'mclp' ? run.objective : inst.demandHouseholds - inst.uncoverableHouseholds
		));
	} else {
		sites = [];
		householdsCovered = 0;
	}
	const objective = method === 'mclp' ? householdsCovered : x.length;
	const gap = !run.colValue ? null : optimal ? 0 : Math.abs(objective - bound) / Math.max(1e-9, Math.abs(objective));
	return {
		...base,
		status: optimal ? 'optimal' : 'time_limit',
		sites,
		householdsCovered,
		bound,
		gap,
		greedy: compareGreedy(solver, inst, method, k, capacity, greedy, keptIndex, householdsCovered, x.length),
		solveMs: performance.now() - started
	};
}

/**
 * A bound that needs no search, for when time runs out before HiGHS has one. MCLP: the households
 * candidates reach at all, and the k largest covers (or capacities) summed; LSCP: one site.
 */
function simpleBound(inst: CoverageInstance, method: Method, k: number, capacity: Float64Array | null): number {
	if (method === 'lscp') return inst.groupWeight.length ? 1 : 0;
	const cover = new Float64Array(inst.kept.length);
	for (let g = 0; g < inst.groupWeight.length; g++)
		for (let q = inst.groupStart[g]; q < inst.groupStart[g + 1]; q++) cover[inst.groupCand[q]] += inst.groupWeight[g];
	if (capacity) for (let i = 0; i < cover.length; i++) cover[i] = Math.min(cover[i], capacity[i]);
	const topK = [...cover]
		.sort((a, b) => b - a)
		.slice(0, k)
		.reduce((a, b) => a + b, 0);
	return Math.min(inst.demandHouseholds - inst.uncoverableHouseholds, topK);
}

/** The greedy's cover as the LSCP's starting solution. */
function lscpStart(numCols: number, chosen: number[]): Float64Array {
	const col = new Float64Array(numCols);
	for (const i of chosen) col[i] = 1;
	return col;
}

/** A kept candidate reaching every group the (dropped) site reaches, −1 when none. */
function dominatorOf(inst: CoverageInstance, site: number): number {
	const groups = new Set<number>();
	for (let q = inst.reach.start[site]; q < inst.reach.start[site + 1]; q++)
		if (inst.groupOf[inst.reach.pos[q]] >= 0) groups.add(inst.groupOf[inst.reach.pos[q]]);
	if (groups.size === 0) return -1;
	let common: Set<number> | null = null;
	for (const g of groups) {
		const here = new Set<number>(inst.groupCand.subarray(inst.groupStart[g], inst.groupStart[g + 1]));
		common = common ? new Set([...common].filter((c: number) => here.has(c))) : here;
	}
	return common && common.size ? Math.min(...common) : -1;
}

/** Uncapacitated: the chosen sites in greedy order, each with what it adds. */
function orderSites(inst: CoverageInstance, chosen: number[]): OptimalSite[] {
	const start = new Int32Array(chosen.length + 1);
	const pos: number[] = [];
	chosen.forEach((s, i) => {
		for (let q = inst.reach.start[s]; q < inst.reach.start[s + 1]; q++) pos.push(inst.reach.pos[q]);
		start[i + 1] = pos.length;
	});
	const sub: SiteReach = { demand: inst.reach.demand, start, pos: Int32Array.from(pos) };
	const picks = greedyPicks(sub, inst.weights, chosen.length);
	const picked = new Set(picks.map((p) => p.site));
	const rest = chosen.map((_, i) => i).filter((i) => !picked.has(i)); // sites adding nothing households-wise
	return [...picks, ...rest.map((i) => ({ site: i, positions: [] as number[] }))].map(({ site, positions }) =>
		site_(
			inst,
			chosen[site],
			positions.reduce((h, j) => h + inst.weights[j], 0),
			positions.length
		)
	);
}

const site_ = (inst: CoverageInstance, s: number, householdsGained: number, buildingsGained: number): OptimalSite => ({
	candidate: s,
	lon: inst.sites[s].lon,
	lat: inst.sites[s].lat,
	...(inst.sites[s].id !== undefined ? { id: inst.sites[s].id } : {}),
	householdsGained,
	buildingsGained
});

/** Capacitated: the households each chosen site serves (from the assignment), largest first. */
function servedSites(inst: CoverageInstance, chosen: number[], colValue: Float64Array, zCol: Int32Array, total: number) {
	const keptIndex = new Map(inst.kept.map((s, i) => [s, i]));
	const size = new Int32Array(inst.groupWeight.length);
	for (const g of inst.groupOf) if (g >= 0) size[g]++;
	const sites = chosen.map((s) => {
		const i = keptIndex.get(s)!;
		let served = 0,
			buildings = 0;
		for (let q = 0; q < zCol.length; q++) {
			if (inst.groupCand[q] !== i || !(colValue[zCol[q]] > 1e-9)) continue;
			const g = findGroup(inst.groupStart, q);
			served += inst.groupWeight[g] * colValue[zCol[q]];
			buildings += size[g];
		}
		return site_(inst, s, Math.round(served * 1e6) / 1e6, buildings);
	});
	sites.sort((a, b) => b.householdsGained - a.householdsGained || a.candidate - b.candidate);
	return { sites, householdsCovered: Math.round(total * 1e6) / 1e6 };
}

/** The greedy on the same instance: households it misses (MCLP) or sites it needs beyond the optimum (LSCP). */
function compareGreedy(
	solver: Highs,
	inst: CoverageInstance,
	method: Method,
	k: number,
	capacity: Float64Array | null,
	greedy: { site: number; positions: number[] }[],
	keptIndex: Map<number, number>,
	householdsCovered: number,
	sites: number
): GreedyComparison | null {
	let covered = greedy.reduce((h, p) => h + p.positions.reduce((a, j) => a + inst.weights[j], 0), 0);
	if (method === 'lscp') {
		if (capacity) return null; // greedy ignores capacities: its cover need not be feasible
		return { sites: greedy.length, householdsCovered: covered, householdsShort: 0, shortPct: 0, extraSites: greedy.length - sites };
	}
	if (capacity) {
		// the greedy's sites valued under the capacities: the assignment with x fixed to its choice
		const fixed = new Uint8Array(inst.kept.length);
		for (const p of greedy) fixed[keptIndex.get(p.site)!] = 1;
		covered = Math.round(runMip(solver, buildModel(inst, 'mclp', k, capacity, fixed).data, { timeLimitS: 30, absGap: 1e-6 }).objective * 1e6) / 1e6;
	}
	const short = Math.max(0, householdsCovered - covered);
	return {
		sites: greedy.length,
		householdsCovered: covered,
		householdsShort: short,
		shortPct: householdsCovered > 0 ? (100 * short) / householdsCovered : 0,
		extraSites: 0
	};
}

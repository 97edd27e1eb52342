// Demand-weighted access on the server (docs/coverage.md#demand-weighted-access): E2SFCA for one capacity
// rule, decay and demand profile (geo/capacity profileAccess), run by a job worker off the request
// thread, kept per (data versions, rule, decay, profile) like the coverage it reads its buildings from;
// read per building (one community at a time), per H3 cell or per community, inside the reader's
// jurisdiction only.
import {
	ACCESS_H3_RESOLUTION,
	accessFigure,
	accessScore,
	buildingDemand,
	checkProfile,
	DECAY_KINDS,
	DecayError,
	decayFunction,
	PERSONS_PER_HOUSEHOLD,
	SLOW_SHARE,
	unitAccess,
	withScenarioAccess,
	type AccessProfile,
	type DecayKind,
	type H3Cells
} from '$geo/capacity';
import { GridAtlasError } from '$geo/errors';
import { SLOW_WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import type { Db } from '../db';
import type { Scope } from '../auth/scope';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import { getWalkGraph } from '../map/walk-network';
import { capacityOf } from './capacity';
import { getCoverage } from './compute';
import { loadFacilities } from './load';
import { DEFAULT_WALK_SPEED, getRule, ruleReachM, type CoverageRule } from './rules';
import type { CoverageState } from './types';
import type { ScenarioEdit } from '$geo/network/scenario';
import { ACCESS_LEVELS, type AccessAnswer, type AccessItem, type AccessLevel } from '../../coverage/access-types';

export type { AccessAnswer, AccessItem, AccessLevel };

export class AccessInputError extends GridAtlasError {
	constructor(code: 'unknown_rule' | 'not_capacity_rule' | 'bad_level' | 'bad_community', message: string) {
		super(message, { code, status: code === 'unknown_rule' ? 404 : 400 });
		this.name = 'AccessInputError';
	}
}

export interface AccessQuery {
	rule: string;
	/** default: the rule's own decay */
	decay?: string | null;
	/** default all */
	profile?: string | null;
	/** default community */
	level?: string | null;
	/** level building: the community whose buildings are listed (required) */
	community?: string | null;
}

interface Computed {
	access: Float64Array;
	weight: Float64Array;
	reachM: number;
	walked: boolean;
	noFacilities: boolean;
	noCapacity: boolean;
	/** the H3 cell of every building (one table per city's data versions) */
	cells: H3Cells;
	computedAt: string;
}

/** Results kept: a few (rule, decay, profile) at a time, dropped when the data versions move. */
const MAX_KEPT = 8;
const kept = new Map<string, Promise<Computed>>();
let cellsKept: { fingerprint: string; cells: H3Cells } | null = null;

/** A decay checked against its rule: the curve, and the rule's β when it is the rule's own curve. */
interface CheckedDecay {
	kind: DecayKind;
	beta: number | null;
}

/** What one access computation is of: a capacity rule, a decay of it, a demand profile. */
interface AccessAsk {
	rule: CoverageRule;
	decay: CheckedDecay;
	profile: AccessProfile;
}

function checkDecay(rule: CoverageRule, text: string | null | undefined): CheckedDecay {
	const kind = (text || rule.decay || 'none') as DecayKind;
	if (!DECAY_KINDS.includes(kind)) {
		throw new DecayError(
			`距离衰减须为 ${DECAY_KINDS.join('、')} 之一 / the decay must be one of ${DECAY_KINDS.join(', ')}, not "${String(text).slice(0, 40)}"`
		);
	}
	// The rule's β goes with the rule's curve; another curve takes its own default.
	const beta = kind === rule.decay ? rule.decayBeta : null;
	decayFunction({ kind, reachM: ruleReachM(rule), ...(beta !== null ? { beta } : {}) });
	return { kind, beta };
}

async function capacityRule(db: Db, id: string): Promise<CoverageRule> {
	if (!id) throw new AccessInputError('unknown_rule', '缺少规则编号 / rule is required');
	const rule = await getRule(db, id.slice(0, 100));
	if (!rule) throw new AccessInputError('unknown_rule', `未找到规则 ${id.slice(0, 40)} / no rule ${id.slice(0, 40)}`);
	if (rule.kind !== 'capacity' || !rule.category || !rule.capacityAttribute) {
		throw new AccessInputError('not_capacity_rule', `规则 ${rule.id} 不是千人指标（容量）规则 / rule ${rule.id} is not a capacity rule`);
	}
	return rule;
}

/** What the workers' access tasks read for a rule, decay and profile: the buildings, facilities, capacity, demand and network. */
async function accessInput(db: Db, state: CoverageState, { rule, decay, profile }: AccessAsk) {
	const { byCategory, facts } = await loadFacilities(db, [rule.category!]);
	const facilities = byCategory.get(rule.category!) ?? [];
	const capacity = Float64Array.from(facts.get(rule.category!) ?? [], (f) => capacityOf(f.attributes, rule.capacityAttribute!));
	const basis = rule.demandBasis ?? 'population';
	const demand = buildingDemand(state.buildings.households, state.population, basis, rule.personsPerHousehold ?? PERSONS_PER_HOUSEHOLD);
	const graph = rule.metric === 'walk' ? await getWalkGraph(db) : null;
	return {
		lon: state.buildings.lon,
		lat: state.buildings.lat,
		graph: graph && graph.edgeCount > 0 ? sharedGraph(graph) : null,
		reachM: ruleReachM(rule),
		speedMPerMin: rule.walkSpeedMPerMin ?? DEFAULT_WALK_SPEED,
		facilities,
		capacity,
		demand,
		decay: { kind: decay.kind, ...(decay.beta !== null ? { beta: decay.beta } : {}) },
		profile
	};
}

async function compute(db: Db, state: CoverageState, ask: AccessAsk): Promise<Computed> {
	const fp = state.report.fingerprint;
	const reuse = cellsKept?.fingerprint === fp ? cellsKept.cells : null;
	const input = await accessInput(db, state, ask);
	const { result } = await jobs().run('accessEvaluate', [{ ...input, metric: ask.rule.metric === 'walk' ? 'walk' : 'straight', cells: reuse === null }], {
		kind: 'coverage'
	});
	if (result.cells) cellsKept = { fingerprint: fp, cells: result.cells };
	const { facilities, capacity } = input;
	return {
		cells: result.cells ?? reuse!,
		access: result.access,
		weight: result.weight,
		reachM: result.reachM,
		walked: result.walked,
		noFacilities: facilities.length === 0,
		noCapacity: facilities.length > 0 && !capacity.some((c) => Number.isFinite(c)),
		computedAt: new Date().toISOString()
	};
}

/**
 * Today's access with a network scenario's edits: only the buildings whose access can move are
 * recomputed, from today's, in a job worker (geo/capacity/scenario-access: local and exact).
 */
async function scenarioCompute(db: Db, state: CoverageState, ask: AccessAsk, edits: ScenarioEdit[], today: Computed): Promise<Computed> {
	if (!today.walked || edits.length === 0) return today;
	const input = await accessInput(db, state, ask);
	const graph = input.graph;
	if (!graph) return today;
	const { result } = await jobs().run('scenarioAccessEvaluate', [{ ...input, graph, edits, access: today.access }], { kind: 'coverage' });
	return { ...today, access: withScenarioAccess(today.access, result), computedAt: new Date().toISOString() };
}

/** The access of a rule, decay and profile on today's network: computed once per data versions. */
function computed(db: Db, state: CoverageState, ask: AccessAsk): Promise<Computed> {
	const key = `${state.report.fingerprint}|${ask.rule.id}|${ask.decay.kind}|${ask.decay.beta}|${ask.profile}`;
	let pending = kept.get(key);
	if (!pending) {
		for (const k of kept.keys()) if (!k.startsWith(`${state.report.fingerprint}|`) || kept.size >= MAX_KEPT) kept.delete(k);
		pending = compute(db, state, ask);
		kept.set(key, pending);
		pending.catch(() => kept.get(key) === pending && kept.delete(key));
	}
	return pending;
}

/**
 * Per community, the score of a capacity rule's access (its own decay, all residents; accessScore: 1 =
 * the standard met) — today, and with a network scenario's edits. Null where a community has no known
 * demand. For the scenario's comparison (src/lib/server/scenarios).
 */
export async function communityAccessScores(
	db: Db,
	state: CoverageState,
	rule: CoverageRule,
	edits: ScenarioEdit[]
): Promise<{ before: (number | null)[]; after: (number | null)[]; walked: boolean }> {
	const ask: AccessAsk = { rule, decay: checkDecay(rule, null), profile: 'all' };
	const today = await computed(db, state, ask);
	const edited = await scenarioCompute(db, state, ask, edits, today);
	const spec = { demandPer: rule.demandPer ?? 1000, capacityPer: rule.capacityPer ?? 0 };
	const units = state.report.communities.length;
	const scores = (c: Computed) =>
		Array.from(unitAccess(c.access, c.weight, state.buildingCommunity, units).mean, (m) => (m === null || !Number.isFinite(m) ? null : accessScore(m, spec)));
	return { before: scores(today), after: scores(edited), walked: edited.walked };
}

/** Per building: 1 when it lies inside the scope (its community, or its grid for a grid's reader). */
function scopeMask(state: CoverageState, scope: Scope): Uint8Array | null {
	if (!scope) return null;
	const inside = (code: string | undefined) => !!code && scope.some((u) => code.startsWith(u));
	const communities = state.report.communities.map((c) => scope.some((u) => u.length <= c.code.length && c.code.startsWith(u)));
	const grids = state.gridCodes.map((g) => inside(g));
	const mask = new Uint8Array(state.buildings.lon.length);
	for (let i = 0; i < mask.length; i++) {
		const c = state.buildingCommunity[i];
		const g = state.buildingGrid[i];
		mask[i] = (c >= 0 && communities[c]) || (g >= 0 && grids[g]) ? 1 : 0;
	}
	return mask;
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The access answer for one rule, decay, profile and level, narrowed to the reader's scope (null: the whole city). */
export async function accessAnswer(db: Db, q: AccessQuery, scope: Scope): Promise<AccessAnswer> {
	const level = (q.level || 'community') as AccessLevel;
	if (!ACCESS_LEVELS.includes(level)) {
		throw new AccessInputError(
			'bad_level',
			`层级须为 building、h3 或 community / level must be building, h3 or community, not "${String(q.level).slice(0, 40)}"`
		);
	}
	if (level === 'building' && !q.community) {
		throw new AccessInputError('bad_community', '按楼栋查看须指定社区（community）/ level building needs a community');
	}
	const rule = await capacityRule(db, q.rule);
	const decay = checkDecay(rule, q.decay);
	const profile = checkProfile(q.profile || 'all');
	const state = await getCoverage(db);
	const done = await computed(db, state, { rule, decay, profile });
	const spec = { demandPer: rule.demandPer ?? 1000, capacityPer: rule.capacityPer ?? 0 };
	const mask = scopeMask(state, scope);
	const inScope = (i: number) => !mask || mask[i] === 1;
	const item = (id: string, mean: number | null, demand: number, buildings: number, extra: Partial<AccessItem> = {}): AccessItem => ({
		id,
		...extra,
		access: mean === null ? null : r4(accessFigure(mean, spec)),
		score:
			mean === null
				? null
				: (() => {
						const s = accessScore(mean, spec);
						return s === null ? null : r4(s);
					})(),
		demand: r4(demand),
		buildings
	});
	let items: AccessItem[] = [];
	if (level === 'community') {
		const unitOf = state.buildingCommunity.map((c, i) => (inScope(i) ? c : -1));
		const u = unitAccess(done.access, done.weight, unitOf, state.report.communities.length);
		state.report.communities.forEach((c, ci) => {
			if (scope && !scope.some((s) => c.code.startsWith(s))) return;
			if (u.buildings[ci] === 0) return;
			items.push(item(c.code, u.mean[ci], u.demand[ci], u.buildings[ci], { name: c.name }));
		});
	} else if (level === 'h3') {
		const cells = done.cells;
		const unitOf = cells.cellOf.map((c, i) => (inScope(i) ? c : -1));
		const u = unitAccess(done.access, done.weight, unitOf, cells.cells.length);
		cells.cells.forEach((h, k) => {
			if (u.buildings[k] > 0) items.push(item(h, u.mean[k], u.demand[k], u.buildings[k]));
		});
	} else {
		const ci = state.report.communities.findIndex((c) => c.code === q.community);
		if (ci < 0) throw new AccessInputError('bad_community', `未找到社区 ${q.community} / no community ${q.community}`);
		for (let i = 0; i < state.buildings.lon.length; i++) {
			if (state.buildingCommunity[i] !== ci || !inScope(i)) continue;
			const w = done.weight[i];
			items.push(
				item(state.buildings.ids[i], Number.isFinite(w) ? done.access[i] : null, Number.isFinite(w) ? w : 0, 1, {
					lon: r4(state.buildings.lon[i] * 1e3) / 1e3,
					lat: r4(state.buildings.lat[i] * 1e3) / 1e3
				})
			);
		}
	}
	items = items.sort((a, b) => a.id.localeCompare(b.id));
	return {
		rule: {
			id: rule.id,
			nameZh: rule.nameZh,
			nameEn: rule.nameEn,
			category: rule.category!,
			capacityPer: spec.capacityPer,
			demandPer: spec.demandPer,
			demandBasis: rule.demandBasis ?? 'population',
			capacityUnitZh: rule.capacityUnitZh ?? '',
			capacityUnitEn: rule.capacityUnitEn ?? ''
		},
		decay,
		profile,
		level,
		reachM: Math.round(done.reachM),
		speedMPerMin: profile === 'slow' ? SLOW_WALK_SPEED_M_PER_MIN : (rule.walkSpeedMPerMin ?? DEFAULT_WALK_SPEED),
		slowShare: profile === 'slow' ? SLOW_SHARE : null,
		walked: done.walked,
		resolution: ACCESS_H3_RESOLUTION,
		noFacilities: done.noFacilities,
		noCapacity: done.noCapacity,
		max: items.reduce((m, it) => Math.max(m, it.access ?? 0), 0),
		items,
		computedAt: done.computedAt
	};
}

// The coverage-rule catalogue (table coverage_rules): list, validate, create, update, delete.
// Every rule a user sends is checked here first, so a refused rule names the field, the rule and
// what to do, in Chinese and English; the table's CHECK constraints are the second line.
import { GridAtlasError } from '$geo/errors';
import type { Queryable } from '../db';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import type { CapacityAttribute, CoverageRule, Decay, DemandBasis, RuleKind, RuleLevel, RuleMetric, RuleStatus } from '../../coverage/types';

export type { CapacityAttribute, CoverageRule, Decay, DemandBasis, RuleKind, RuleLevel, RuleMetric, RuleStatus };

export const RULE_LEVELS = ['5min', '10min', '15min', 'community', 'block', 'subdistrict'] as const satisfies readonly RuleLevel[];
export const RULE_METRICS = ['straight', 'walk'] as const satisfies readonly RuleMetric[];
/** V verified, S secondary, R recalled, P local policy, D draft (a figure still to be checked). */
export const RULE_STATUSES = ['V', 'S', 'R', 'P', 'D'] as const satisfies readonly RuleStatus[];
export const RULE_KINDS = ['distance', 'service_space', 'capacity'] as const satisfies readonly RuleKind[];
/** Facility attributes a capacity rule weighs (facilities.attributes, docs/import.md). */
export const CAPACITY_ATTRIBUTES = ['seats', 'beds', 'floor_area_m2'] as const satisfies readonly CapacityAttribute[];
export const DEMAND_BASES = ['population', 'households'] as const satisfies readonly DemandBasis[];
/** Distance decays of a capacity rule's allocation (geo/capacity/decay.ts; 'none': plain two-step catchment). */
export const DECAYS = ['none', 'linear', 'exponential', 'gaussian', 'gravity'] as const satisfies readonly Decay[];
/** Longest radius a rule may ask for: beyond 5 km nothing is "within walking reach" of a community. */
export const MAX_RULE_DISTANCE_M = 5000;
/** A rule in minutes without its own speed walks at the one default (geo/network/speed.ts names its source). */
export const DEFAULT_WALK_SPEED = WALK_SPEED_M_PER_MIN;

/** The distance a distance rule allows: metres, or minutes × walking speed. */
export function ruleReachM(rule: Pick<CoverageRule, 'maxDistanceM' | 'maxMinutes' | 'walkSpeedMPerMin'>): number {
	if (rule.maxDistanceM !== null) return rule.maxDistanceM;
	return (rule.maxMinutes ?? 0) * (rule.walkSpeedMPerMin ?? DEFAULT_WALK_SPEED);
}

export interface RuleFieldError {
	field: string;
	zh: string;
	en: string;
}

export class RuleValidationError extends GridAtlasError {
	constructor(
		readonly ruleId: string,
		readonly errors: RuleFieldError[]
	) {
		super(`规则 ${ruleId || '(新规则)'} 无效 / rule ${ruleId || '(new)'} is invalid: ${errors.map((e) => `${e.zh} / ${e.en}`).join('; ')}`, {
			code: 'invalid_rule',
			details: { rule: ruleId, errors }
		});
	}
}

export class RuleNotFoundError extends GridAtlasError {
	constructor(readonly ruleId: string) {
		super(`未找到规则 ${ruleId} / no rule with id ${ruleId}`, { code: 'unknown_rule', status: 404 });
	}
}

export class RuleExistsError extends GridAtlasError {
	constructor(readonly ruleId: string) {
		super(`规则编号 ${ruleId} 已存在，请换一个编号或修改原规则 / rule id ${ruleId} already exists: choose another id or edit that rule`, {
			code: 'rule_exists',
			status: 409
		});
	}
}

const SELECT = `SELECT id, kind, category_code AS category, name_zh AS "nameZh", name_en AS "nameEn", level, metric,
	max_distance_m AS "maxDistanceM", max_minutes AS "maxMinutes", walk_speed_m_per_min AS "walkSpeedMPerMin",
	required_share * 100 AS "requiredSharePct", space_per_100_households_m2 AS "spacePer100HouseholdsM2",
	space_tiers_m2 AS "spaceTiersM2", capacity_attribute AS "capacityAttribute", demand_basis AS "demandBasis",
	demand_per AS "demandPer", capacity_per AS "capacityPer", capacity_unit_zh AS "capacityUnitZh", capacity_unit_en AS "capacityUnitEn",
	persons_per_household AS "personsPerHousehold", decay, decay_beta AS "decayBeta", source, status, note, enabled, updated_at::text AS "updatedAt"
	FROM coverage_rules`;

function normalise(row: CoverageRule): CoverageRule {
	// Percent stored as a fraction: round away float noise (0.85 × 100 = 85.00000000000001).
	return { ...row, requiredSharePct: Math.round(Number(row.requiredSharePct) * 1e6) / 1e6 };
}

const LEVEL_ORDER = `array_position(ARRAY['5min','10min','15min','block','community','subdistrict'], level)`;

export async function listRules(q: Queryable, opts: { enabledOnly?: boolean } = {}): Promise<CoverageRule[]> {
	const rows = await q.query<CoverageRule>(
		`${SELECT} ${opts.enabledOnly ? 'WHERE enabled' : ''} ORDER BY ${LEVEL_ORDER}, coalesce(max_distance_m, max_minutes * coalesce(walk_speed_m_per_min, ${DEFAULT_WALK_SPEED})), id`
	);
	return rows.map(normalise);
}

export async function getRule(q: Queryable, id: string): Promise<CoverageRule | null> {
	const [row] = await q.query<CoverageRule>(`${SELECT} WHERE id = $1`, [id]);
	return row ? normalise(row) : null;
}

export type RuleInput = Partial<Omit<CoverageRule, 'updatedAt'>>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Checks a whole rule (after merging an update onto the stored rule) and returns it cleaned;
 * throws RuleValidationError listing every problem at once.
 */
export function validateRule(input: RuleInput, categories: ReadonlySet<string>): Omit<CoverageRule, 'updatedAt'> {
	const errors: RuleFieldError[] = [];
	const err = (field: string, zh: string, en: string) => errors.push({ field, zh, en });
	const id = typeof input.id === 'string' ? input.id.trim() : '';
	if (!/^[a-z0-9_]{1,64}$/.test(id)) err('id', '编号只能含小写字母、数字和下划线（1–64 位）', 'id: lower-case letters, digits and _ only (1–64 characters)');
	const kind = input.kind ?? 'distance';
	if (!RULE_KINDS.includes(kind)) err('kind', `类型须为 ${RULE_KINDS.join('、')}`, `kind must be one of ${RULE_KINDS.join(', ')}`);
	if (!isText(input.nameZh)) err('nameZh', '请填写中文名称', 'the Chinese name is required');
	if (!isText(input.nameEn)) err('nameEn', '请填写英文名称', 'the English name is required');
	const level = input.level;
	if (!level || !RULE_LEVELS.includes(level)) err('level', `层级须为 ${RULE_LEVELS.join('、')}`, `level must be one of ${RULE_LEVELS.join(', ')}`);
	if (!isText(input.source)) err('source', '请注明依据（标准或政策名称）', 'the source (standard or policy) is required');
	const status = input.status;
	if (!status || !RULE_STATUSES.includes(status)) err('status', '状态标记须为 V、S、R、P 或 D（草案）', 'status must be V, S, R, P or D (draft)');
	const share = input.requiredSharePct ?? 100;
	if (!isNum(share) || share <= 0 || share > 100) {
		err('requiredSharePct', `覆盖户数比例须在 0–100% 之间（收到 ${String(share)}）`, `required share must be within 0–100% (got ${String(share)})`);
	}
	const out: Omit<CoverageRule, 'updatedAt'> = {
		id,
		kind,
		category: null,
		nameZh: String(input.nameZh ?? '').trim(),
		nameEn: String(input.nameEn ?? '').trim(),
		level: level as CoverageRule['level'],
		metric: null,
		maxDistanceM: null,
		maxMinutes: null,
		walkSpeedMPerMin: null,
		requiredSharePct: share as number,
		spacePer100HouseholdsM2: null,
		spaceTiersM2: null,
		capacityAttribute: null,
		demandBasis: null,
		demandPer: null,
		capacityPer: null,
		capacityUnitZh: null,
		capacityUnitEn: null,
		personsPerHousehold: null,
		decay: 'none',
		decayBeta: null,
		source: String(input.source ?? '').trim(),
		status: status as CoverageRule['status'],
		note: isText(input.note) ? input.note.trim() : null,
		enabled: input.enabled ?? true
	};
	if (kind === 'distance' || kind === 'capacity') {
		const category = input.category ?? null;
		if (!isText(category)) err('category', '请选择设施类别', 'a facility category is required');
		else if (!categories.has(category))
			err('category', `未知的设施类别“${category}”，请先在设施类别中添加`, `unknown facility category "${category}": add it to the categories first`);
		out.category = category;
		const metric = input.metric ?? 'straight';
		if (!RULE_METRICS.includes(metric)) err('metric', '度量须为直线距离（straight）或步行距离（walk）', 'metric must be straight or walk');
		out.metric = metric;
		const d = input.maxDistanceM ?? null;
		const minutes = input.maxMinutes ?? null;
		if (d === null && minutes === null) err('maxDistanceM', '请填写最大距离（米）或步行分钟数', 'give a maximum distance (m) or walking minutes');
		if (d !== null && minutes !== null) err('maxMinutes', '最大距离与步行分钟数只能填一项', 'give a distance or minutes, not both');
		if (d !== null) {
			if (!isNum(d) || d <= 0) err('maxDistanceM', `最大距离须为正数（收到 ${String(d)}）`, `maximum distance must be positive (got ${String(d)})`);
			else if (d > MAX_RULE_DISTANCE_M)
				err('maxDistanceM', `最大距离不能超过 ${MAX_RULE_DISTANCE_M} 米`, `maximum distance may not exceed ${MAX_RULE_DISTANCE_M} m`);
			out.maxDistanceM = d;
		}
		if (minutes !== null) {
			if (!isNum(minutes) || minutes <= 0)
				err('maxMinutes', `步行分钟数须为正数（收到 ${String(minutes)}）`, `minutes must be positive (got ${String(minutes)})`);
			const speed = input.walkSpeedMPerMin ?? DEFAULT_WALK_SPEED;
			if (!isNum(speed) || speed <= 0 || speed > 200) err('walkSpeedMPerMin', '步行速度须在 0–200 米/分钟之间', 'walking speed must be within 0–200 m/min');
			else if (isNum(minutes) && minutes * speed > MAX_RULE_DISTANCE_M)
				err('maxMinutes', `分钟数 × 步速不能超过 ${MAX_RULE_DISTANCE_M} 米`, `minutes × speed may not exceed ${MAX_RULE_DISTANCE_M} m`);
			out.maxMinutes = minutes;
			out.walkSpeedMPerMin = speed;
		}
		if (kind === 'capacity') validateCapacity(input, out, err);
	} else {
		const per100 = input.spacePer100HouseholdsM2 ?? null;
		if (!isNum(per100) || per100 <= 0) err('spacePer100HouseholdsM2', '每百户面积须为正数', 'area per 100 households must be positive');
		out.spacePer100HouseholdsM2 = per100;
		const tiers = input.spaceTiersM2 ?? null;
		if (tiers !== null && (!Array.isArray(tiers) || tiers.some((t) => !isNum(t?.m2) || t.m2 <= 0))) {
			err('spaceTiersM2', '面积分级须为正数列表', 'space tiers must be a list of positive areas');
		}
		out.spaceTiersM2 = tiers;
	}
	if (errors.length) throw new RuleValidationError(id, errors);
	return out;
}

/** The fields of a capacity rule (its category and reach are checked as a distance rule's). */
function validateCapacity(input: RuleInput, out: Omit<CoverageRule, 'updatedAt'>, err: (field: string, zh: string, en: string) => void) {
	const attribute = input.capacityAttribute ?? null;
	if (!attribute || !CAPACITY_ATTRIBUTES.includes(attribute))
		err('capacityAttribute', `容量字段须为 ${CAPACITY_ATTRIBUTES.join('、')}`, `the capacity field must be one of ${CAPACITY_ATTRIBUTES.join(', ')}`);
	out.capacityAttribute = attribute;
	const basis = input.demandBasis ?? 'population';
	if (!DEMAND_BASES.includes(basis))
		err('demandBasis', '需求依据须为人口（population）或户数（households）', 'the demand basis must be population or households');
	out.demandBasis = basis;
	const per = input.demandPer ?? (basis === 'households' ? 100 : 1000);
	if (!isNum(per) || per <= 0 || per > 1e6)
		err('demandPer', '“每多少人/户”须为 0–1,000,000 之间的正数', 'per how many residents or households must be a positive number up to 1,000,000');
	out.demandPer = per;
	const value = input.capacityPer ?? null;
	if (!isNum(value) || value <= 0 || value > 1e6)
		err('capacityPer', `指标值须为正数（收到 ${String(value)}）`, `the indicator value must be positive (got ${String(value)})`);
	out.capacityPer = value;
	if (!isText(input.capacityUnitZh)) err('capacityUnitZh', '请填写容量单位（中文，如 托位）', 'the unit (Chinese, e.g. 托位) is required');
	if (!isText(input.capacityUnitEn)) err('capacityUnitEn', '请填写容量单位（英文，如 places）', 'the unit (English, e.g. places) is required');
	out.capacityUnitZh = isText(input.capacityUnitZh) ? input.capacityUnitZh.trim().slice(0, 20) : null;
	out.capacityUnitEn = isText(input.capacityUnitEn) ? input.capacityUnitEn.trim().slice(0, 40) : null;
	const pph = input.personsPerHousehold ?? null;
	if (pph !== null && (!isNum(pph) || pph <= 0 || pph > 20)) err('personsPerHousehold', '户均人口须在 0–20 之间', 'persons per household must be within 0–20');
	out.personsPerHousehold = pph;
	const decay = input.decay ?? 'none';
	if (!DECAYS.includes(decay)) err('decay', `距离衰减须为 ${DECAYS.join('、')}`, `the distance decay must be one of ${DECAYS.join(', ')}`);
	out.decay = decay;
	const beta = input.decayBeta ?? null;
	if (beta !== null && (!isNum(beta) || beta <= 0 || beta > 50)) err('decayBeta', '衰减参数 β 须在 0–50 之间', 'the decay parameter β must be within 0–50');
	out.decayBeta = beta;
}

async function categorySet(q: Queryable): Promise<Set<string>> {
	const rows = await q.query<{ code: string }>('SELECT code FROM facility_categories');
	return new Set(rows.map((r) => r.code));
}

function params(r: Omit<CoverageRule, 'updatedAt'>): unknown[] {
	return [
		r.id,
		r.kind,
		r.category,
		r.nameZh,
		r.nameEn,
		r.level,
		r.metric,
		r.maxDistanceM,
		r.maxMinutes,
		r.walkSpeedMPerMin,
		r.requiredSharePct / 100,
		r.spacePer100HouseholdsM2,
		r.spaceTiersM2 === null ? null : JSON.stringify(r.spaceTiersM2),
		r.source,
		r.status,
		r.note,
		r.enabled,
		r.capacityAttribute,
		r.demandBasis,
		r.demandPer,
		r.capacityPer,
		r.capacityUnitZh,
		r.capacityUnitEn,
		r.personsPerHousehold,
		r.decay,
		r.decayBeta
	];
}

export async function createRule(q: Queryable, input: RuleInput): Promise<CoverageRule> {
	const rule = validateRule(input, await categorySet(q));
	if (await getRule(q, rule.id)) throw new RuleExistsError(rule.id);
	await q.query(
		`INSERT INTO coverage_rules (id, kind, category_code, name_zh, name_en, level, metric, max_distance_m, max_minutes,
			walk_speed_m_per_min, required_share, space_per_100_households_m2, space_tiers_m2, source, status, note, enabled,
			capacity_attribute, demand_basis, demand_per, capacity_per, capacity_unit_zh, capacity_unit_en, persons_per_household, decay, decay_beta)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
		params(rule)
	);
	return (await getRule(q, rule.id))!;
}

/** A partial update merged onto the stored rule; the id cannot change. */
export async function updateRule(q: Queryable, id: string, patch: RuleInput): Promise<CoverageRule> {
	const current = await getRule(q, id);
	if (!current) throw new RuleNotFoundError(id);
	const merged: RuleInput = { ...current, ...patch, id };
	// Switching between metres and minutes: the one sent replaces the other.
	if (patch.maxDistanceM !== undefined && patch.maxDistanceM !== null && patch.maxMinutes === undefined) merged.maxMinutes = null;
	if (patch.maxMinutes !== undefined && patch.maxMinutes !== null && patch.maxDistanceM === undefined) merged.maxDistanceM = null;
	const rule = validateRule(merged, await categorySet(q));
	await q.query(
		`UPDATE coverage_rules SET kind = $2, category_code = $3, name_zh = $4, name_en = $5, level = $6, metric = $7,
			max_distance_m = $8, max_minutes = $9, walk_speed_m_per_min = $10, required_share = $11,
			space_per_100_households_m2 = $12, space_tiers_m2 = $13::jsonb, source = $14, status = $15, note = $16,
			enabled = $17, capacity_attribute = $18, demand_basis = $19, demand_per = $20, capacity_per = $21,
			capacity_unit_zh = $22, capacity_unit_en = $23, persons_per_household = $24, decay = $25, decay_beta = $26, updated_at = now()
		 WHERE id = $1`,
		params(rule)
	);
	return (await getRule(q, id))!;
}

export async function deleteRule(q: Queryable, id: string): Promise<void> {
	const rows = await q.query('DELETE FROM coverage_rules WHERE id = $1 RETURNING id', [id]);
	if (rows.length === 0) throw new RuleNotFoundError(id);
}

// KPI scorecards of case operations (数字城管 evaluation): the standard indicators from per-unit
// counts, each with its numerator and denominator, a score from a configurable scheme (points per
// indicator, a target and a deduction per percentage point short of it, or per case), a rank, and
// the change against the previous period. Pure: the counts come from src/lib/server/cases/scorecard.ts.
import { GridAtlasError } from '../errors';

/** Counts of one unit (grid, community, subdistrict, department or worker) for a period. */
export interface ScoreCounts {
	/** 立案数: cases registered in the period (the period's cohort; voided ones included). */
	registered: number;
	/** 及时立案数: registered within the registration limit. */
	registeredOnTime: number;
	/** 派遣数 / 及时派遣数. */
	dispatched: number;
	dispatchedOnTime: number;
	/** 应结案数: cohort cases, not voided, closed or past their handling deadline at the time of evaluation. */
	due: number;
	/** 结案数: of those, closed. */
	closed: number;
	/** 按期结案数: closed, not postponed, handled by the handling deadline. */
	closedOnTime: number;
	/** 缓办数: due cases with an approved postponement. */
	postponed: number;
	/** 处置数: cases reported handled at least once; 返工数: of those, sent back by verification at least once. */
	handled: number;
	reworked: number;
	/** Cases sent back by verification three times or more. */
	reworked3: number;
	/** 超期案件数: not voided, handled after the deadline or still unhandled past it, or a stage open past its due time. */
	overdue: number;
	/** 作废数. */
	voided: number;
	/** 紧急案件 (urgent cases, `case_ops.urgent`): registered (voided ones included), and the figures above of those only —
	 * 紧急应结案数, 紧急结案数, 紧急按期结案数, 紧急缓办数, 紧急案件超期数 — with the same definitions. */
	urgentRegistered: number;
	urgentDue: number;
	urgentClosed: number;
	urgentClosedOnTime: number;
	urgentPostponed: number;
	urgentOverdue: number;
}

export const EMPTY_COUNTS: ScoreCounts = {
	registered: 0,
	registeredOnTime: 0,
	dispatched: 0,
	dispatchedOnTime: 0,
	due: 0,
	closed: 0,
	closedOnTime: 0,
	postponed: 0,
	handled: 0,
	reworked: 0,
	reworked3: 0,
	overdue: 0,
	voided: 0,
	urgentRegistered: 0,
	urgentDue: 0,
	urgentClosed: 0,
	urgentClosedOnTime: 0,
	urgentPostponed: 0,
	urgentOverdue: 0
};

export const RATE_KEYS = [
	'onTimeClosureRate',
	'closureRate',
	'reworkRate',
	'timelyRegistrationRate',
	'timelyDispatchRate',
	'urgentOnTimeClosureRate',
	'urgentClosureRate'
] as const;
export type RateKey = (typeof RATE_KEYS)[number];
export const COUNT_KEYS = ['overdue', 'reworked', 'reworked3', 'urgentOverdue'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

export interface Rate {
	/** num ÷ den, or null when den is 0 (shown as "—", with the 0 denominator beside it). */
	value: number | null;
	num: number;
	den: number;
}

/** How each rate is made (the page and the CSV show these, so no figure stands without its denominator). */
export const RATE_DEFINITIONS: Record<
	RateKey,
	{ zh: string; en: string; num: keyof ScoreCounts; den: (c: ScoreCounts) => number; denZh: string; denEn: string }
> = {
	onTimeClosureRate: {
		zh: '按期结案率',
		en: 'On-time closure rate',
		num: 'closedOnTime',
		den: (c) => c.due - c.postponed,
		denZh: '应结案数 − 缓办数',
		denEn: 'due − postponed'
	},
	closureRate: { zh: '结案率', en: 'Closure rate', num: 'closed', den: (c) => c.due, denZh: '应结案数', denEn: 'due' },
	reworkRate: { zh: '返工率', en: 'Rework rate', num: 'reworked', den: (c) => c.handled, denZh: '处置数', denEn: 'handled' },
	timelyRegistrationRate: {
		zh: '及时立案率',
		en: 'Timely registration rate',
		num: 'registeredOnTime',
		den: (c) => c.registered,
		denZh: '立案数',
		denEn: 'registered'
	},
	timelyDispatchRate: { zh: '及时派遣率', en: 'Timely dispatch rate', num: 'dispatchedOnTime', den: (c) => c.dispatched, denZh: '派遣数', denEn: 'dispatched' },
	urgentOnTimeClosureRate: {
		zh: '紧急案件按期结案率',
		en: 'Urgent on-time closure rate',
		num: 'urgentClosedOnTime',
		den: (c) => c.urgentDue - c.urgentPostponed,
		denZh: '紧急应结案数 − 紧急缓办数',
		denEn: 'urgent due − urgent postponed'
	},
	urgentClosureRate: {
		zh: '紧急案件结案率',
		en: 'Urgent closure rate',
		num: 'urgentClosed',
		den: (c) => c.urgentDue,
		denZh: '紧急应结案数',
		denEn: 'urgent due'
	}
};

export function rates(c: ScoreCounts): Record<RateKey, Rate> {
	const out = {} as Record<RateKey, Rate>;
	for (const key of RATE_KEYS) {
		const d = RATE_DEFINITIONS[key];
		const num = c[d.num];
		const den = d.den(c);
		out[key] = { value: den > 0 ? num / den : null, num, den };
	}
	return out;
}

export interface SchemeItem {
	indicator: RateKey | CountKey;
	/** Points the item is worth. */
	points: number;
	/** Rates: the target share (0–1); below it `perPoint` points are deducted per percentage point.
	 * Without a target the item scores points × rate (or points × (1 − rate) for the rework rate). */
	target?: number;
	perPoint?: number;
	/** Counts: points deducted per case. */
	perCase?: number;
	/** `reworked`: points deducted instead per case sent back three times or more. */
	perCase3?: number;
}

export interface ScoreScheme {
	id: string;
	name_zh: string;
	name_en: string;
	/** Where the scheme comes from (a published city rule, or the city's own). */
	source: string;
	items: SchemeItem[];
	/** Units with fewer due cases get a score but no rank (too few cases to compare). */
	minDue: number;
}

export class SchemeError extends GridAtlasError {
	constructor(zh: string, en: string) {
		super(`${zh} / ${en}`, { code: 'bad_scorecard' });
		this.name = 'SchemeError';
	}
}

/** Checks a scheme read from the database or sent by an administrator. */
export function checkScheme(s: ScoreScheme): ScoreScheme {
	if (!Array.isArray(s.items) || !s.items.length) throw new SchemeError(`评分方案“${s.id}”没有评分项`, `scoring scheme "${s.id}" has no items`);
	for (const item of s.items) {
		const known = (RATE_KEYS as readonly string[]).includes(item.indicator) || (COUNT_KEYS as readonly string[]).includes(item.indicator);
		if (!known) throw new SchemeError(`评分方案“${s.id}”：未知指标“${item.indicator}”`, `scoring scheme "${s.id}": unknown indicator "${item.indicator}"`);
		const bad = [item.points, item.target ?? 0, item.perPoint ?? 0, item.perCase ?? 0, item.perCase3 ?? 0].some(
			(v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0
		);
		if (bad || (item.target ?? 0) > 1) {
			throw new SchemeError(
				`评分方案“${s.id}”：指标“${item.indicator}”的分值、目标（0–1）和扣分须为非负数`,
				`scoring scheme "${s.id}": points, target (0–1) and deductions of "${item.indicator}" must be non-negative numbers`
			);
		}
	}
	return s;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export interface ItemScore {
	indicator: SchemeItem['indicator'];
	points: number;
	score: number;
}

/** The score of one unit's counts under a scheme: each item's points less its deductions (never below 0). */
export function score(c: ScoreCounts, scheme: ScoreScheme): { score: number; max: number; items: ItemScore[] } {
	const r = rates(c);
	const items = scheme.items.map((item): ItemScore => {
		let s = item.points;
		if ((COUNT_KEYS as readonly string[]).includes(item.indicator)) {
			const n = c[item.indicator as CountKey];
			const thrice = item.indicator === 'reworked' && item.perCase3 !== undefined ? c.reworked3 : 0;
			s = item.points - (n - thrice) * (item.perCase ?? 0) - thrice * (item.perCase3 ?? 0);
		} else {
			const value = r[item.indicator as RateKey].value;
			// A rate with no denominator is not held against the unit (nothing was due).
			if (value !== null) {
				const good = item.indicator === 'reworkRate' ? 1 - value : value;
				if (item.target !== undefined) s = item.points - Math.max(0, (item.target - good) * 100) * (item.perPoint ?? 0);
				else s = item.points * good;
			}
		}
		return { indicator: item.indicator, points: item.points, score: round(Math.min(item.points, Math.max(0, s))) };
	});
	return { score: round(items.reduce((a, i) => a + i.score, 0)), max: items.reduce((a, i) => a + i.points, 0), items };
}

export interface ScoreRow {
	key: string;
	counts: ScoreCounts;
	rates: Record<RateKey, Rate>;
	score: number;
	max: number;
	items: ItemScore[];
	/** 1 = best; null when the unit has fewer due cases than the scheme's minimum. */
	rank: number | null;
	/** Against the previous period: rate changes (null where either period has no denominator) and the score's. */
	trend: { rates: Record<RateKey, number | null>; score: number | null; overdue: number | null } | null;
}

/**
 * Scores and ranks every unit (best score first; ties by on-time closure rate, then more due cases,
 * then key), with the trend against `previous` (the same units' counts in the previous period).
 */
export function scorecard(units: Map<string, ScoreCounts>, scheme: ScoreScheme, previous?: Map<string, ScoreCounts>): ScoreRow[] {
	const rows: ScoreRow[] = [...units].map(([key, counts]) => {
		const s = score(counts, scheme);
		const r = rates(counts);
		let trend: ScoreRow['trend'] = null;
		const before = previous?.get(key);
		if (previous) {
			const p = before ?? EMPTY_COUNTS;
			const pr = rates(p);
			const delta = {} as Record<RateKey, number | null>;
			for (const k of RATE_KEYS) delta[k] = r[k].value === null || pr[k].value === null ? null : round(r[k].value! - pr[k].value!, 4);
			trend = {
				rates: delta,
				score: before && before.due > 0 ? round(s.score - score(p, scheme).score) : null,
				overdue: before ? counts.overdue - p.overdue : null
			};
		}
		return { key, counts, rates: r, ...s, rank: null, trend };
	});
	const ranked = rows
		.filter((r) => r.counts.due >= Math.max(1, scheme.minDue))
		.sort(
			(a, b) =>
				b.score - a.score ||
				(b.rates.onTimeClosureRate.value ?? -1) - (a.rates.onTimeClosureRate.value ?? -1) ||
				b.counts.due - a.counts.due ||
				a.key.localeCompare(b.key)
		);
	ranked.forEach((r, i) => {
		// Equal scores and rates share a rank (1, 2, 2, 4).
		const prev = ranked[i - 1];
		r.rank = prev && prev.score === r.score && prev.rates.onTimeClosureRate.value === r.rates.onTimeClosureRate.value ? prev.rank : i + 1;
	});
	return rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.key.localeCompare(b.key));
}

/** Adds counts (e.g. a month's days, or units into their parent). */
export function addCounts(a: ScoreCounts, b: ScoreCounts): ScoreCounts {
	const out = { ...a };
	for (const k of Object.keys(out) as (keyof ScoreCounts)[]) out[k] += b[k];
	return out;
}

export type PeriodKind = 'day' | 'month' | 'range';

export interface Period {
	kind: PeriodKind;
	/** Beijing-time bounds as UTC instants, [from, to). */
	from: number;
	to: number;
	label: string;
}

const OFFSET = 8 * 3600_000;

/**
 * A period from its text: 'YYYY-MM-DD' (a Beijing day), 'YYYY-MM' (a month) or two days
 * `from`..`to` inclusive (a range); and the previous period of the same length (the previous
 * calendar month for a month).
 */
export function periodOf(spec: { day?: string | null; month?: string | null; from?: string | null; to?: string | null }): {
	current: Period;
	previous: Period;
} {
	const dayMs = (text: string, name: string) => {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
			throw new SchemeError(`${name} 应为日期 YYYY-MM-DD：${text.slice(0, 40)}`, `${name} must be a date YYYY-MM-DD: ${text.slice(0, 40)}`);
		}
		return Date.parse(`${text}T00:00:00Z`) - OFFSET;
	};
	const label = (from: number, to: number) => `${new Date(from + OFFSET).toISOString().slice(0, 10)}..${new Date(to - 1 + OFFSET).toISOString().slice(0, 10)}`;
	if (spec.month) {
		const m = /^(\d{4})-(\d{2})$/.exec(spec.month);
		if (!m || +m[2] < 1 || +m[2] > 12)
			throw new SchemeError(`month 应为 YYYY-MM：${spec.month.slice(0, 40)}`, `month must be YYYY-MM: ${spec.month.slice(0, 40)}`);
		const y = +m[1],
			mo = +m[2] - 1;
		const start = (yy: number, mm: number) => Date.UTC(yy, mm, 1) - OFFSET;
		const monthLabel = (ms: number) => new Date(ms + OFFSET).toISOString().slice(0, 7);
		return {
			current: { kind: 'month', from: start(y, mo), to: start(y, mo + 1), label: spec.month },
			previous: { kind: 'month', from: start(y, mo - 1), to: start(y, mo), label: monthLabel(start(y, mo - 1)) }
		};
	}
	if (spec.day) {
		const from = dayMs(spec.day, 'day');
		return {
			current: { kind: 'day', from, to: from + 86400_000, label: spec.day },
			previous: { kind: 'day', from: from - 86400_000, to: from, label: new Date(from - 86400_000 + OFFSET).toISOString().slice(0, 10) }
		};
	}
	if (spec.from && spec.to) {
		const from = dayMs(spec.from, 'from');
		const to = dayMs(spec.to, 'to') + 86400_000;
		if (to <= from) throw new SchemeError('结束日期须不早于开始日期', 'to must not be before from');
		if (to - from > 400 * 86400_000) throw new SchemeError('时间范围不能超过 400 天', 'the range may not exceed 400 days');
		return {
			current: { kind: 'range', from, to, label: label(from, to) },
			previous: { kind: 'range', from: 2 * from - to, to: from, label: label(2 * from - to, from) }
		};
	}
	throw new SchemeError('请给出 day=YYYY-MM-DD、month=YYYY-MM，或 from= 与 to=', 'give day=YYYY-MM-DD, month=YYYY-MM, or from= and to=');
}

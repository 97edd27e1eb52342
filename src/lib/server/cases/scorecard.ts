// KPI scorecards from the case operations: counts per unit (the period's cohort = cases registered
// in it; score-counts.ts, from the per-day rollup), then geo/cases/scorecard for rates, score, rank
// and trend. Every count is of the reader's jurisdiction only. Also the monthly report's CSV.
import type { Queryable } from '../db';
import type { Scope } from '../auth/scope';
import { csvDocument } from '../../csv';
import {
	checkScheme,
	EMPTY_COUNTS,
	addCounts,
	periodOf,
	rates,
	RATE_DEFINITIONS,
	RATE_KEYS,
	scorecard,
	SchemeError,
	type Period,
	type ScoreScheme
} from '$geo/cases/scorecard';
import { SCORE_LEVELS, type ScoreLevel, type Scorecard } from '../../cases/types';
import { scoreCounts, scoreCountsDirect } from './score-counts';

export { SchemeError, scoreCounts, scoreCountsDirect };

interface SchemeRow {
	id: string;
	name_zh: string;
	name_en: string;
	source: string;
	items: ScoreScheme['items'];
	min_due: number;
}

export async function listSchemes(q: Queryable): Promise<ScoreScheme[]> {
	const rows = await q.query<SchemeRow>('SELECT id, name_zh, name_en, source, items, min_due FROM case_score_schemes ORDER BY is_default DESC, id');
	return rows.map((r) => ({ id: r.id, name_zh: r.name_zh, name_en: r.name_en, source: r.source, items: r.items, minDue: r.min_due }));
}

/** Names of the units of a level ("community name + grid name" for grids: grid codes repeat their last digits). */
async function unitNames(q: Queryable, level: ScoreLevel, keys: string[]): Promise<Map<string, { name: string; name_en: string }>> {
	const sql: Record<ScoreLevel, string> = {
		grid: `SELECT g.code AS key, coalesce(m.name || ' ', '') || g.name AS name FROM grids g LEFT JOIN communities m ON m.code = g.community_code WHERE g.code = ANY($1::text[])`,
		community: 'SELECT code AS key, name FROM communities WHERE code = ANY($1::text[])',
		subdistrict: 'SELECT code AS key, name FROM subdistricts WHERE code = ANY($1::text[])',
		department: 'SELECT code AS key, name_zh AS name, name_en FROM case_departments WHERE code = ANY($1::text[])',
		worker: `SELECT username AS key, coalesce(nullif(display_name, ''), username) AS name FROM users WHERE username = ANY($1::text[])`
	};
	const rows = await q.query<{ key: string; name: string; name_en?: string }>(sql[level], [keys]);
	return new Map(rows.map((r) => [r.key, { name: r.name, name_en: r.name_en ?? r.name }]));
}

export interface ScorecardQuery {
	level: ScoreLevel;
	day?: string | null;
	month?: string | null;
	from?: string | null;
	to?: string | null;
	scheme?: string | null;
}

/** ?level=&day=|month=|from=&to=&scheme= from a URL, checked. */
export function scorecardQuery(params: URLSearchParams): ScorecardQuery {
	const level = params.get('level') ?? 'grid';
	if (!(SCORE_LEVELS as readonly string[]).includes(level)) {
		throw new SchemeError(`level 应为 ${SCORE_LEVELS.join('、')} 之一`, `level must be one of ${SCORE_LEVELS.join(', ')}`);
	}
	return {
		level: level as ScoreLevel,
		day: params.get('day'),
		month: params.get('month'),
		from: params.get('from'),
		to: params.get('to'),
		scheme: params.get('scheme')
	};
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The scorecard of every unit of a level for a period, with the previous period's trend. `direct`
 * counts from every case instead of the rollup (the same figures; the sla bench's comparison).
 */
export async function buildScorecard(q: Queryable, query: ScorecardQuery, scope: Scope, now = new Date(), opts: { direct?: boolean } = {}): Promise<Scorecard> {
	const spec = query.day || query.month || query.from || query.to ? query : { month: beijingMonth(now) };
	const { current, previous } = periodOf(spec);
	const schemes = await listSchemes(q);
	const scheme = query.scheme ? schemes.find((s) => s.id === query.scheme) : schemes[0];
	if (!scheme)
		throw new SchemeError(`评分方案“${query.scheme ?? ''}”不存在（case_score_schemes）`, `no scoring scheme "${query.scheme ?? ''}" (case_score_schemes)`);
	checkScheme(scheme);
	// Both periods are evaluated now: a case of the month closed since still counts as closed.
	const asOf = now;
	const count = opts.direct ? scoreCountsDirect : scoreCounts;
	const counts = await count(q, query.level, current, asOf, scope);
	const before = await count(q, query.level, previous, asOf, scope);
	const rows = scorecard(counts, scheme, before);
	const names = await unitNames(
		q,
		query.level,
		rows.map((r) => r.key)
	);
	const total = [...counts.values()].reduce(addCounts, EMPTY_COUNTS);
	const period = (p: Period) => ({ kind: p.kind, from: iso(p.from), to: iso(p.to), label: p.label });
	return {
		level: query.level,
		period: period(current),
		previous: period(previous),
		asOf: asOf.toISOString(),
		scheme: {
			id: scheme.id,
			name_zh: scheme.name_zh,
			name_en: scheme.name_en,
			source: scheme.source,
			max: scheme.items.reduce((a, i) => a + i.points, 0),
			minDue: scheme.minDue
		},
		total: { counts: total, rates: rates(total) },
		rows: rows.map((r) => ({ ...r, name: names.get(r.key)?.name ?? (r.key || '（未归属）'), name_en: names.get(r.key)?.name_en ?? (r.key || '(no unit)') })),
		scope
	};
}

function beijingMonth(now: Date): string {
	return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}

const pct = (v: number | null) => (v === null ? '' : Math.round(v * 10000) / 100);

/** The scorecard as CSV (formula-safe cells, BOM for Excel): one row per unit, each rate with its numerator and denominator. */
export function scorecardCsv(card: Scorecard): string {
	const rateHeads = RATE_KEYS.flatMap((k) => {
		const d = RATE_DEFINITIONS[k];
		return [`${d.zh} % / ${d.en} %`, `${d.zh}分子 / numerator`, `${d.zh}分母（${d.denZh}）/ denominator (${d.denEn})`];
	});
	const header = [
		'排名 / rank',
		'编码 / code',
		'名称 / name',
		'立案数 / registered',
		'应结案数 / due',
		'结案数 / closed',
		'按期结案数 / closed on time',
		'缓办数 / postponed',
		'返工数 / reworked',
		'超期案件数 / overdue',
		'作废数 / voided',
		'紧急立案数 / urgent registered',
		'紧急应结案数 / urgent due',
		'紧急结案数 / urgent closed',
		'紧急按期结案数 / urgent closed on time',
		'紧急缓办数 / urgent postponed',
		'紧急案件超期数 / urgent overdue',
		...rateHeads,
		`得分 / score (of ${card.scheme.max})`,
		'得分变化 / score change',
		'按期结案率变化 / on-time rate change (pp)'
	];
	const line = (r: Pick<Scorecard['rows'][number], 'counts' | 'rates'> & Partial<Scorecard['rows'][number]>) => [
		r.rank ?? '',
		r.key ?? '',
		r.name ?? '',
		r.counts.registered,
		r.counts.due,
		r.counts.closed,
		r.counts.closedOnTime,
		r.counts.postponed,
		r.counts.reworked,
		r.counts.overdue,
		r.counts.voided,
		r.counts.urgentRegistered,
		r.counts.urgentDue,
		r.counts.urgentClosed,
		r.counts.urgentClosedOnTime,
		r.counts.urgentPostponed,
		r.counts.urgentOverdue,
		...RATE_KEYS.flatMap((k) => [pct(r.rates[k].value), r.rates[k].num, r.rates[k].den]),
		r.score ?? '',
		r.trend?.score ?? '',
		r.trend?.rates.onTimeClosureRate == null ? '' : Math.round(r.trend.rates.onTimeClosureRate * 10000) / 100
	];
	const rows = card.rows.map((r) => line(r));
	rows.push(line({ ...card.total, key: '', name: `合计 / total ${card.period.label}`, name_en: '' }));
	return csvDocument(header, rows);
}

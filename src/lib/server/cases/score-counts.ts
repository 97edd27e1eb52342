// The scorecard's counts per unit: from the per-day and per-month rollup (migrations/019_case_score_days.sql,
// kept by triggers in every write's transaction) plus the open cases read exactly, or — the oracle the
// tests and the sla bench compare it with — directly from every case of the period.
import type { Queryable } from '../db';
import { caseScopeSql, type Scope } from '../auth/scope';
import { EMPTY_COUNTS, type ScoreCounts } from '$geo/cases/scorecard';
import type { ScoreLevel } from '../../cases/types';

export interface CountPeriod {
	from: number;
	to: number;
}

/** The grouping key of each level on cases (worker: each assigned worker of the case). */
const LEVEL_KEY: Record<ScoreLevel, string> = {
	grid: 'c.grid_code',
	community: 'c.community_code',
	subdistrict: 'c.subdistrict_code',
	department: 'o.department_code',
	worker: 'w.worker'
};

// $3 = the time of evaluation. `d.due`: 应结案 (see geo/cases/scorecard ScoreCounts).
const DUE_SQL = 'CROSS JOIN LATERAL (SELECT o.voided_at IS NULL AND (o.closed_at <= $3 OR o.handle_due_at <= $3) AS due) d';
const TIMED_SQL = `
	count(*) FILTER (WHERE d.due)::int AS due,
	count(*) FILTER (WHERE d.due AND o.closed_at <= $3)::int AS closed,
	count(*) FILTER (WHERE d.due AND o.closed_at <= $3 AND o.postponement IS DISTINCT FROM 'approved' AND o.handled_at <= o.handle_due_at)::int AS "closedOnTime",
	count(*) FILTER (WHERE d.due AND o.postponement = 'approved')::int AS postponed,
	count(*) FILTER (WHERE o.voided_at IS NULL AND (o.late OR coalesce(o.handled_at, $3) > o.handle_due_at
		OR (o.closed_at IS NULL AND o.stage_due_at < $3)))::int AS overdue`;

const COUNT_SQL = `
	count(*)::int AS registered,
	count(*) FILTER (WHERE o.registered_at <= o.register_due_at)::int AS "registeredOnTime",
	count(o.dispatched_at)::int AS dispatched,
	count(*) FILTER (WHERE o.dispatched_at <= o.dispatch_due_at)::int AS "dispatchedOnTime",
	count(o.handled_at)::int AS handled,
	count(*) FILTER (WHERE o.rework_count > 0)::int AS reworked,
	count(*) FILTER (WHERE o.rework_count >= 3)::int AS reworked3,
	count(o.voided_at)::int AS voided,${TIMED_SQL}`;

const workerJoin = (level: ScoreLevel) => (level === 'worker' ? 'CROSS JOIN LATERAL unnest(o.assignees) AS w(worker)' : '');

/** Counts per unit of `level` for cases registered in [from, to), evaluated at `asOf`, inside `scope`, read from every case. */
export async function scoreCountsDirect(q: Queryable, level: ScoreLevel, period: CountPeriod, asOf: Date, scope: Scope): Promise<Map<string, ScoreCounts>> {
	const params: unknown[] = [new Date(period.from), new Date(period.to), asOf];
	const where = caseScopeSql(scope, params, 'c.');
	const rows = await q.query<ScoreCounts & { key: string | null }>(
		`SELECT ${LEVEL_KEY[level]} AS key, ${COUNT_SQL}
		 FROM case_ops o JOIN cases c ON c.id = o.case_id ${workerJoin(level)} ${DUE_SQL}
		 WHERE o.registered_at >= $1 AND o.registered_at < $2${where}
		 GROUP BY 1`,
		params
	);
	return new Map(rows.map(({ key, ...counts }) => [key ?? '', { ...EMPTY_COUNTS, ...counts }]));
}

const DAY_MS = 86400_000;
const OFFSET = 8 * 3600_000;
const beijingDay = (ms: number) => new Date(ms + OFFSET).toISOString().slice(0, 10);

/**
 * Days [from, to) (YYYY-MM-DD, `to` exclusive) as the days before the first whole month, the whole
 * months (first days), and the days after them; with no whole month, all days lead.
 */
export function splitMonths(from: string, to: string): [lead: [string, string], months: [string, string], trail: [string, string]] {
	const first = from.endsWith('-01') ? from : nextMonth(from);
	const last = `${to.slice(0, 7)}-01`;
	if (first >= last)
		return [
			[from, to],
			[to, to],
			[to, to]
		];
	return [
		[from, first],
		[first, last],
		[last, to]
	];
}

function nextMonth(day: string): string {
	const y = Number(day.slice(0, 4));
	const m = Number(day.slice(5, 7));
	return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The rollup's key column of each level (worker rows are in case_score_worker_days and _months). */
const ROLLUP_KEY: Record<ScoreLevel, string> = {
	grid: 'r.grid_code',
	community: 'r.community_code',
	subdistrict: 'r.subdistrict_code',
	department: 'r.department_code',
	worker: 'r.worker'
};

interface RollupRow extends Omit<ScoreCounts, 'due' | 'closed' | 'closedOnTime' | 'postponed' | 'overdue'> {
	key: string | null;
	settled: number;
	settledOnTime: number;
	settledPostponed: number;
	settledOverdue: number;
}

type Settled = Pick<RollupRow, 'settled' | 'settledOnTime' | 'settledPostponed' | 'settledOverdue'>;
type Timed = Pick<ScoreCounts, 'due' | 'closed' | 'closedOnTime' | 'postponed' | 'overdue'>;

// What the rollup holds for a settled case (closed and handled, not voided): the migration's
// settled_* columns, the same conditions.
const SETTLED_SQL = `
	count(*) FILTER (WHERE s.settled)::int AS settled,
	count(*) FILTER (WHERE s.settled AND o.postponement IS DISTINCT FROM 'approved' AND o.handled_at <= o.handle_due_at)::int AS "settledOnTime",
	count(*) FILTER (WHERE s.settled AND o.postponement = 'approved')::int AS "settledPostponed",
	count(*) FILTER (WHERE s.settled AND (o.late OR o.handled_at > o.handle_due_at))::int AS "settledOverdue"`;

/**
 * Counts per unit of `level` for cases registered in [from, to), evaluated at `asOf`, inside `scope`:
 * the same figures as scoreCountsDirect. The rollup's month rows (whole months) and day rows (the
 * rest) give every figure that depends on the cases' state only, and the time-dependent ones (应结案,
 * 结案, 按期结案, 缓办, 超期) of settled cases; those of the cases still open — which change as
 * deadlines pass, with no write to roll up — and of any closed after `asOf` (evaluated as of a past
 * time) are read exactly from case_ops, the rollup's share of the latter taken back out. A period
 * not on Beijing day boundaries is read directly.
 */
export async function scoreCounts(q: Queryable, level: ScoreLevel, period: CountPeriod, asOf: Date, scope: Scope): Promise<Map<string, ScoreCounts>> {
	if ((period.from + OFFSET) % DAY_MS !== 0 || (period.to + OFFSET) % DAY_MS !== 0) return scoreCountsDirect(q, level, period, asOf, scope);
	const [lead, months, trail] = splitMonths(beijingDay(period.from), beijingDay(period.to));
	const rollupParams: unknown[] = [lead[0], lead[1], trail[0], trail[1], months[0], months[1]];
	const rollupWhere = caseScopeSql(scope, rollupParams, 'r.');
	const cols = (table: string, range: string) =>
		`SELECT ${ROLLUP_KEY[level]} AS key, r.registered, r.registered_on_time, r.dispatched, r.dispatched_on_time, r.handled, r.reworked, r.reworked3, r.voided,
			r.settled, r.settled_on_time, r.settled_postponed, r.settled_overdue
		 FROM ${table} r WHERE ${range}${rollupWhere}`;
	const sum = (column: string, as: string) => `sum(${column})::int AS "${as}"`;
	const worker = level === 'worker' ? '_worker' : '';
	const rollup = q.query<RollupRow>(
		`SELECT key, ${sum('registered', 'registered')}, ${sum('registered_on_time', 'registeredOnTime')},
			${sum('dispatched', 'dispatched')}, ${sum('dispatched_on_time', 'dispatchedOnTime')}, ${sum('handled', 'handled')},
			${sum('reworked', 'reworked')}, ${sum('reworked3', 'reworked3')}, ${sum('voided', 'voided')}, ${sum('settled', 'settled')},
			${sum('settled_on_time', 'settledOnTime')}, ${sum('settled_postponed', 'settledPostponed')}, ${sum('settled_overdue', 'settledOverdue')}
		 FROM (
			${cols(`case_score${worker}_days`, '((r.day >= $1::date AND r.day < $2::date) OR (r.day >= $3::date AND r.day < $4::date))')}
			UNION ALL
			${cols(`case_score${worker}_months`, 'r.day >= $5::date AND r.day < $6::date')}
		 ) x
		 GROUP BY 1`,
		rollupParams
	);
	const liveParams: unknown[] = [new Date(period.from), new Date(period.to), asOf];
	const liveWhere = caseScopeSql(scope, liveParams, 'c.');
	// The two arms are disjoint (the second is closed and handled) and each has its partial index.
	// Each open case's units by its key (OFFSET 0 keeps the lateral from becoming a join, which the
	// planner would hash over every case of the table to serve a few thousand).
	const live = q.query<Timed & Settled & { key: string | null }>(
		`SELECT ${LEVEL_KEY[level]} AS key, ${TIMED_SQL}, ${SETTLED_SQL}
		 FROM (
			SELECT * FROM case_ops WHERE registered_at >= $1 AND registered_at < $2 AND voided_at IS NULL AND (closed_at IS NULL OR handled_at IS NULL)
			UNION ALL
			SELECT * FROM case_ops WHERE registered_at >= $1 AND registered_at < $2 AND voided_at IS NULL AND handled_at IS NOT NULL AND closed_at > $3
		 ) o
		 CROSS JOIN LATERAL (SELECT grid_code, community_code, subdistrict_code FROM cases WHERE id = o.case_id OFFSET 0) c
		 ${workerJoin(level)} ${DUE_SQL}
		 CROSS JOIN LATERAL (SELECT o.closed_at IS NOT NULL AND o.handled_at IS NOT NULL AS settled) s
		 WHERE true${liveWhere}
		 GROUP BY 1`,
		liveParams
	);
	const [rows, open] = await Promise.all([rollup, live]);
	const openBy = new Map(open.map(({ key, ...x }) => [key ?? '', x]));
	const none: Timed & Settled = {
		due: 0,
		closed: 0,
		closedOnTime: 0,
		postponed: 0,
		overdue: 0,
		settled: 0,
		settledOnTime: 0,
		settledPostponed: 0,
		settledOverdue: 0
	};
	const out = new Map<string, ScoreCounts>();
	for (const { key, settled, settledOnTime, settledPostponed, settledOverdue, ...state } of rows) {
		const o = openBy.get(key ?? '') ?? none;
		out.set(key ?? '', {
			...EMPTY_COUNTS,
			...state,
			due: settled - o.settled + o.due,
			closed: settled - o.settled + o.closed,
			closedOnTime: settledOnTime - o.settledOnTime + o.closedOnTime,
			postponed: settledPostponed - o.settledPostponed + o.postponed,
			overdue: settledOverdue - o.settledOverdue + o.overdue
		});
	}
	return out;
}

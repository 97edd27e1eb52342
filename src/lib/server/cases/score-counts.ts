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
/** The time-dependent counts, of every case (prefix '') or of the urgent ones ('urgent'). */
const timedSql = (prefix: '' | 'urgent') => {
	const u = prefix ? ' AND o.urgent' : '';
	const as = (name: string) => `"${prefix ? prefix + name[0].toUpperCase() + name.slice(1) : name}"`;
	return `
	count(*) FILTER (WHERE d.due${u})::int AS ${as('due')},
	count(*) FILTER (WHERE d.due${u} AND o.closed_at <= $3)::int AS ${as('closed')},
	count(*) FILTER (WHERE d.due${u} AND o.closed_at <= $3 AND o.postponement IS DISTINCT FROM 'approved' AND o.handled_at <= o.handle_due_at)::int AS ${as('closedOnTime')},
	count(*) FILTER (WHERE d.due${u} AND o.postponement = 'approved')::int AS ${as('postponed')},
	count(*) FILTER (WHERE o.voided_at IS NULL${u} AND (o.late OR coalesce(o.handled_at, $3) > o.handle_due_at
		OR (o.closed_at IS NULL AND o.stage_due_at < $3)))::int AS ${as('overdue')}`;
};
const TIMED_SQL = `${timedSql('')},${timedSql('urgent')}`;

const COUNT_SQL = `
	count(*)::int AS registered,
	count(*) FILTER (WHERE o.registered_at <= o.register_due_at)::int AS "registeredOnTime",
	count(o.dispatched_at)::int AS dispatched,
	count(*) FILTER (WHERE o.dispatched_at <= o.dispatch_due_at)::int AS "dispatchedOnTime",
	count(o.handled_at)::int AS handled,
	count(*) FILTER (WHERE o.rework_count > 0)::int AS reworked,
	count(*) FILTER (WHERE o.rework_count >= 3)::int AS reworked3,
	count(o.voided_at)::int AS voided,
	count(*) FILTER (WHERE o.urgent)::int AS "urgentRegistered",${TIMED_SQL}`;

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

/** The time-dependent counts (every case's, then the urgent ones'): the rollup keeps them for settled cases only. */
const TIMED_KEYS = [
	'due',
	'closed',
	'closedOnTime',
	'postponed',
	'overdue',
	'urgentDue',
	'urgentClosed',
	'urgentClosedOnTime',
	'urgentPostponed',
	'urgentOverdue'
] as const;
type Timed = Pick<ScoreCounts, (typeof TIMED_KEYS)[number]>;

/** What the rollup holds for settled cases (closed and handled, not voided), all and urgent. */
interface Settled {
	settled: number;
	settledOnTime: number;
	settledPostponed: number;
	settledOverdue: number;
	urgentSettled: number;
	urgentSettledOnTime: number;
	urgentSettledPostponed: number;
	urgentSettledOverdue: number;
}
type RollupRow = Omit<ScoreCounts, keyof Timed> & Settled & { key: string | null };

// What the rollup holds for a settled case: the migrations' settled_* and urgent_settled_* columns, the same conditions.
const settledSql = (prefix: '' | 'urgent') => {
	const u = prefix ? ' AND o.urgent' : '';
	const as = (name: string) => `"${prefix ? prefix + name[0].toUpperCase() + name.slice(1) : name}"`;
	return `
	count(*) FILTER (WHERE s.settled${u})::int AS ${as('settled')},
	count(*) FILTER (WHERE s.settled${u} AND o.postponement IS DISTINCT FROM 'approved' AND o.handled_at <= o.handle_due_at)::int AS ${as('settledOnTime')},
	count(*) FILTER (WHERE s.settled${u} AND o.postponement = 'approved')::int AS ${as('settledPostponed')},
	count(*) FILTER (WHERE s.settled${u} AND (o.late OR o.handled_at > o.handle_due_at))::int AS ${as('settledOverdue')}`;
};
const SETTLED_SQL = `${settledSql('')},${settledSql('urgent')}`;

/** The rollup's columns and the counts they sum into. */
const ROLLUP_COLUMNS: [column: string, as: keyof RollupRow][] = [
	['registered', 'registered'],
	['registered_on_time', 'registeredOnTime'],
	['dispatched', 'dispatched'],
	['dispatched_on_time', 'dispatchedOnTime'],
	['handled', 'handled'],
	['reworked', 'reworked'],
	['reworked3', 'reworked3'],
	['voided', 'voided'],
	['urgent', 'urgentRegistered'],
	['settled', 'settled'],
	['settled_on_time', 'settledOnTime'],
	['settled_postponed', 'settledPostponed'],
	['settled_overdue', 'settledOverdue'],
	['urgent_settled', 'urgentSettled'],
	['urgent_settled_on_time', 'urgentSettledOnTime'],
	['urgent_settled_postponed', 'urgentSettledPostponed'],
	['urgent_settled_overdue', 'urgentSettledOverdue']
];

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
		`SELECT ${ROLLUP_KEY[level]} AS key, ${ROLLUP_COLUMNS.map(([c]) => `r.${c}`).join(', ')} FROM ${table} r WHERE ${range}${rollupWhere}`;
	const worker = level === 'worker' ? '_worker' : '';
	const rollup = q.query<RollupRow>(
		`SELECT key, ${ROLLUP_COLUMNS.map(([c, as]) => `sum(${c})::int AS "${as}"`).join(', ')}
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
	const none = Object.fromEntries([...TIMED_KEYS, ...ROLLUP_COLUMNS.map(([, as]) => as)].map((k) => [k, 0])) as unknown as Timed & Settled;
	const out = new Map<string, ScoreCounts>();
	for (const {
		key,
		settled,
		settledOnTime,
		settledPostponed,
		settledOverdue,
		urgentSettled,
		urgentSettledOnTime,
		urgentSettledPostponed,
		urgentSettledOverdue,
		...state
	} of rows) {
		const o = openBy.get(key ?? '') ?? none;
		// The settled cases as rolled up, less those the live read counted (closed after asOf), plus the live read.
		out.set(key ?? '', {
			...EMPTY_COUNTS,
			...state,
			due: settled - o.settled + o.due,
			closed: settled - o.settled + o.closed,
			closedOnTime: settledOnTime - o.settledOnTime + o.closedOnTime,
			postponed: settledPostponed - o.settledPostponed + o.postponed,
			overdue: settledOverdue - o.settledOverdue + o.overdue,
			urgentDue: urgentSettled - o.urgentSettled + o.urgentDue,
			urgentClosed: urgentSettled - o.urgentSettled + o.urgentClosed,
			urgentClosedOnTime: urgentSettledOnTime - o.urgentSettledOnTime + o.urgentClosedOnTime,
			urgentPostponed: urgentSettledPostponed - o.urgentSettledPostponed + o.urgentPostponed,
			urgentOverdue: urgentSettledOverdue - o.urgentSettledOverdue + o.urgentOverdue
		});
	}
	return out;
}

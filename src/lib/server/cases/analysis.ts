// Case analytics for the overlay and the dashboards, all through geo/density: the binary case
// columns (16 bytes a case) for a time window, H3 hexagon counts and per-grid counts/rates with
// k-suppression, per-grid spikes (Poisson against a trailing baseline) and the KPIs.
// Suppression: a caller without the `cases:detail` capability (below the leader role) sees no cell
// or grid with fewer than k cases (GRIDATLAS_SUPPRESSION_K, default 3); the routes choose k.
import { GridAtlasError } from '$geo/errors';
import { caseScopeSql, type Scope } from '../auth/scope';
import {
	decodeCases,
	encodeCases,
	gridRates,
	hexCounts,
	kpis,
	CHINA_OFFSET_MIN,
	dayStartMs,
	localDay,
	localMonth,
	makeDict,
	selectWindow,
	spikeCounts,
	spikeHistory,
	spikes,
	suppress,
	NO_GRID,
	type CaseDict,
	type Kpis
} from '$geo/density';
import type { Queryable } from '../db';

/** Days and months of the dashboards' by-day and by-month figures. */
const KPI_DAYS = 7;
const KPI_MONTHS = 12;

export const CASE_STATUSES = ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated', 'voided'] as const;
/** k of the k-suppression (cells and grids with fewer cases are hidden). */
export const SUPPRESSION_K = Math.max(1, Number(process.env.GRIDATLAS_SUPPRESSION_K) || 3);
export const MAX_WINDOW_DAYS = 400;
/** Days of case history before any grid may be flagged as spiking, and the fewest cases today that can be a spike. */
export const SPIKE_MIN_HISTORY_DAYS = Math.max(0, Number(process.env.GRIDATLAS_SPIKE_MIN_HISTORY_DAYS ?? 14) || 0);
export const SPIKE_MIN_COUNT = Math.max(1, Number(process.env.GRIDATLAS_SPIKE_MIN_COUNT) || 5);

export class CaseQueryError extends GridAtlasError {
	constructor(
		readonly code: 'bad_time' | 'bad_window' | 'bad_resolution' | 'bad_category',
		message: string
	) {
		super(message, { code });
	}
}

export interface Window {
	from: Date;
	to: Date;
	categories: string[] | null;
	/** The reader's jurisdiction (unit codes); null or absent = the whole city. */
	units?: Scope;
}

/** The window as a WHERE clause over cases: time, categories, jurisdiction. */
function windowWhere(w: Window): { sql: string; params: unknown[] } {
	const params: unknown[] = [w.from, w.to];
	let sql = 'reported_at >= $1 AND reported_at < $2';
	if (w.categories) {
		params.push(w.categories);
		sql += ` AND category = ANY($${params.length}::text[])`;
	}
	sql += caseScopeSql(w.units, params);
	return { sql, params };
}

/** ?from=&to= (ISO times; default the last 24 h) &categories=a,b — checked, with a clear error. */
export function parseWindow(params: URLSearchParams, now = new Date()): Window {
	const time = (name: string, fallback: Date) => {
		const text = params.get(name);
		if (text === null || text === '') return fallback;
		const d = new Date(text);
		if (Number.isNaN(d.getTime()))
			throw new CaseQueryError('bad_time', `${name} 不是有效时间（ISO 8601）：${text} / ${name} is not a valid ISO 8601 time: ${text}`);
		return d;
	};
	const to = time('to', now);
	const from = time('from', new Date(to.getTime() - 24 * 3600_000));
	if (from >= to) throw new CaseQueryError('bad_window', `起始时间须早于结束时间 / from must be before to`);
	if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86400_000) {
		throw new CaseQueryError('bad_window', `时间窗口不能超过 ${MAX_WINDOW_DAYS} 天 / the window may not exceed ${MAX_WINDOW_DAYS} days`);
	}
	const cats = params.get('categories');
	return {
		from,
		to,
		categories: cats
			? cats
					.split(',')
					.map((c) => c.trim())
					.filter(Boolean)
			: null
	};
}

async function dictionary(q: Queryable): Promise<{ dict: CaseDict; grids: string[]; households: number[] }> {
	const cats = await q.query<{ code: string }>('SELECT code FROM case_categories ORDER BY sort, code');
	const grids = await q.query<{ code: string; households: number }>(
		`SELECT g.code, coalesce((SELECT sum(b.households) FROM buildings b WHERE b.grid_code = g.code), 0)::int AS households
		 FROM grids g ORDER BY g.code`
	);
	return {
		dict: makeDict(
			cats.map((c) => c.code),
			[...CASE_STATUSES]
		),
		grids: grids.map((g) => g.code),
		households: grids.map((g) => g.households)
	};
}

function checkCategories(w: Window, dict: CaseDict) {
	const unknown = (w.categories ?? []).filter((c) => !dict.categoryCode.has(c));
	if (unknown.length) throw new CaseQueryError('bad_category', `未知的事件类别：${unknown.join('、')} / unknown case categories: ${unknown.join(', ')}`);
}

/** Cases reported in [from, to) as binary columns (see geo/density/columns) plus the code tables. */
export async function caseColumns(q: Queryable, w: Window) {
	const { dict, grids } = await dictionary(q);
	checkCategories(w, dict);
	const gridIndex = new Map(grids.map((g, i) => [g, i]));
	const where = windowWhere(w);
	const rows = await q.query<{ lon: number; lat: number; t: number; category: string; status: string; grid_code: string | null }>(
		`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, (extract(epoch FROM reported_at) * 1000)::float8 AS t, category, status, grid_code
		 FROM cases WHERE ${where.sql}
		 ORDER BY reported_at, id`,
		where.params
	);
	const buffer = encodeCases(
		rows.map((r) => ({
			lon: r.lon,
			lat: r.lat,
			reportedAt: r.t,
			category: r.category,
			status: r.status,
			// The column holds 65,534 grids; a bigger city's overlay attributes by the grid API instead.
			gridIndex: r.grid_code !== null && grids.length < NO_GRID ? (gridIndex.get(r.grid_code) ?? null) : null
		})),
		dict
	);
	return { buffer, categories: dict.categories, statuses: dict.statuses, grids: grids.length < NO_GRID ? grids : [] };
}

/** H3 cell counts in the window, cells with fewer than k cases suppressed (not jittered). */
export async function hexDensity(q: Queryable, w: Window, resolution: number, k = SUPPRESSION_K) {
	if (!Number.isInteger(resolution) || resolution < 5 || resolution > 11) {
		throw new CaseQueryError('bad_resolution', `H3 分辨率须为 5–11 的整数 / H3 resolution must be an integer 5–11`);
	}
	const { buffer } = await caseColumns(q, w);
	const columns = decodeCases(buffer);
	const counts = hexCounts(columns, selectWindow(columns, { from: w.from, to: w.to }), resolution);
	const kept = suppress(counts, k);
	return {
		resolution,
		k,
		cells: [...kept.counts].map(([h3, count]) => ({ h3, count })),
		suppressedCells: kept.suppressedCells,
		suppressedCases: kept.suppressedCases
	};
}

/** Per-grid counts and rates per 1,000 households in the window (k-suppressed), and today's spikes. */
export async function gridDensity(q: Queryable, w: Window, now = new Date(), k = SUPPRESSION_K) {
	const { dict, grids, households } = await dictionary(q);
	checkCategories(w, dict);
	const gridIndex = new Map(grids.map((g, i) => [g, i]));
	const where = windowWhere(w);
	const rows = await q.query<{ grid_code: string | null; n: number }>(
		`SELECT grid_code, count(*)::int AS n FROM cases WHERE ${where.sql} GROUP BY grid_code`,
		where.params
	);
	// Counted in SQL; the last slot holds cases in no grid (outside jurisdiction or unmapped).
	const counts = new Uint32Array(grids.length + 1);
	for (const r of rows) counts[r.grid_code === null ? grids.length : (gridIndex.get(r.grid_code) ?? grids.length)] += r.n;
	const rates = gridRates(counts.subarray(0, grids.length), households, { k });
	return {
		k,
		grids: rates.grids.map((g) => ({ code: grids[g.grid], households: households[g.grid], count: g.count, rate: g.rate, suppressed: g.suppressed })),
		suppressedGrids: rates.suppressedGrids,
		suppressedCases: rates.suppressedCases,
		outsideGrids: counts[grids.length],
		...(await gridSpikes(q, grids, now, w.categories, w.units ?? null))
	};
}

/**
 * Grids whose count so far today is improbably high against the same hours of the last 28 days — only
 * once the reader's cases go back SPIKE_MIN_HISTORY_DAYS (else `spikeHistory.sufficient` is false and
 * none is flagged: "历史不足") and with at least SPIKE_MIN_COUNT cases today. Each spike is named by its
 * community and grid (grid codes repeat their last digits across subdistricts).
 */
export async function gridSpikes(q: Queryable, grids: string[], now: Date, categories: string[] | null, units: Scope = null) {
	const params: unknown[] = [now];
	const [first] = await q.query<{ first: number | null }>(
		`SELECT (extract(epoch FROM min(reported_at)) * 1000)::float8 AS first FROM cases WHERE reported_at <= $1${caseScopeSql(units, params)}`,
		params
	);
	const history = spikeHistory(first?.first ?? null, now, SPIKE_MIN_HISTORY_DAYS);
	if (!history.sufficient) return { spikeHistory: history, spikes: [] };
	const from = new Date(now.getTime() - 30 * 86400_000);
	const { buffer } = await caseColumns(q, { from, to: new Date(now.getTime() + 1), categories, units });
	const columns = decodeCases(buffer);
	const { observed, baseline } = spikeCounts(columns, { now, gridCount: grids.length, days: 28 });
	const found = spikes(observed, baseline, { days: 28, correction: 'bonferroni', minObserved: SPIKE_MIN_COUNT }).filter((s) => s.spiking);
	const names = new Map(
		(
			await q.query<{ code: string; name: string }>(
				`SELECT g.code, coalesce(m.name || ' ', '') || g.name AS name FROM grids g LEFT JOIN communities m ON m.code = g.community_code WHERE g.code = ANY($1::text[])`,
				[found.map((s) => grids[s.grid])]
			)
		).map((r) => [r.code, r.name])
	);
	return {
		spikeHistory: history,
		spikes: found.map((s) => ({
			grid: grids[s.grid],
			name: names.get(grids[s.grid]) ?? grids[s.grid],
			observed: s.observed,
			expected: Math.round(s.expected * 100) / 100,
			p: s.p
		}))
	};
}

/**
 * The boundaries of the KPIs' calendar (geo/density/kpis): the local months the by-month figures show
 * (and the one before), the local days the by-day figures show, and tomorrow. Between two of them a
 * time falls in one local day of the by-day figures (or none) and one local month (or none).
 */
function kpiBoundaries(now: Date): Date[] {
	const nowMs = now.getTime();
	const today = localDay(nowMs);
	const month = localMonth(nowMs);
	const off = CHINA_OFFSET_MIN * 60_000;
	const monthStart = (m: number) => Date.UTC(Math.floor(m / 12), m % 12, 1) - off;
	const times = [
		...Array.from({ length: KPI_MONTHS + 2 }, (_, i) => monthStart(month - KPI_MONTHS + i)),
		...Array.from({ length: KPI_DAYS + 1 }, (_, i) => dayStartMs(today - KPI_DAYS + 1 + i))
	];
	return [...new Set(times)].sort((a, b) => a - b).map((t) => new Date(t));
}

/**
 * The dashboards' numbers: today, in progress, overdue, closure and on-time closure rates, by
 * category / grid / day / month — of the cases in `unitPrefix` (a subdistrict or community; null:
 * all) that lie inside the reader's jurisdiction `units` (null: the whole city). Counted by
 * geo/density kpis() over groups of cases alike in everything kpis() reads — status, category, grid,
 * the calendar interval (kpiBoundaries) of each of their times, and each comparison it makes with now
 * and between them — one row per group with its count and its smallest times (the wall asks after
 * every news, and sending each case of the year to be counted here held this thread). `byGrid`
 * false leaves the grids out (everything under 'none'), making far fewer groups.
 */
export async function caseKpis(q: Queryable, now: Date, unitPrefix: string | null, units: Scope, options: { byGrid?: boolean } = {}): Promise<Kpis> {
	const byGrid = options.byGrid ?? true;
	const params: unknown[] = [new Date(now.getTime() - 370 * 86400_000), now, kpiBoundaries(now)];
	const filter = caseScopeSql(unitPrefix ? [unitPrefix] : null, params, 'c.') + caseScopeSql(units, params, 'c.');
	const grid = byGrid ? 'c.grid_code' : 'NULL::text';
	const rows = await q.query<{
		n: number;
		reported: number;
		status: string;
		due: number | null;
		closed: number | null;
		category: string;
		grid_code: string | null;
	}>(
		`SELECT count(*)::int AS n, c.status, c.category, ${grid} AS grid_code,
			(extract(epoch FROM min(c.reported_at)) * 1000)::float8 AS reported,
			(extract(epoch FROM min(c.due_at)) * 1000)::float8 AS due,
			(extract(epoch FROM min(c.closed_at)) * 1000)::float8 AS closed
		 FROM cases c
		 WHERE c.reported_at >= $1 AND c.status <> 'voided'${filter}
		 GROUP BY c.status, c.category, ${byGrid ? 'c.grid_code, ' : ''}width_bucket(c.reported_at, $3::timestamptz[]),
			width_bucket(c.due_at, $3::timestamptz[]), width_bucket(c.closed_at, $3::timestamptz[]),
			c.reported_at <= $2, c.due_at < $2, c.closed_at <= $2, c.closed_at <= c.due_at`,
		params
	);
	return kpis(
		rows.map((r) => ({ reportedAt: r.reported, status: r.status, dueAt: r.due, closedAt: r.closed, category: r.category, grid: r.grid_code, count: r.n })),
		now,
		{ days: KPI_DAYS, months: KPI_MONTHS }
	);
}

export async function caseCategories(q: Queryable): Promise<{ code: string; name_zh: string; name_en: string }[]> {
	return q.query('SELECT code, name_zh, name_en FROM case_categories ORDER BY sort, code');
}

// Dashboard KPIs from case rows, as of `now`.
//
// Definitions (all "as of now", so a past `now` replays the dashboard):
// - a row reported after now does not exist yet: it is ignored everywhere;
// - closed ⇔ closedAt ≤ now, or status = 'closed' with no closedAt (closed at an unknown time:
//   counted closed, never on time); a closedAt after now is "not closed yet";
// - today = reported since local midnight (UTC+8 by default) up to now;
// - in progress = not closed (escalated cases included);
// - due ⇔ dueAt < now (no dueAt: never due); overdue = due and not closed;
// - closure rate = closed ÷ due, counting only due cases in both (a case closed before its due
//   time has come is in neither, so the rate never exceeds 1); on-time closure rate = due cases
//   closed with closedAt ≤ dueAt ÷ due. No due cases → both rates null (not 0, not 1).
// Periods (by day: the last 7 local days including today; by month: the last 12 local months
// including this one): reported = reported in the period; closed = closed in the period; due,
// closedOfDue, onTime, rates = over cases whose dueAt falls in the period (and is before now).
import type { TimeLike } from './columns';
import { toMs } from './columns';
import { CHINA_OFFSET_MIN, dayLabel, dayStartMs, localDay, localMonth, monthLabel } from './time';

export interface KpiCase {
	reportedAt: TimeLike;
	status: string;
	dueAt?: TimeLike | null;
	closedAt?: TimeLike | null;
	category: string;
	grid?: string | number | null;
	/**
	 * How many cases the row stands for (default 1): cases alike in every fact these figures read (the
	 * database groups them), with any one's times.
	 */
	count?: number;
}

export interface Kpi {
	total: number;
	today: number;
	inProgress: number;
	overdue: number;
	/** Cases due so far (the closure rates' denominator). */
	due: number;
	/** Of those, closed (the closure rate's numerator) and closed by their due time (the on-time rate's). */
	closedOfDue: number;
	onTime: number;
	closureRate: number | null;
	onTimeRate: number | null;
}

export interface PeriodKpi {
	period: string;
	reported: number;
	closed: number;
	due: number;
	closedOfDue: number;
	onTime: number;
	closureRate: number | null;
	onTimeRate: number | null;
}

export interface Kpis extends Kpi {
	byCategory: Record<string, Kpi>;
	/** Key: the grid as a string; cases with no grid under 'none'. */
	byGrid: Record<string, Kpi>;
	byDay: PeriodKpi[];
	byMonth: PeriodKpi[];
}

export interface KpiOptions {
	offsetMin?: number;
	closedStatus?: string;
	days?: number;
	months?: number;
}

const emptyKpi = (): Kpi => ({ total: 0, today: 0, inProgress: 0, overdue: 0, due: 0, closedOfDue: 0, onTime: 0, closureRate: null, onTimeRate: null });
const emptyPeriod = (period: string): PeriodKpi => ({ period, reported: 0, closed: 0, due: 0, closedOfDue: 0, onTime: 0, closureRate: null, onTimeRate: null });
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const ms = (t: TimeLike | null | undefined) => (t == null ? NaN : toMs(t));

export function kpis(rows: KpiCase[], now: TimeLike, options: KpiOptions = {}): Kpis {
	const off = options.offsetMin ?? CHINA_OFFSET_MIN,
		closedStatus = options.closedStatus ?? 'closed';
	const nDays = options.days ?? 7,
		nMonths = options.months ?? 12;
	const nowMs = toMs(now);
	const today = localDay(nowMs, off),
		todayStart = dayStartMs(today, off),
		month = localMonth(nowMs, off);
	const all = emptyKpi();
	const byCategory: Record<string, Kpi> = {},
		byGrid: Record<string, Kpi> = {};
	const byDay = Array.from({ length: nDays }, (_, i) => emptyPeriod(dayLabel(today - nDays + 1 + i)));
	const byMonth = Array.from({ length: nMonths }, (_, i) => emptyPeriod(monthLabel(month - nMonths + 1 + i)));
	const dayAt = (t: number) => {
		const i = localDay(t, off) - (today - nDays + 1);
		return i >= 0 && i < nDays ? byDay[i] : null;
	};
	const monthAt = (t: number) => {
		const i = localMonth(t, off) - (month - nMonths + 1);
		return i >= 0 && i < nMonths ? byMonth[i] : null;
	};

	for (const r of rows) {
		const n = r.count ?? 1;
		const rep = ms(r.reportedAt);
		if (!(rep <= nowMs)) continue; // not reported yet (or no valid time)
		const closedAtMs = ms(r.closedAt);
		const closed = closedAtMs <= nowMs || (r.closedAt == null && r.status === closedStatus);
		const dueMs = ms(r.dueAt);
		const due = dueMs < nowMs;
		const onTime = due && closed && closedAtMs <= dueMs;
		const isToday = rep >= todayStart;
		const grid = r.grid == null ? 'none' : String(r.grid);
		for (const k of [all, (byCategory[r.category] ??= emptyKpi()), (byGrid[grid] ??= emptyKpi())]) {
			k.total += n;
			if (isToday) k.today += n;
			if (!closed) k.inProgress += n;
			if (due) {
				k.due += n;
				if (closed) k.closedOfDue += n;
				else k.overdue += n;
				if (onTime) k.onTime += n;
			}
		}
		for (const at of [dayAt, monthAt]) {
			const p = at(rep);
			if (p) p.reported += n;
			if (closed && closedAtMs <= nowMs) {
				const q = at(closedAtMs);
				if (q) q.closed += n;
			}
			if (due) {
				const q = at(dueMs);
				if (q) {
					q.due += n;
					if (closed) q.closedOfDue += n;
					if (onTime) q.onTime += n;
				}
			}
		}
	}
	const rates = (k: Kpi | PeriodKpi) => {
		k.closureRate = ratio(k.closedOfDue, k.due);
		k.onTimeRate = ratio(k.onTime, k.due);
	};
	rates(all);
	Object.values(byCategory).forEach(rates);
	Object.values(byGrid).forEach(rates);
	byDay.forEach(rates);
	byMonth.forEach(rates);
	return { ...all, byCategory, byGrid, byDay, byMonth };
}

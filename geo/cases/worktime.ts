// Working-time clocks for case stages (数字城管 time limits, CJ/T 315 practice): limits counted in
// working hours, working days or plain clock hours, on a calendar of working days (Monday–Friday,
// except public holidays, plus make-up workdays 调休上班) and working periods of the day, all in
// Beijing time (UTC+8, no daylight saving). Pure functions: the calendar and every time are passed
// in, nothing reads the real date.

/** Beijing time is UTC+8 all year. */
export const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86400_000;
const MIN_MS = 60_000;

export type DayKind = 'holiday' | 'workday';
export type LimitUnit = 'work_hour' | 'work_day' | 'hour';
export const LIMIT_UNITS: readonly LimitUnit[] = ['work_hour', 'work_day', 'hour'];

export interface Limit {
	amount: number;
	unit: LimitUnit;
}

export interface WorkCalendar {
	/** Working periods of a working day, minutes after local midnight, sorted, not overlapping. */
	periods: readonly (readonly [number, number])[];
	/** Exceptions to the Monday–Friday rule by local date 'YYYY-MM-DD'. */
	days: ReadonlyMap<string, DayKind>;
}

/** 08:30–12:00 and 13:30–17:30 (7.5 working hours): a common office day; editable. */
export const DEFAULT_PERIODS: readonly (readonly [number, number])[] = [
	[8 * 60 + 30, 12 * 60],
	[13 * 60 + 30, 17 * 60 + 30]
];

export function makeCalendar(days: Iterable<[string, DayKind]> = [], periods = DEFAULT_PERIODS): WorkCalendar {
	const sorted = [...periods].map(([a, b]) => [a, b] as const).sort((x, y) => x[0] - y[0]);
	sorted.forEach(([a, b], i) => {
		if (!(a >= 0 && b <= 1440 && a < b) || (i > 0 && a < sorted[i - 1][1])) {
			throw new RangeError(`工作时段无效：${a}–${b} 分钟 / invalid working period ${a}–${b} minutes`);
		}
	});
	return { periods: sorted, days: new Map(days) };
}

/** Minutes of working time in one working day. */
export const dayMinutes = (cal: WorkCalendar) => cal.periods.reduce((s, [a, b]) => s + b - a, 0);

/** The local (Beijing) day number of a UTC instant: days since 1970-01-01 local. */
const localDay = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
/** The UTC instant of local midnight of a local day number. */
const dayStart = (day: number) => day * DAY_MS - BEIJING_OFFSET_MS;

/** 'YYYY-MM-DD' of a local day number. */
export function dayKey(day: number): string {
	return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' (Beijing) of an instant. */
export const beijingDate = (ms: number) => dayKey(localDay(ms));

/** Is this local day a working day: an exception if listed, else Monday–Friday. */
export function isWorkingDay(cal: WorkCalendar, day: number): boolean {
	const kind = cal.days.get(dayKey(day));
	if (kind) return kind === 'workday';
	const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
	return weekday >= 1 && weekday <= 5;
}

const limitMinutes = (cal: WorkCalendar, limit: Limit) => (limit.unit === 'work_day' ? limit.amount * dayMinutes(cal) : limit.amount * 60);

/** Working minutes of [a, b) (b ≥ a), on the calendar. */
function workingBetween(cal: WorkCalendar, a: number, b: number): number {
	let total = 0;
	for (let day = localDay(a); dayStart(day) < b; day++) {
		if (!isWorkingDay(cal, day)) continue;
		const start = dayStart(day);
		for (const [p, q] of cal.periods) {
			const from = Math.max(a, start + p * MIN_MS);
			const to = Math.min(b, start + q * MIN_MS);
			if (to > from) total += to - from;
		}
	}
	return total / MIN_MS;
}

/** Longest search for working time (a calendar with no working day would loop forever). */
const MAX_DAYS = 3660;

/**
 * The instant `limit` after `start`: clock hours for `hour`; otherwise counted only in working
 * periods of working days (a working day = the working minutes of one day). Time before the first
 * period or on a holiday does not count; a due time falls inside a working period (or at its end).
 */
export function addWorkingTime(cal: WorkCalendar, start: number, limit: Limit): number {
	if (!(limit.amount >= 0) || !Number.isFinite(limit.amount)) throw new RangeError(`时限无效：${limit.amount} / invalid limit ${limit.amount}`);
	if (limit.unit === 'hour') return start + limit.amount * 3600_000;
	let left = limitMinutes(cal, limit) * MIN_MS;
	if (left === 0) return start;
	for (let day = localDay(start), n = 0; n < MAX_DAYS; day++, n++) {
		if (!isWorkingDay(cal, day)) continue;
		const base = dayStart(day);
		for (const [p, q] of cal.periods) {
			const from = Math.max(start, base + p * MIN_MS);
			const to = base + q * MIN_MS;
			if (to <= from) continue;
			if (to - from >= left) return from + left;
			left -= to - from;
		}
	}
	throw new RangeError(`日历在 ${MAX_DAYS} 天内没有足够的工作时间 / the calendar has too little working time within ${MAX_DAYS} days`);
}

/** Minutes of the limit's kind from a to b: working minutes (negative when b < a), or clock minutes for `hour`. */
export function elapsed(cal: WorkCalendar, a: number, b: number, unit: LimitUnit): number {
	if (unit === 'hour') return (b - a) / MIN_MS;
	return b >= a ? workingBetween(cal, a, b) : -workingBetween(cal, b, a);
}

export type ClockState = 'ok' | 'warning' | 'overdue' | 'done' | 'done_late';

export interface Clock {
	startedAt: number;
	dueAt: number;
	/** The stage's limit in minutes of its kind (working minutes, or clock minutes for `hour`). */
	limitMin: number;
	usedMin: number;
	/** Left until due (negative: over by). */
	leftMin: number;
	/** used ÷ limit (1 = all used). */
	share: number;
	state: ClockState;
}

/** 预警 when this share of the limit is used (configurable per call). */
export const WARN_SHARE = 0.8;

/**
 * A stage's clock at `now` (or at `doneAt` once the stage is over): time used and left in the limit's
 * own kind of time, 'warning' (预警) from `warnShare` of the limit used, 'overdue' (超期) past due.
 */
export function clockAt(
	cal: WorkCalendar,
	stage: { startedAt: number; dueAt: number; unit: LimitUnit; doneAt?: number | null },
	now: number,
	warnShare = WARN_SHARE
): Clock {
	const end = stage.doneAt ?? now;
	const limitMin = elapsed(cal, stage.startedAt, stage.dueAt, stage.unit);
	const usedMin = Math.max(0, elapsed(cal, stage.startedAt, end, stage.unit));
	const leftMin = elapsed(cal, end, stage.dueAt, stage.unit);
	const late = end > stage.dueAt;
	const share = limitMin > 0 ? usedMin / limitMin : late ? Infinity : 0;
	const state: ClockState = stage.doneAt != null ? (late ? 'done_late' : 'done') : late ? 'overdue' : share >= warnShare ? 'warning' : 'ok';
	return { startedAt: stage.startedAt, dueAt: stage.dueAt, limitMin, usedMin, leftMin, share, state };
}

/** "2 个工作日 3 小时 / 2 working days 3 h"-style text of a number of minutes of the limit's kind. */
export function durationText(cal: WorkCalendar, minutes: number, unit: LimitUnit): { zh: string; en: string } {
	const sign = minutes < 0 ? '-' : '';
	let m = Math.round(Math.abs(minutes));
	const perDay = unit === 'hour' ? 1440 : dayMinutes(cal);
	const d = Math.floor(m / perDay);
	m -= d * perDay;
	const h = Math.floor(m / 60);
	m -= h * 60;
	const work = unit !== 'hour';
	const zh = [d ? `${d}${work ? '个工作日' : '天'}` : '', h ? `${h}${work ? '工作小时' : '小时'}` : '', m || (!d && !h) ? `${m}分` : ''].join('');
	const en = [d ? `${d} ${work ? 'working ' : ''}day${d > 1 ? 's' : ''}` : '', h ? `${h} ${work ? 'working ' : ''}h` : '', m || (!d && !h) ? `${m} min` : '']
		.filter(Boolean)
		.join(' ');
	return { zh: sign + zh, en: sign + en };
}

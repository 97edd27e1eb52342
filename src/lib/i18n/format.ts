// The one home for how times and numbers read on screen. Times are Beijing time (UTC+8) whatever the
// zone of the server, the browser or the kiosk, so a planner whose machine runs on UTC sees the same
// hour as the inspector in the street; clocks are 24-hour in both languages. Numbers and dates use
// the page language's locale (langTag: zh-CN or en). Components never call toLocaleString or Intl
// themselves: they call the helpers here.
import { langTag, t, type Lang } from './index';

export const BEIJING_TZ = 'Asia/Shanghai';

type At = string | number | Date;
const instant = (at: At) => (at instanceof Date ? at : new Date(at));

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, shape: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale} ${shape}`;
	let f = formatters.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat(locale, { ...options, timeZone: BEIJING_TZ, hourCycle: 'h23' });
		formatters.set(key, f);
	}
	return f;
}
const partsOf = (f: Intl.DateTimeFormat, at: At) => Object.fromEntries(f.formatToParts(instant(at)).map((x) => [x.type, x.value]));

/** The clock time: "09:05" (lists of tasks and cases, "connection lost at"). */
export function clockTime(at: At, lang: Lang): string {
	return formatter(langTag(lang), 'hm', { hour: '2-digit', minute: '2-digit' }).format(instant(at));
}

/** Day and time, short: "12/7 09:05" / "12/7, 09:05" (cards). */
export function dayTime(at: At, lang: Lang): string {
	return formatter(langTag(lang), 'md hm', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(instant(at));
}

/** Date and time: "2026/12/7 09:05" / "12/7/2026, 09:05"; with seconds "…09:05:09" (when a figure was computed, a case reported). */
export function dateTime(at: At, lang: Lang, opts: { seconds?: boolean } = {}): string {
	const shape: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' };
	if (opts.seconds) shape.second = '2-digit';
	return formatter(langTag(lang), opts.seconds ? 'ymd hms' : 'ymd hm', shape).format(instant(at));
}

/** The date: "2026/12/7" / "12/7/2026". */
export function formatDate(at: At, lang: Lang): string {
	return formatter(langTag(lang), 'ymd', { year: 'numeric', month: 'numeric', day: 'numeric' }).format(instant(at));
}

/**
 * "2026-12-07 09:05:09" ("2026-12-07 09:05" without seconds), the same digits in both languages (the audit log,
 * users and tokens, the scorecard's "as of"). Takes PostgreSQL's timestamptz text too ("2026-12-07 01:05:09.12+00").
 */
export function isoDateTime(at: At, opts: { seconds?: boolean } = {}): string {
	const p = partsOf(
		formatter('en-GB', 'iso', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
		at
	);
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${opts.seconds === false ? '' : `:${p.second}`}`;
}

/** The wall's clock: the date with the weekday in the page's words, and the time with and without seconds. */
export function wallClock(at: At, lang: Lang): { date: string; hms: string; hm: string } {
	const p = partsOf(
		formatter(lang === 'zh' ? 'zh-CN' : 'en-GB', 'wall', {
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			weekday: 'long',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		}),
		at
	);
	const hm = `${p.hour}:${p.minute}`;
	return { date: t(lang, 'wall.dateFormat', { y: p.year, m: p.month, d: p.day, w: p.weekday }), hms: `${hm}:${p.second}`, hm };
}

const numbers = new Map<string, Intl.NumberFormat>();
/**
 * A number with thousands separators in the page's locale: "12,345". `digits` is the most
 * fraction digits shown (0: a whole number); left out, up to three (Intl's default).
 */
export function formatNumber(n: number, lang: Lang, digits?: number): string {
	const key = `${lang} ${digits ?? ''}`;
	let f = numbers.get(key);
	if (!f) {
		f = new Intl.NumberFormat(langTag(lang), digits === undefined ? {} : { maximumFractionDigits: digits });
		numbers.set(key, f);
	}
	return f.format(n);
}

/** A share as a percentage with `digits` decimals: 0.8734 → "87.3%"; null (no share to give) stays null. */
export function percent(x: number | null | undefined, digits = 1): string | null {
	if (x === null || x === undefined || !Number.isFinite(x)) return null;
	return `${(x * 100).toFixed(digits)}%`;
}

/** A share as the wall shows it: one decimal, none at 0 % and 100 % ("0%", "87.3%", "100%"); null stays null. */
export function percentCompact(x: number | null | undefined): string | null {
	if (x === null || x === undefined || !Number.isFinite(x)) return null;
	const v = x * 100;
	return `${v >= 99.95 || v === 0 ? v.toFixed(0) : v.toFixed(1)}%`;
}

/** A calendar month's name (month 0–11, not an instant: no zone): "3 月" / "March". */
export function monthName(month: number, lang: Lang): string {
	return lang === 'zh' ? `${month + 1} 月` : formatter('en', 'month', { month: 'long' }).format(Date.UTC(2026, month, 15, 4));
}

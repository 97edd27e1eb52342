// Times and shares on the wall. Times are Beijing time whatever the kiosk's clock zone, so the
// clock, the latest cases and "connection lost since" agree with the KPIs' day (UTC+8).
import { t, type Lang } from '$lib/i18n';
import { BEIJING_TZ as TZ } from '$lib/i18n/time';
const parts = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang): Intl.DateTimeFormat {
	let f = parts.get(lang);
	if (!f) {
		f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
			timeZone: TZ,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			weekday: 'long',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23'
		});
		parts.set(lang, f);
	}
	return f;
}

export function beijingClock(d: Date, lang: Lang): { date: string; hms: string; hm: string } {
	const p = Object.fromEntries(
		formatter(lang)
			.formatToParts(d)
			.map((x) => [x.type, x.value])
	);
	const hm = `${p.hour}:${p.minute}`;
	return { date: t(lang, 'wall.dateFormat', { y: p.year, m: p.month, d: p.day, w: p.weekday }), hms: `${hm}:${p.second}`, hm };
}

/** 0.873 → "87.3%"; null stays null (no cases due: no rate, not 0 %). */
export function percent(x: number | null | undefined): string | null {
	if (x === null || x === undefined || !Number.isFinite(x)) return null;
	const v = x * 100;
	return `${v >= 99.95 || v === 0 ? v.toFixed(0) : v.toFixed(1)}%`;
}

// Times as people in the city read them: Beijing time (UTC+8), whatever the zone of the server or
// of the browser, with the zone said where a bare time could be taken for another (the audit log).
export const BEIJING_TZ = 'Asia/Shanghai';

const parts = new Intl.DateTimeFormat('en-GB', {
	timeZone: BEIJING_TZ,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** "2026-12-07 03:59:35" in Beijing time (the same digits in both languages). */
export function beijingDateTime(at: string | Date): string {
	const p = Object.fromEntries(parts.formatToParts(typeof at === 'string' ? new Date(at) : at).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A day and time in Beijing time, short, in the page's language ("12/7 11:56" / "12/7, 11:56"): lists and cards. */
export function beijingShort(at: string | Date, lang: 'zh' | 'en'): string {
	return new Date(at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', {
		month: 'numeric',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		timeZone: BEIJING_TZ
	});
}

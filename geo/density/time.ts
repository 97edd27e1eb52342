// Local calendar days and months at a fixed UTC offset (China: UTC+8, no daylight saving).

export const DAY_MS = 86_400_000;
export const CHINA_OFFSET_MIN = 480;

/** Local day number (days since 1970-01-01 local) of a Unix-ms time. */
export const localDay = (ms: number, offsetMin = CHINA_OFFSET_MIN) => Math.floor((ms + offsetMin * 60_000) / DAY_MS);

/** Unix ms of the local midnight starting local day `day`. */
export const dayStartMs = (day: number, offsetMin = CHINA_OFFSET_MIN) => day * DAY_MS - offsetMin * 60_000;

/** 'YYYY-MM-DD' of a local day number. */
export const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Local month number (12·year + month0) of a Unix-ms time. */
export function localMonth(ms: number, offsetMin = CHINA_OFFSET_MIN): number {
	const d = new Date(ms + offsetMin * 60_000);
	return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** 'YYYY-MM' of a local month number. */
export const monthLabel = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

// Case report times arrive as "2024-05-01 10:00", "2024/5/1", "2024年5月1日 10:00" or full ISO.
// Times without a zone are local Beijing time (UTC+8): that is what Chinese systems write.

const CHINA_OFFSET = '+08:00';
const DATE_TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const pad = (value: string | number, width = 2) => String(value).padStart(width, '0');

/** An ISO 8601 timestamp with an explicit offset, or undefined when the text is not a real date/time. */
export function toIsoTimestamp(text: string): string | undefined {
	const trimmed = text.trim();
	const normalised = /[年月日]/.test(trimmed) ? trimmed.replace(/年|月/g, '-').replace(/日/, ' ').trim() : trimmed;
	const match = DATE_TIME.exec(normalised);
	if (!match) return undefined;
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
	const offset = zone === undefined ? CHINA_OFFSET : zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
	// Date rolls 2024-02-30 over to March; compare the parts to refuse such dates.
	const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
	if (
		check.getUTCFullYear() !== Number(year) ||
		check.getUTCMonth() !== Number(month) - 1 ||
		check.getUTCDate() !== Number(day) ||
		check.getUTCHours() !== Number(hour) ||
		check.getUTCMinutes() !== Number(minute)
	) {
		return undefined;
	}
	return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${offset}`;
}

// Query and path parameters read the same way everywhere: a value that isn't what the route needs
// is refused with 400 naming the parameter (kit's error(), so no route needs a try/catch), before
// it can reach SQL as "Infinity", a year -1 or a number past bigint.
import { error } from '@sveltejs/kit';
import { toIsoTimestamp } from '$geo/import/dates';
import { unitCodeRule, unitKindOf, type UnitKind } from '$geo/units/code';

function refuse(name: string, text: string, expected: { zh: string; en: string }): never {
	const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
	error(400, {
		message: `参数 ${name}“${shown}”无效：应为${expected.zh} / parameter ${name} "${shown}" is invalid: expected ${expected.en}`,
		code: `bad_${name}`
	});
}

/** A whole number in [min, max] (default: 1 … 2³¹−1, a database integer), or `fallback` when absent. */
export function intParam(text: string | null | undefined, name: string, options: { min?: number; max?: number; fallback?: number } = {}): number {
	const min = options.min ?? 1;
	const max = options.max ?? 2 ** 31 - 1;
	if (text === null || text === undefined || text === '') {
		if (options.fallback !== undefined) return options.fallback;
		refuse(name, '', { zh: `${min}–${max} 的整数`, en: `a whole number from ${min} to ${max}` });
	}
	const n = /^-?[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(n) || n < min || n > max) refuse(name, text, { zh: `${min}–${max} 的整数`, en: `a whole number from ${min} to ${max}` });
	return n;
}

/** WGS-84 degrees: a longitude (limit 180) or a latitude (limit 90); required. */
export function degreesParam(text: string | null | undefined, name: string, limit: 180 | 90): number {
	const v = text === null || text === undefined || text.trim() === '' ? Number.NaN : Number(text);
	if (!Number.isFinite(v) || Math.abs(v) > limit) refuse(name, text ?? '', { zh: ` WGS-84 度数（±${limit}）`, en: `WGS-84 degrees (±${limit})` });
	return v;
}

/** A date or time (ISO 8601 or 2024-05-01 10:00, Beijing time unless a zone is given) in 1900–9999, or null when absent. */
export function timeParam(text: string | null | undefined, name: string): Date | null {
	if (text === null || text === undefined || text === '') return null;
	const iso = toIsoTimestamp(text);
	const d = iso ? new Date(iso) : null;
	if (!d || d.getUTCFullYear() < 1900 || d.getUTCFullYear() > 9999) {
		refuse(name, text, { zh: ' 1900–9999 年间的时间（如 2026-05-01T10:00+08:00）', en: 'a time in 1900–9999 (e.g. 2026-05-01T10:00+08:00)' });
	}
	return d;
}

/**
 * A unit code of one of `kinds` (every kind when none are given), or null when absent; anything else
 * is refused with 400 `bad_<name>` and the rule ("社区编码应为 12 位数字 / community must be a 12-digit code").
 */
export function unitCodeParam(text: string | null | undefined, name: string, kinds: UnitKind[] = ['subdistrict', 'community', 'grid']): string | null {
	if (text === null || text === undefined || text === '') return null;
	const kind = unitKindOf(text);
	if (!kind || !kinds.includes(kind)) refuseUnitCode(name, kinds);
	return text;
}

function refuseUnitCode(name: string, kinds: UnitKind[]): never {
	const rule = unitCodeRule(kinds);
	error(400, { message: `${rule.zh} / ${rule.en}`, code: `bad_${name}` });
}

/** As unitCodeParam, for a code the route cannot do without: absent is refused the same way. */
export function requiredUnitCode(text: string | null | undefined, name: string, kinds: UnitKind[] = ['subdistrict', 'community', 'grid']): string {
	return unitCodeParam(text, name, kinds) ?? refuseUnitCode(name, kinds);
}

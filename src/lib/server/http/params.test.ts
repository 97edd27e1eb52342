import { describe, expect, it } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { degreesParam, intParam, requiredUnitCode, timeParam, unitCodeParam } from './params';

/** The 400 a parameter is refused with: its code, or null when it is taken. */
function refusal(read: () => unknown): string | null {
	try {
		read();
		return null;
	} catch (err) {
		if (isHttpError(err) && err.status === 400) return (err.body as { code?: string }).code ?? 'no code';
		throw err;
	}
}

describe('query parameters', () => {
	it('unit codes: absent is null where optional and refused where required, by the same rule', () => {
		expect(unitCodeParam(null, 'community', ['community'])).toBeNull();
		expect(unitCodeParam('320102002001', 'community', ['community'])).toBe('320102002001');
		expect(refusal(() => unitCodeParam('320102002', 'community', ['community']))).toBe('bad_community');
		expect(requiredUnitCode('320102002001', 'community', ['community'])).toBe('320102002001');
		for (const absent of [null, undefined, '']) expect(refusal(() => requiredUnitCode(absent, 'community', ['community']))).toBe('bad_community');
		expect(refusal(() => requiredUnitCode('x', 'unit'))).toBe('bad_unit');
	});

	it('degrees, whole numbers and times: out of range or not numbers are refused by name', () => {
		expect(degreesParam('118.78', 'lon', 180)).toBe(118.78);
		for (const bad of [null, '', 'NaN', 'Infinity', '181', '1e400']) expect(refusal(() => degreesParam(bad, 'lon', 180))).toBe('bad_lon');
		expect(refusal(() => degreesParam('90.5', 'lat', 90))).toBe('bad_lat');
		expect(intParam(null, 'limit', { fallback: 7 })).toBe(7);
		expect(refusal(() => intParam('2.5', 'limit'))).toBe('bad_limit');
		expect(timeParam('2026-05-01T10:00+08:00', 'at')?.toISOString()).toBe('2026-05-01T02:00:00.000Z');
		expect(refusal(() => timeParam('-0001-01-01', 'at'))).toBe('bad_at');
	});
});

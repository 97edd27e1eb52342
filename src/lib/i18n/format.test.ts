// The one home of time and number formats: a UTC instant reads as Beijing time in both languages,
// whatever the zone of the process running the test (TZ is set to UTC and to New York below).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockTime, dateTime, dayTime, formatDate, formatNumber, isoDateTime, monthName, percent, percentCompact, wallClock } from './format';

// 16:05:09 UTC on 25 November is 00:05:09 on 26 November in Beijing: the day changes too.
const AT = '2026-11-25T16:05:09Z';
const savedTz = process.env.TZ;
afterAll(() => {
	process.env.TZ = savedTz;
});

describe.each(['UTC', 'America/New_York'])('times are Beijing time on a machine in %s', (tz) => {
	beforeAll(() => {
		process.env.TZ = tz;
		// the machine's zone is really in force: its local hour differs from Beijing's
		expect(new Date(AT).getHours()).toBe(tz === 'UTC' ? 16 : 11);
	});
	it('clock time', () => {
		expect(clockTime(AT, 'zh')).toBe('00:05');
		expect(clockTime(AT, 'en')).toBe('00:05');
		expect(clockTime(new Date(AT), 'zh')).toBe('00:05');
	});
	it('day and time', () => {
		expect(dayTime(AT, 'zh')).toBe('11/26 00:05');
		expect(dayTime(AT, 'en')).toBe('11/26, 00:05');
	});
	it('date and time, with and without seconds', () => {
		expect(dateTime(AT, 'zh')).toBe('2026/11/26 00:05');
		expect(dateTime(AT, 'en')).toBe('11/26/2026, 00:05');
		expect(dateTime(AT, 'zh', { seconds: true })).toBe('2026/11/26 00:05:09');
		expect(dateTime(AT, 'en', { seconds: true })).toBe('11/26/2026, 00:05:09');
	});
	it('date', () => {
		expect(formatDate(AT, 'zh')).toBe('2026/11/26');
		expect(formatDate(AT, 'en')).toBe('11/26/2026');
	});
	it('ISO-like date-time, the same in both languages', () => {
		expect(isoDateTime(AT)).toBe('2026-11-26 00:05:09');
		expect(isoDateTime('2026-12-07T03:59:35.123Z')).toBe('2026-12-07 11:59:35');
		expect(isoDateTime('2026-12-07 03:59:35.123456+00', { seconds: false })).toBe('2026-12-07 11:59');
	});
	it("the wall's clock", () => {
		const zh = wallClock(new Date(AT), 'zh');
		expect(zh.hms).toBe('00:05:09');
		expect(zh.hm).toBe('00:05');
		expect(zh.date).toContain('2026年11月26日');
		expect(zh.date).toContain('星期四');
		const en = wallClock(AT, 'en');
		expect(en.hm).toBe('00:05');
		expect(en.date).toContain('Thursday');
	});
});

describe('numbers', () => {
	it('groups thousands in both languages', () => {
		expect(formatNumber(1234567, 'zh')).toBe('1,234,567');
		expect(formatNumber(1234567, 'en')).toBe('1,234,567');
	});
	it('shows at most the digits asked for (Intl default: three)', () => {
		expect(formatNumber(1234.5678, 'zh')).toBe('1,234.568');
		expect(formatNumber(1234.5678, 'en', 1)).toBe('1,234.6');
		expect(formatNumber(1234.5, 'zh', 0)).toBe('1,235');
		expect(formatNumber(12, 'en', 2)).toBe('12');
	});
	it('percentages', () => {
		expect(percent(0.8734)).toBe('87.3%');
		expect(percent(1)).toBe('100.0%');
		expect(percent(0.8734, 0)).toBe('87%');
		expect(percent(null)).toBeNull();
		expect(percent(NaN)).toBeNull();
		expect(percentCompact(0.8734)).toBe('87.3%');
		expect(percentCompact(1)).toBe('100%');
		expect(percentCompact(0)).toBe('0%');
		expect(percentCompact(undefined)).toBeNull();
	});
	it('month names', () => {
		expect(monthName(0, 'zh')).toBe('1 月');
		expect(monthName(11, 'en')).toBe('December');
	});
});

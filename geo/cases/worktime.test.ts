// Worked examples of the working-time clocks across weekends, make-up workdays (调休上班) and the
// National Day holiday, on the State Council's published 2024 and 2025 arrangements. Working day
// 08:30–12:00 + 13:30–17:30 (7.5 h). Every time is written out in Beijing time (+08:00).
import { describe, expect, it } from 'vitest';
import { addWorkingTime, beijingDate, clockAt, durationText, elapsed, isWorkingDay, makeCalendar, type DayKind } from './worktime';

const range = (from: string, to: string, kind: DayKind): [string, DayKind][] => {
	const out: [string, DayKind][] = [];
	for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86400_000) out.push([new Date(d).toISOString().slice(0, 10), kind]);
	return out;
};
// 国办发明电〔2023〕7号 (2024) and 〔2024〕12号 (2025): National Day and its make-up workdays.
const cal = makeCalendar([
	['2024-09-29', 'workday'],
	...range('2024-10-01', '2024-10-07', 'holiday'),
	['2024-10-12', 'workday'],
	['2025-09-28', 'workday'],
	...range('2025-10-01', '2025-10-08', 'holiday'),
	['2025-10-11', 'workday']
]);
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const day = (local: string) => Math.floor((at(`${local}T12:00:00`) + 8 * 3600_000) / 86400_000);

describe('working days', () => {
	it('Monday–Friday, except holidays; make-up Saturdays and Sundays work', () => {
		expect(isWorkingDay(cal, day('2025-09-26'))).toBe(true); // Friday
		expect(isWorkingDay(cal, day('2025-09-27'))).toBe(false); // Saturday
		expect(isWorkingDay(cal, day('2025-09-28'))).toBe(true); // Sunday, make-up workday
		expect(isWorkingDay(cal, day('2025-10-03'))).toBe(false); // Friday, National Day
		expect(isWorkingDay(cal, day('2025-10-11'))).toBe(true); // Saturday, make-up workday
	});
	it('takes the date in Beijing time, whatever the UTC date', () => {
		expect(beijingDate(Date.parse('2025-09-30T16:30:00Z'))).toBe('2025-10-01');
	});
});

describe('due times (addWorkingTime)', () => {
	const cases: [string, string, Parameters<typeof addWorkingTime>[2], string][] = [
		[
			'Friday afternoon + 4 working hours → the make-up Sunday before National Day',
			'2025-09-26T16:00:00',
			{ amount: 4, unit: 'work_hour' },
			'2025-09-28 11:00'
		],
		['the day before National Day + 1 working day → after the 8-day holiday', '2025-09-30T10:00:00', { amount: 1, unit: 'work_day' }, '2025-10-09 10:00'],
		['Friday 17:00 + 2 working hours → Monday morning', '2024-03-01T17:00:00', { amount: 2, unit: 'work_hour' }, '2024-03-04 10:00'],
		['reported in the lunch break: the clock starts at 13:30', '2024-03-04T12:30:00', { amount: 1, unit: 'work_hour' }, '2024-03-04 14:30'],
		['reported at night: the clock starts at 08:30', '2024-03-04T22:10:00', { amount: 0.5, unit: 'work_hour' }, '2024-03-05 09:00'],
		[
			'Saturday + 3 working days across the 2024 National Day (make-up Sunday 29th counts)',
			'2024-09-28T09:00:00',
			{ amount: 3, unit: 'work_day' },
			'2024-10-08 17:30'
		],
		['a limit ending exactly at noon stays at 12:00', '2024-03-04T08:30:00', { amount: 3.5, unit: 'work_hour' }, '2024-03-04 12:00'],
		['urgent, clock hours: holidays count', '2025-10-01T23:00:00', { amount: 2, unit: 'hour' }, '2025-10-02 01:00']
	];
	for (const [name, start, limit, due] of cases) {
		it(name, () => expect(iso(addWorkingTime(cal, at(start), limit))).toBe(due));
	}
	it('refuses a negative limit and a calendar with no working time', () => {
		expect(() => addWorkingTime(cal, at('2024-03-04T08:30:00'), { amount: -1, unit: 'work_hour' })).toThrow(RangeError);
		const never = makeCalendar(range('2024-01-01', '2035-12-31', 'holiday'));
		expect(() => addWorkingTime(never, at('2024-03-04T08:30:00'), { amount: 1, unit: 'work_hour' })).toThrow(/too little working time/);
	});
	it('elapsed working time is the inverse of the due time', () => {
		expect(elapsed(cal, at('2025-09-30T10:00:00'), at('2025-10-09T10:00:00'), 'work_day')).toBe(450);
		expect(elapsed(cal, at('2025-10-09T10:00:00'), at('2025-09-30T10:00:00'), 'work_hour')).toBe(-450);
		expect(elapsed(cal, at('2025-10-01T00:00:00'), at('2025-10-08T23:59:00'), 'work_hour')).toBe(0);
	});
});

describe('clocks: time left, 预警 at 80 %, 超期', () => {
	const stage = { startedAt: at('2025-09-30T10:00:00'), dueAt: at('2025-10-09T10:00:00'), unit: 'work_day' as const };
	it('ok while under 80 % of the limit is used', () => {
		const c = clockAt(cal, stage, at('2025-09-30T15:00:00'));
		expect(c).toMatchObject({ limitMin: 450, usedMin: 210, leftMin: 240, state: 'ok' });
	});
	it('warning at exactly 80 % used — the holiday does not use the limit', () => {
		const c = clockAt(cal, stage, at('2025-10-05T12:00:00'));
		expect(c).toMatchObject({ usedMin: 360, leftMin: 90, share: 0.8, state: 'warning' });
	});
	it('overdue past the due time, by working minutes', () => {
		expect(clockAt(cal, stage, at('2025-10-09T10:30:00'))).toMatchObject({ leftMin: -30, state: 'overdue' });
	});
	it('a finished stage says whether it finished in time', () => {
		expect(clockAt(cal, { ...stage, doneAt: at('2025-10-09T09:00:00') }, at('2026-01-01T00:00:00')).state).toBe('done');
		expect(clockAt(cal, { ...stage, doneAt: at('2025-10-09T11:00:00') }, at('2026-01-01T00:00:00')).state).toBe('done_late');
	});
	it('says durations in working days and hours', () => {
		expect(durationText(cal, 450 + 90 + 5, 'work_day')).toEqual({ zh: '1个工作日1工作小时35分', en: '1 working day 1 working h 35 min' });
		expect(durationText(cal, -30, 'hour')).toEqual({ zh: '-30分', en: '-30 min' });
	});
});

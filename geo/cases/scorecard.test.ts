// Scorecard formulas, a published scheme's deductions, ranks and trends, and periods.
import { describe, expect, it } from 'vitest';
import { checkScheme, EMPTY_COUNTS, periodOf, rates, score, scorecard, SchemeError, type ScoreCounts, type ScoreScheme } from './scorecard';

// The Jinhua city scheme's case items (see migrations/016_case_operations.sql).
const JINHUA: ScoreScheme = {
	id: 'jinhua',
	name_zh: '金华',
	name_en: 'Jinhua',
	source: 'test',
	minDue: 5,
	items: [
		{ indicator: 'onTimeClosureRate', points: 50, target: 0.7, perPoint: 1 },
		{ indicator: 'closureRate', points: 20, target: 0.9, perPoint: 1 },
		{ indicator: 'reworked', points: 5, perCase: 0.2, perCase3: 0.5 }
	]
};
const counts = (c: Partial<ScoreCounts>): ScoreCounts => ({ ...EMPTY_COUNTS, ...c });

describe('rates', () => {
	it('按期结案率 = 按期结案数 ÷ (应结案数 − 缓办数), each with its denominator', () => {
		const r = rates(
			counts({
				due: 50,
				postponed: 2,
				closed: 45,
				closedOnTime: 36,
				handled: 48,
				reworked: 6,
				registered: 60,
				registeredOnTime: 57,
				dispatched: 58,
				dispatchedOnTime: 58
			})
		);
		expect(r.onTimeClosureRate).toEqual({ value: 0.75, num: 36, den: 48 });
		expect(r.closureRate).toEqual({ value: 0.9, num: 45, den: 50 });
		expect(r.reworkRate).toEqual({ value: 0.125, num: 6, den: 48 });
		expect(r.timelyRegistrationRate.value).toBe(0.95);
		expect(r.timelyDispatchRate.value).toBe(1);
	});
	it('urgent cases on their own: 紧急按期结案率 = 紧急按期结案数 ÷ (紧急应结案数 − 紧急缓办数), 紧急结案率 = 紧急结案数 ÷ 紧急应结案数', () => {
		const r = rates(counts({ due: 50, closed: 45, closedOnTime: 40, urgentDue: 10, urgentPostponed: 2, urgentClosed: 9, urgentClosedOnTime: 6 }));
		expect(r.urgentOnTimeClosureRate).toEqual({ value: 0.75, num: 6, den: 8 });
		expect(r.urgentClosureRate).toEqual({ value: 0.9, num: 9, den: 10 });
		expect(rates(counts({ due: 5, closed: 5 })).urgentClosureRate).toEqual({ value: null, num: 0, den: 0 });
	});
	it('no denominator → no rate (null), not 0 and not 100 %', () => {
		expect(rates(EMPTY_COUNTS).closureRate).toEqual({ value: null, num: 0, den: 0 });
	});
});

describe('score', () => {
	it('deducts a point per percentage point under each target, and per reworked case', () => {
		// on time 65 % (5 points under 70 % → −5), closure 86 % (−4), 3 reworked: 2 once (−0.4), 1 three times (−0.5)
		const s = score(counts({ due: 100, closed: 86, closedOnTime: 65, reworked: 3, reworked3: 1 }), JINHUA);
		expect(s.items.map((i) => i.score)).toEqual([45, 16, 4.1]);
		expect(s).toMatchObject({ score: 65.1, max: 75 });
	});
	it('never below 0 nor above the item’s points; nothing due is not held against a unit', () => {
		expect(score(counts({ due: 10, closed: 0, reworked: 100 }), JINHUA).items.map((i) => i.score)).toEqual([0, 0, 0]);
		expect(score(EMPTY_COUNTS, JINHUA).score).toBe(75);
	});
	it('scores urgent items as any rate or count item (a scheme of the city’s own; no urgent case due costs nothing)', () => {
		const scheme: ScoreScheme = {
			...JINHUA,
			items: [
				{ indicator: 'urgentOnTimeClosureRate', points: 10, target: 0.95, perPoint: 0.5 },
				{ indicator: 'urgentOverdue', points: 5, perCase: 1 }
			]
		};
		// 紧急按期 80 % (15 points under 95 % → −7.5), two urgent cases overdue (−2)
		expect(score(counts({ urgentDue: 5, urgentClosed: 5, urgentClosedOnTime: 4, urgentOverdue: 2 }), checkScheme(scheme)).items.map((i) => i.score)).toEqual([
			2.5, 3
		]);
		expect(score(EMPTY_COUNTS, scheme).score).toBe(15);
	});
	it('refuses unknown indicators and negative numbers', () => {
		expect(() => checkScheme({ ...JINHUA, items: [{ indicator: 'bogus' as never, points: 1 }] })).toThrow(SchemeError);
		expect(() => checkScheme({ ...JINHUA, items: [{ indicator: 'closureRate', points: 10, target: 1.5 }] })).toThrow(/target/);
	});
});

describe('scorecard: rank and trend', () => {
	it('ranks by score, shares equal ranks, leaves units under the minimum unranked', () => {
		const rows = scorecard(
			new Map([
				['A', counts({ due: 10, closed: 10, closedOnTime: 10 })],
				['B', counts({ due: 10, closed: 10, closedOnTime: 5 })],
				['C', counts({ due: 20, closed: 20, closedOnTime: 20 })],
				['D', counts({ due: 2, closed: 2, closedOnTime: 2 })]
			]),
			JINHUA
		);
		expect(rows.map((r) => [r.key, r.rank])).toEqual([
			['A', 1],
			['C', 1],
			['B', 3],
			['D', null]
		]);
	});
	it('trend: rate and score changes against the previous period', () => {
		const [row] = scorecard(
			new Map([['A', counts({ due: 10, closed: 9, closedOnTime: 8, overdue: 1 })]]),
			JINHUA,
			new Map([['A', counts({ due: 10, closed: 10, closedOnTime: 6, overdue: 3 })]])
		);
		expect(row.trend).toEqual({ rates: expect.objectContaining({ onTimeClosureRate: 0.2, closureRate: -0.1, reworkRate: null }), score: 10, overdue: -2 });
	});
});

describe('periods (Beijing time)', () => {
	it('a month and the one before it, across a year', () => {
		const { current, previous } = periodOf({ month: '2026-01' });
		expect(new Date(current.from).toISOString()).toBe('2025-12-31T16:00:00.000Z');
		expect(new Date(current.to).toISOString()).toBe('2026-01-31T16:00:00.000Z');
		expect(previous.label).toBe('2025-12');
	});
	it('a day, a range (inclusive) and the previous range of the same length', () => {
		expect(periodOf({ day: '2025-10-01' }).previous.label).toBe('2025-09-30');
		const r = periodOf({ from: '2025-10-01', to: '2025-10-10' });
		expect([r.current.label, r.previous.label]).toEqual(['2025-10-01..2025-10-10', '2025-09-21..2025-09-30']);
	});
	it('refuses malformed periods', () => {
		expect(() => periodOf({ month: '2026-13' })).toThrow(/YYYY-MM/);
		expect(() => periodOf({ from: '2025-10-10', to: '2025-10-01' })).toThrow(/before/);
		expect(() => periodOf({})).toThrow(/month=YYYY-MM/);
	});
});

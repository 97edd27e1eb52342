import { describe, expect, it } from 'vitest';
import type { WallBase, WallLive } from './types';
import { hotGrids, WallText } from './panels';

const base = {
	facts: { grids: { total: 12, basic: 10, dedicated: 2 }, buildings: 340, households: 5200, householdsEstimated: true, facilitiesTotal: 9 },
	communities: [{ code: '320102001001', name: '华侨路社区居委会', bbox: null }],
	compliance: [],
	meetingAll: { count: 3, total: 5 },
	lifeCircle: null,
	categories: [
		{ code: 'dispute', name_zh: '矛盾纠纷', name_en: 'Dispute' },
		{ code: 'environment', name_zh: '环境卫生', name_en: 'Environment & sanitation' }
	]
} as unknown as WallBase;

const live: WallLive = {
	at: '2026-11-26T02:00:00Z',
	today: 1234,
	inProgress: 7,
	overdue: 2,
	due: 40,
	closedOfDue: 20,
	onTime: 32,
	closureRate: 0.5,
	onTimeRate: 0.8,
	byCategory: [
		{ code: 'environment', week: 9, today: 2 },
		{ code: 'unknown', week: 1, today: 0 }
	],
	byDay: [{ period: '2026-11-26', reported: 5, closed: 3, due: 4, closedOfDue: 2, onTime: 1, closureRate: 0.5, onTimeRate: 0.25 }],
	byMonth: [{ period: '2026-11', reported: 50, closed: 30, due: 40, closedOfDue: 20, onTime: 10, closureRate: 0.5, onTimeRate: 0.25 }],
	latest: [
		{ id: 'A', category: 'dispute', status: 'closed', reported_at: '2026-11-26T01:05:00Z', community_code: '320102001001', grid_code: null, description: null },
		{
			id: 'B',
			category: 'environment',
			status: 'reported',
			reported_at: '2026-11-26T01:06:00Z',
			community_code: null,
			grid_code: null,
			description: '<b>x</b>'
		}
	]
};

describe('wall panels', () => {
	it('words the KPIs, flags overdue and a low on-time rate, and says what has no data', () => {
		const kpis = new WallText('zh', base).kpis(live);
		expect(kpis.map((k) => k.id)).toEqual(['today', 'in-progress', 'overdue', 'closure-rate', 'on-time-rate', 'coverage', 'life-circle']);
		expect(kpis[0].value).toBe('1,234');
		expect(kpis.find((k) => k.id === 'overdue')!.tone).toBe('bad');
		expect(kpis.find((k) => k.id === 'on-time-rate')!.tone).toBe('warn');
		expect(kpis.find((k) => k.id === 'life-circle')!.value).toBe(new WallText('zh', base).tr('wall.none'));
	});

	it('gives each rate its denominator, and says why a rate is missing', () => {
		const zh = new WallText('zh', base).kpis(live);
		expect(zh.find((k) => k.id === 'closure-rate')!.note).toBe('到期 40 件中已结案 20 件');
		expect(zh.find((k) => k.id === 'on-time-rate')!.note).toBe('到期 40 件中按期结案 32 件');
		const en = new WallText('en', base).kpis({ ...live, due: 0, closedOfDue: 0, onTime: 0, closureRate: null, onTimeRate: null });
		expect(en.find((k) => k.id === 'closure-rate')).toMatchObject({ value: '—', note: 'no case due yet: no rate' });
		expect(en.find((k) => k.id === 'on-time-rate')!.note).toBe('no case due yet: no rate');
	});

	it('names categories and communities in the page language; the latest rows keep descriptions as text', () => {
		const zh = new WallText('zh', base);
		const en = new WallText('en', base);
		expect(zh.slices(live).map((s) => [s.name, s.index])).toEqual([
			['环境卫生', 1],
			['unknown', 9]
		]);
		expect(en.slices(live)[0].name).toBe('Environment & sanitation');
		const rows = zh.latestRows(live);
		expect(rows[0]).toMatchObject({ id: 'A', category: '矛盾纠纷', place: '华侨路', closed: true, time: '09:05' });
		expect(rows[1]).toMatchObject({ place: zh.tr('wall.latest.outside'), closed: false, description: '<b>x</b>' });
		expect(zh.monthPoints(live)[0].label).toBe('11月');
		expect(en.monthPoints(live)[0].label).toBe('26-11');
		expect(zh.baseStats().map((s) => s.value)).toEqual(['1', '12', '340', '5,200']);
	});

	it('lists the unit’s busiest unsuppressed grids first, marks spikes, names them from the shapes', () => {
		const grids = [
			{ code: '320102001001001', count: 4 },
			{ code: '320102001001002', count: 9 },
			{ code: '320102002001001', count: 20 },
			{ code: '320102001001003', count: 2, suppressed: true },
			{ code: '320102001001004', count: 0 }
		];
		const shapes = [{ properties: { code: '320102001001002', name: '二网格', community_name: '华侨路社区' } }];
		const rows = hotGrids(grids, [{ grid: '320102001001001' }], shapes, '320102001');
		expect(rows).toEqual([
			{ code: '320102001001002', name: '二网格', community: '华侨路', count: 9, spiking: false },
			{ code: '320102001001001', name: '001001', community: '', count: 4, spiking: true }
		]);
		expect(hotGrids(grids, [], [], null, 1).map((g) => g.code)).toEqual(['320102002001001']);
	});
});

import { describe, expect, it } from 'vitest';
import { parseWallOptions } from './options';
import { wallLayout } from './layout';

describe('wall options', () => {
	it('reads tiles and the tour, falling back on nonsense', () => {
		const none = { circles: false, shortfalls: false };
		expect(parseWallOptions(new URLSearchParams('cols=2&rows=2&tour=1&interval=10'))).toEqual({
			cols: 2,
			rows: 2,
			tour: true,
			interval: 10,
			layers: none,
			cases: 'hex'
		});
		expect(parseWallOptions(new URLSearchParams('cols=0&rows=x&interval=1'))).toEqual({
			cols: 1,
			rows: 1,
			tour: false,
			interval: 30,
			layers: none,
			cases: 'hex'
		});
		expect(parseWallOptions(new URLSearchParams('layers=shortfalls,circles')).layers).toEqual({ circles: true, shortfalls: true });
		expect(parseWallOptions(new URLSearchParams('layers=nonsense')).layers).toEqual(none);
		expect(parseWallOptions(new URLSearchParams('cases=heat')).cases).toBe('heat');
		expect(parseWallOptions(new URLSearchParams('cases=off')).cases).toBe('off');
		expect(parseWallOptions(new URLSearchParams('cases=fireworks')).cases).toBe('hex');
		expect(parseWallOptions(new URLSearchParams('cols=99'))).toMatchObject({ cols: 1 });
	});
});

describe('wall layout', () => {
	const trackCount = (t: string) => t.trim().split(/\s+(?![^(]*\))/).length;

	it('one screen: header, KPIs, left | map | right', () => {
		const l = wallLayout(1, 1);
		expect(l.headers).toHaveLength(1);
		expect(l.headers[0]).toMatchObject({ title: true, clock: true });
		expect(l.kpis).toEqual([expect.objectContaining({ from: 0, to: 7 })]);
		expect(l.left.flatMap((s) => s.panels)).toEqual(['base', 'coverage']);
		expect(l.right.flatMap((s) => s.panels)).toEqual(['category', 'trends', 'hot', 'latest']);
		expect(l.map.col[0]).toBeGreaterThan(l.left[0].area.col[0]);
		expect(l.map.col[1]).toBeLessThanOrEqual(l.right[0].area.col[0]);
		expect(trackCount(l.columns)).toBe(5);
		expect(trackCount(l.rows)).toBe(5);
	});

	it('a 2×2 wall: one header and KPI share per top screen, panels split over the rows, every screen the same size', () => {
		const l = wallLayout(2, 2);
		expect(l.headers.map((h) => [h.title, h.clock])).toEqual([
			[true, false],
			[false, true]
		]);
		expect(l.kpis.map((k) => [k.from, k.to])).toEqual([
			[0, 4],
			[4, 7]
		]);
		expect(l.left.map((s) => s.panels)).toEqual([['base'], ['coverage']]);
		expect(l.right.map((s) => s.panels)).toEqual([
			['category', 'trends'],
			['hot', 'latest']
		]);
		// No panel spans a seam: every panel area lies within one screen's columns and rows.
		for (const a of [...l.headers.map((h) => h.area), ...l.kpis.map((k) => k.area), ...l.left.map((s) => s.area), ...l.right.map((s) => s.area)]) {
			expect(l.tileCols.some(([s, e]) => a.col[0] >= s && a.col[1] <= e)).toBe(true);
			expect(l.tileRows.some(([s, e]) => a.row[0] >= s && a.row[1] <= e)).toBe(true);
		}
		// Each screen's fr tracks add up to the same total (screens are equal).
		const frs = l.columns.split(' ').map((t) => (t.endsWith('fr') ? Number(t.slice(0, -2)) : 0));
		const perTile = l.tileCols.map(([s, e]) => frs.slice(s - 1, e - 1).reduce((a, b) => a + b, 0));
		expect(new Set(perTile).size).toBe(1);
	});
});

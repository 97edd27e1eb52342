import { describe, expect, it } from 'vitest';
import { drillTarget, unitLevel } from './drill';

const S = '320102003';
const C = '320102003001';
const G = '320102003001002';
const under: [string, string, string] = [S, C, G];

describe('drill-down by click', () => {
	it('knows the level of a code', () => {
		expect([null, 'city', S, C, G].map(unitLevel)).toEqual([0, 0, 1, 2, 3]);
	});

	it('goes one level down inside the selected unit', () => {
		expect(drillTarget(null, under)).toBe(S);
		expect(drillTarget('city', under)).toBe(S);
		expect(drillTarget(S, under)).toBe(C);
		expect(drillTarget(C, under)).toBe(G);
	});

	it('moves sideways outside the selected unit', () => {
		expect(drillTarget('320104006', under)).toBe(S);
		expect(drillTarget('320102003009', under)).toBe(C);
		expect(drillTarget('320102003001001', under)).toBe(G);
	});

	it('stays when there is nothing new under the click', () => {
		expect(drillTarget(G, under)).toBeNull();
		expect(drillTarget(C, [S, C, null])).toBeNull();
		expect(drillTarget(S, [null, null, null])).toBeNull();
		expect(drillTarget(null, [null, null, null])).toBeNull();
	});
});

// Grid codes, auto-propose and rebalance.
import { describe, expect, it } from 'vitest';
import type { Feature, LineString, Polygon } from 'geojson';
import { numberGrids, proposeGrids, rebalance, validatePartition, gridCountRange, type GridFeature } from './index';
import { syntheticCommunity } from './synthetic';

const X = 118.78,
	Y = 32.04,
	U = 0.001;
const sq = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
	type: 'Polygon',
	coordinates: [
		[
			[X + x0 * U, Y + y0 * U],
			[X + x1 * U, Y + y0 * U],
			[X + x1 * U, Y + y1 * U],
			[X + x0 * U, Y + y1 * U],
			[X + x0 * U, Y + y0 * U]
		]
	]
});
const f = (g: Polygon, id: string): Feature<Polygon, { id: string }> => ({ type: 'Feature', properties: { id }, geometry: g });
const hard = (vs: ReturnType<typeof validatePartition>) => vs.filter((v) => v.kind !== 'band');

describe('numberGrids', () => {
	const C = '320102001001';
	it('numbers west→east, north→south', () => {
		const cells = [f(sq(1, 0, 2, 1), 'SE'), f(sq(0, 1, 1, 2), 'NW'), f(sq(0, 0, 1, 1), 'SW'), f(sq(1, 1, 2, 2), 'NE')];
		expect(numberGrids(C, cells).map((n) => [n.feature.properties.id, n.code])).toEqual([
			['NW', C + '001'],
			['NE', C + '002'],
			['SW', C + '003'],
			['SE', C + '004']
		]);
	});
	it('keeps codes of surviving grids and gives new ones the next free numbers', () => {
		const previous = [
			{ code: C + '001', geometry: sq(0, 1, 1, 2) },
			{ code: C + '002', geometry: sq(1, 1, 2, 2) },
			{ code: C + '003', geometry: sq(0, 0, 1, 1) },
			{ code: C + '004', geometry: sq(1, 0, 2, 1) }
		];
		// NE reshaped (keeps 002); SE split 40 / 60: the larger part keeps 004, the other is new (005).
		const now = [f(sq(0, 1, 1, 2), 'NW'), f(sq(1, 1.1, 2, 2), 'NE'), f(sq(0, 0, 1, 1), 'SW'), f(sq(1, 0, 1.4, 1), 'SE-w'), f(sq(1.4, 0, 2, 1), 'SE-e')];
		const out = numberGrids(C, now, previous);
		expect(out.map((n) => [n.feature.properties.id, n.code, n.previous !== null])).toEqual([
			['NW', C + '001', true],
			['NE', C + '002', true],
			['SW', C + '003', true],
			['SE-w', C + '005', false],
			['SE-e', C + '004', true]
		]);
	});
});

describe('proposeGrids', () => {
	it('gives a clean, balanced partition of a synthetic community, deterministically', () => {
		const { community, buildings } = syntheticCommunity(4, 3, 240, 400, 3);
		const band = { min: 300, max: 500 };
		const p = proposeGrids(community, buildings, { band, communityCode: '320102001001' });
		expect(p.feasible).toBe(true);
		expect(p.grids).toHaveLength(12);
		expect(p.stats.outsideBand).toBe(0);
		expect(p.grids.map((g) => g.properties.code)[0]).toBe('320102001001001');
		expect(validatePartition(community, p.grids, buildings, band)).toEqual([]);
		const again = proposeGrids(community, buildings, { band, communityCode: '320102001001' });
		expect(again.grids).toEqual(p.grids);
	});

	it('honours a target count and cuts along a road that balances the sides', () => {
		const community = { type: 'Feature', properties: {}, geometry: sq(0, 0, 4, 2) } as Feature<Polygon>;
		// 40 buildings west of x = 1.3, 40 east: a N–S road at x = 1.3 is not the middle but balances.
		const buildings = [];
		for (let i = 0; i < 80; i++) {
			const west = i < 40;
			const x = west ? 0.05 + (i % 8) * 0.15 : 1.4 + ((i - 40) % 10) * 0.25;
			const y = 0.1 + Math.floor((west ? i : i - 40) / (west ? 8 : 10)) * (west ? 0.35 : 0.45);
			buildings.push({ id: `b${i}`, lon: X + x * U, lat: Y + y * U, households: 10 });
		}
		const road: LineString = {
			type: 'LineString',
			coordinates: [
				[X + 1.3 * U, Y - 0.1 * U],
				[X + 1.3 * U, Y + 2.1 * U]
			]
		};
		const p = proposeGrids(community, buildings, { targetCount: 2, roads: [road], noRebalance: true });
		expect(p.households).toEqual([400, 400]);
		expect(hard(validatePartition(community, p.grids, buildings))).toEqual([]);
		const west = p.grids[0].geometry.coordinates.flat(2) as number[];
		expect(Math.max(...west.filter((_, i) => i % 2 === 0))).toBeCloseTo(X + 1.3 * U, 9);
	});

	it('explains when no partition fits the band', () => {
		expect(gridCountRange(1100, { min: 600, max: 1000 })).toEqual([2, 1]);
		const community = { type: 'Feature', properties: {}, geometry: sq(0, 0, 1, 1) } as Feature<Polygon>;
		const buildings = [
			{ id: 'a', lon: X + 0.3 * U, lat: Y + 0.5 * U, households: 700 },
			{ id: 'b', lon: X + 0.7 * U, lat: Y + 0.5 * U, households: 400 }
		];
		const p = proposeGrids(community, buildings, { band: { min: 600, max: 1000 } });
		expect(p.feasible).toBe(false);
		expect(p.explanation!.en).toMatch(/cannot be split/);
		expect(hard(validatePartition(community, p.grids, buildings))).toEqual([]);
		const big = proposeGrids(community, [{ ...buildings[0], households: 1200 }, buildings[1]], { band: { min: 300, max: 1000 } });
		expect(big.feasible).toBe(false);
		expect(big.explanation!.en).toMatch(/never split/);
	});
});

describe('rebalance', () => {
	it('moves a few boundary buildings to bring every grid into the band, keeping a clean partition', () => {
		const { community, grids, buildings } = syntheticCommunity(3, 3, 180, 400, 11);
		const band = { min: 300, max: 500 }; // starts with grids at 249, 612 and 235 households
		const before = validatePartition(community, grids, buildings, band).filter((v) => v.kind === 'band').length;
		expect(before).toBeGreaterThan(0);
		const r = rebalance(community, grids, buildings, band);
		expect(r.inBand).toBe(true);
		expect(r.moved).toBeGreaterThan(0);
		expect(r.moved).toBeLessThan(buildings.length / 4);
		expect(validatePartition(community, r.grids, buildings, band)).toEqual([]);
		const total = Object.values(r.households).reduce((a, b) => a + b, 0);
		expect(total).toBe(buildings.reduce((s, b) => s + b.households, 0));
	});

	it('does nothing when the plan is already inside the band', () => {
		const { community, grids, buildings } = syntheticCommunity(2, 2, 80, 400, 5);
		const r = rebalance(community, grids, buildings, { min: 0, max: 10_000 });
		expect(r.moved).toBe(0);
		expect(r.grids).toEqual(grids as GridFeature[]);
	});
});

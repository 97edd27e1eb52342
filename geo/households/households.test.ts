import { describe, expect, it } from 'vitest';
import { DEFAULT_HOUSEHOLD_OPTIONS } from '../types';
import { estimateHouseholds, parseHeightM, parseLevels, parseOsmNumber } from './index';

const opts = DEFAULT_HOUSEHOLD_OPTIONS; // 90 m² per dwelling, 6 floors default, 3 m per storey

describe('parseOsmNumber', () => {
	it.each([
		['6', 6],
		['6;7', 6],
		[' 12.5 ', 12.5],
		['20 m', 20],
		['20m', 20],
		['12,5', 12.5],
		['10 ft', 3.048],
		[7, 7]
	])('reads %j as %d', (raw, expected) => {
		expect(parseOsmNumber(raw)).toBeCloseTo(expected, 6);
	});

	it.each([['unknown'], [''], [null], [undefined], [Number.NaN], ['m 20']])('rejects %j', (raw) => {
		expect(parseOsmNumber(raw)).toBeUndefined();
	});

	it('refuses impossible levels and heights', () => {
		expect(parseLevels('0')).toBeUndefined();
		expect(parseLevels('-1')).toBeUndefined();
		expect(parseLevels('5.6')).toBe(6);
		expect(parseHeightM('0')).toBeUndefined();
	});
});

describe('estimateHouseholds', () => {
	it('uses building:levels first', () => {
		expect(estimateHouseholds({ footprintM2: 600, levels: '6;7', heightM: '90 m' }, opts)).toEqual({
			households: 40, // 600 × 6 ÷ 90
			levels: 6,
			levelsSource: 'levels'
		});
	});

	it('derives floors from height when levels are missing (rounded)', () => {
		expect(estimateHouseholds({ footprintM2: 450, heightM: '20 m' }, opts)).toEqual({
			households: 35, // 20 m ÷ 3 → 7 floors; 450 × 7 ÷ 90 = 35
			levels: 7,
			levelsSource: 'height'
		});
		// A 1 m shed still has one floor.
		expect(estimateHouseholds({ footprintM2: 90, heightM: 1 }, opts).levels).toBe(1);
	});

	it('falls back to the default floor count', () => {
		expect(estimateHouseholds({ footprintM2: 300, levels: 'unknown' }, opts)).toEqual({
			households: 20, // 300 × 6 ÷ 90
			levels: 6,
			levelsSource: 'default'
		});
	});

	it('always returns at least one household and honours custom options', () => {
		expect(estimateHouseholds({ footprintM2: 5 }, opts).households).toBe(1);
		expect(estimateHouseholds({ footprintM2: 0 }, opts).households).toBe(1);
		const custom = { dwellingSizeM2: 60, defaultLevels: 3, storeyHeightM: 4 };
		expect(estimateHouseholds({ footprintM2: 200, heightM: 16 }, custom)).toEqual({ households: 13, levels: 4, levelsSource: 'height' });
		expect(estimateHouseholds({ footprintM2: 200 }, custom)).toEqual({ households: 10, levels: 3, levelsSource: 'default' });
	});
});

describe('non-residential buildings', () => {
	it('count no households but keep their floors', () => {
		const office = estimateHouseholds({ footprintM2: 900, levels: 10, buildingType: 'office' });
		expect(office).toEqual({ households: 0, levels: 10, levelsSource: 'levels' });
		expect(estimateHouseholds({ footprintM2: 900, levels: 10, buildingType: 'residential' }).households).toBe(100);
		expect(estimateHouseholds({ footprintM2: 900, levels: 10, buildingType: 'yes' }).households).toBe(100);
	});
});

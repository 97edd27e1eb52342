import { describe, expect, it } from 'vitest';
import { isCommunityCode, isSubdistrictCode, normaliseCode } from './codes';
import { toIsoTimestamp } from './dates';
import { canonicalJson, contentHash } from './source-id';
import { PropertyReader } from './properties';

describe('division codes', () => {
	it('accepts real Nanjing codes', () => {
		expect(isSubdistrictCode('320102003')).toBe(true);
		expect(isCommunityCode('320102003001')).toBe(true);
	});
	it.each(['32010200', '3201020031', '990102003', '320100003', '320102000', '32010200a'])('refuses subdistrict code %s', (code) => {
		expect(isSubdistrictCode(code)).toBe(false);
	});
	it.each(['32010200300', '320102003000', '990102003001', '320102000001'])('refuses community code %s', (code) => {
		expect(isCommunityCode(code)).toBe(false);
	});
	it('accepts province 99 only for synthetic data (gridatlas synth)', () => {
		expect(isSubdistrictCode('990102003', { synthetic: true })).toBe(true);
		expect(isCommunityCode('990102003001', { synthetic: true })).toBe(true);
		expect(isSubdistrictCode('980102003', { synthetic: true })).toBe(false);
		expect(isCommunityCode('990102003000', { synthetic: true })).toBe(false);
	});
	it('normalises numeric cells', () => {
		expect(normaliseCode(' 320102003.0 ')).toBe('320102003');
	});
});

describe('toIsoTimestamp', () => {
	it.each([
		['2024-05-01 10:30', '2024-05-01T10:30:00+08:00'],
		['2024-05-01T10:30:15', '2024-05-01T10:30:15+08:00'],
		['2024/5/1', '2024-05-01T00:00:00+08:00'],
		['2024年5月1日 8:05', '2024-05-01T08:05:00+08:00'],
		['2024-05-01T02:30:00Z', '2024-05-01T02:30:00Z'],
		['2024-05-01T10:30:00.250+0800', '2024-05-01T10:30:00.250+08:00']
	])('%s → %s', (input, expected) => {
		expect(toIsoTimestamp(input)).toBe(expected);
	});
	it.each(['昨天', '2024-02-30', '2024-13-01', '01/05/2024', '2024-05-01 25:00'])('refuses %s', (input) => {
		expect(toIsoTimestamp(input)).toBeUndefined();
	});
});

describe('contentHash', () => {
	it('is stable, ignores key order and differs for different content', () => {
		const a = { geometry: { type: 'Point', coordinates: [118.78, 32.04] }, properties: { name: 'A', levels: 6 } };
		const reordered = { properties: { levels: 6, name: 'A' }, geometry: { coordinates: [118.78, 32.04], type: 'Point' } };
		expect(contentHash(a)).toBe(contentHash(reordered));
		expect(contentHash(a)).toMatch(/^hash:[0-9a-f]{28}$/);
		expect(contentHash({ ...a, properties: { name: 'B', levels: 6 } })).not.toBe(contentHash(a));
		expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
	});
	it('does not collide on 100,000 similar buildings', () => {
		const ids = new Set<string>();
		for (let i = 0; i < 100_000; i++) ids.add(contentHash({ coordinates: [118 + i * 1e-6, 32], levels: i % 30 }));
		expect(ids.size).toBe(100_000);
	});
});

describe('PropertyReader', () => {
	const reader = new PropertyReader({ NAME: ' 石鼓路 ', 户数: '1,200', Height: 'abc', empty: '', code: 320102003 });
	it('matches names case-insensitively, with aliases, skipping empty values', () => {
		expect(reader.text(['empty', 'name'])).toBe('石鼓路');
		expect(reader.text(['code'])).toBe('320102003');
		expect(reader.text(['missing'])).toBeUndefined();
	});
	it('tells a missing number from a malformed one', () => {
		expect(reader.number(['households', '户数'])).toBe(1200);
		expect(reader.number(['height'])).toBeNaN();
		expect(reader.number(['levels'])).toBeUndefined();
	});
});

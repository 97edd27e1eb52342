import { describe, expect, it } from 'vitest';
import { jsonSlices, streamedJson } from './json-stream';

const big = {
	computedAt: new Date(Date.UTC(2026, 0, 2)),
	skip: undefined,
	fn: () => 1,
	rules: [{ id: 'a', n: 1 }],
	cells: Array.from({ length: 5000 }, (_, i) => ({
		community: String(i).padStart(12, '0'),
		share: i % 3 ? i / 7 : null,
		gone: undefined,
		tags: ['x', undefined, 'y'],
		text: '引号"\\\n'
	})),
	nested: { deep: { arr: Array.from({ length: 100 }, (_, i) => [i, { v: i }]) } },
	empty: [],
	obj: {}
};

describe('streamedJson', () => {
	it('writes exactly the text JSON.stringify writes, for every kind of member', () => {
		for (const v of [
			big,
			[],
			{},
			null,
			1,
			'x',
			[undefined, () => 1, Symbol('s')],
			{ a: undefined },
			Array.from({ length: 100 }, (_, i) => (i % 2 ? undefined : i))
		]) {
			expect([...jsonSlices(v)].join('')).toBe(JSON.stringify(v) ?? 'null');
		}
	});

	it('hands a large value over in several slices, each a bounded size', () => {
		const huge = { cells: Array.from({ length: 60_000 }, (_, i) => ({ i, s: 'x'.repeat(20) })) };
		const slices = [...jsonSlices(huge)];
		expect(slices.length).toBeGreaterThan(3);
		// a slice ends at the first member past the size bound
		for (const s of slices) expect(s.length).toBeLessThan(256 * 1024 + 1024);
		expect(slices.join('')).toBe(JSON.stringify(huge));
	});

	it('answers as application/json with the same body', async () => {
		const res = streamedJson(big, { headers: { 'cache-control': 'no-store' } });
		expect(res.headers.get('content-type')).toBe('application/json');
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(await res.text()).toBe(JSON.stringify(big));
	});

	it('sends a small answer whole and a large one in slices, the same text either way', async () => {
		const small = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '320102003001001' }, geometry: null }] };
		expect(await streamedJson(small).text()).toBe(JSON.stringify(small));
		const huge = { cells: Array.from({ length: 60_000 }, (_, i) => ({ i, s: 'y'.repeat(20) })) };
		const reader = streamedJson(huge).body!.getReader();
		let chunks = 0;
		let text = '';
		const decoder = new TextDecoder();
		for (let r = await reader.read(); !r.done; r = await reader.read()) {
			chunks++;
			text += decoder.decode(r.value, { stream: true });
		}
		expect(chunks).toBeGreaterThan(3);
		expect(text).toBe(JSON.stringify(huge));
	});
});

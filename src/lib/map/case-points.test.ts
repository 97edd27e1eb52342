// The points mode's growable case columns (src/lib/map/case-points.ts) against the fixture cases of
// geo/density (geo/density/test/in/cases.json): what the server sends is 16 bytes a case, live cases
// append in order with capacity doubling, a status change rewrites its slot only, and the GPU's
// filter values select exactly what selectWindow selects.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BYTES_PER_CASE, HEADER_BYTES, decodeCases, encodeCases, makeDict, selectWindow, type CaseInput } from '$geo/density/columns';
import { CasePoints, HIDDEN, STATUS_COLORS, headroom } from './case-points';

const fixture = JSON.parse(readFileSync(new URL('../../../geo/density/test/in/cases.json', import.meta.url), 'utf8')) as {
	categories: string[];
	statuses: string[];
	cases: (Omit<CaseInput, 'reportedAt'> & { reportedAt: string })[];
};
const dict = makeDict(fixture.categories, fixture.statuses);
const cases: CaseInput[] = fixture.cases.map((c) => ({ ...c, reportedAt: new Date(c.reportedAt) }));
const t0 = Math.min(...cases.map((c) => (c.reportedAt as Date).getTime()));

/** n cases after the fixture's, one a minute, spread over the categories. */
const more = (n: number, from = t0 + 86400_000): CaseInput[] =>
	Array.from({ length: n }, (_, i) => ({
		lon: 118.7 + (i % 97) * 0.001,
		lat: 32.0 + Math.floor(i / 97) * 0.001,
		reportedAt: from + i * 60_000,
		category: fixture.categories[i % fixture.categories.length],
		status: 'reported'
	}));

describe('CasePoints', () => {
	it('transports 16 bytes a case and adopts the server buffer with room to grow', () => {
		const buffer = encodeCases(cases, dict);
		expect(buffer.byteLength).toBe(HEADER_BYTES + BYTES_PER_CASE * cases.length);
		expect((buffer.byteLength - HEADER_BYTES) / cases.length).toBeLessThanOrEqual(16);
		const big = encodeCases(more(10_000), dict);
		expect((big.byteLength - HEADER_BYTES) / 10_000).toBe(16);

		const p = new CasePoints(buffer, dict);
		expect(p.length).toBe(cases.length);
		expect(p.capacity).toBe(headroom(cases.length));
		expect(p.capacity).toBeGreaterThan(cases.length);
		const d = decodeCases(buffer);
		expect([...p.columns.lonLat.subarray(0, 2 * p.length)]).toEqual([...d.lonLat]);
		expect([...p.columns.time.subarray(0, p.length)]).toEqual([...d.time]);
		// On a WGS-84 map the lonLat column itself is the position attribute (no copy).
		expect(p.position).toBe(p.columns.lonLat);
		expect(p.takeChanges()).toBe('all');
		expect(p.takeChanges()).toEqual([]);
	});

	it('appends in order, in place until full, then doubles the capacity', () => {
		const p = new CasePoints(encodeCases([], dict), dict, { base: Math.floor(t0 / 1000) });
		expect(p.capacity).toBe(64);
		p.takeChanges();
		const items = more(1000);
		const capacities = new Set<number>();
		let inPlace = 0;
		for (const [i, c] of items.entries()) {
			const before = p.columns.buffer;
			const r = p.upsert(c);
			expect(r).toEqual({ slot: i, appended: true, changed: true });
			if (p.columns.buffer === before) {
				inPlace++;
				expect(p.takeChanges()).toEqual([[i, i + 1]]);
			} else expect(p.takeChanges()).toBe('all');
			capacities.add(p.capacity);
		}
		expect(p.length).toBe(1000);
		expect([...capacities]).toEqual([64, 128, 256, 512, 1024]);
		expect(p.grown).toBe(4);
		expect(inPlace).toBe(1000 - 4);
		// Order and content survive every growth.
		const expected = decodeCases(encodeCases(items, dict));
		expect([...p.columns.time.subarray(0, 1000)]).toEqual([...expected.time]);
		expect([...p.columns.lonLat.subarray(0, 2000)]).toEqual([...expected.lonLat]);
		expect([...p.columns.category.subarray(0, 1000)]).toEqual([...expected.category]);
		expect(p.filter[999]).toBe(Math.floor((t0 + 86400_000 + 999 * 60_000) / 1000) - Math.floor(t0 / 1000));
	});

	it('merges consecutive appends into one changed range', () => {
		const p = new CasePoints(encodeCases(cases, dict), dict);
		p.takeChanges();
		for (const c of more(5)) p.upsert(c);
		expect(p.takeChanges()).toEqual([[cases.length, cases.length + 5]]);
	});

	it('a status change rewrites its slot in place; a repeat changes nothing', () => {
		const p = new CasePoints(encodeCases(cases, dict), dict);
		p.takeChanges();
		const slot = 1;
		const version = p.version;
		const r = p.upsert({ ...cases[slot], status: 'closed' });
		expect(r).toEqual({ slot, appended: false, changed: true });
		expect(p.length).toBe(cases.length);
		expect(dict.statuses[p.columns.status[slot]]).toBe('closed');
		expect([...p.color.subarray(4 * slot, 4 * slot + 4)]).toEqual(STATUS_COLORS.closed);
		expect(p.takeChanges()).toEqual([[slot, slot + 1]]);
		expect(p.version).toBe(version + 1);
		// The stream repeating what the snapshot holds (the overlap while it loaded): no change.
		expect(p.upsert({ ...cases[slot], status: 'closed' })).toEqual({ slot, appended: false, changed: false });
		expect(p.upsert(cases[0])).toMatchObject({ slot: 0, appended: false });
		expect(p.length).toBe(cases.length);
		// Another place, second or category is another case.
		expect(p.upsert({ ...cases[0], lon: cases[0].lon + 0.0001 }).appended).toBe(true);
		expect(p.upsert({ ...cases[0], reportedAt: (cases[0].reportedAt as Date).getTime() + 1000 }).appended).toBe(true);
		expect(p.length).toBe(cases.length + 2);
	});

	it('tells what a clicked slot holds (the card of a picked point), appended ones too', () => {
		const p = new CasePoints(encodeCases(cases, dict), dict);
		const c = p.caseAt(2)!;
		expect([c.category, c.status]).toEqual([cases[2].category, cases[2].status]);
		expect(c.reportedAt).toBe(new Date(Math.floor((cases[2].reportedAt as Date).getTime() / 1000) * 1000).toISOString());
		expect(c.lon).toBeCloseTo(cases[2].lon, 5);
		const [extra] = more(1);
		const { slot } = p.upsert(extra);
		expect(p.caseAt(slot)).toMatchObject({ category: extra.category, status: 'reported', reportedAt: new Date(extra.reportedAt as number).toISOString() });
		expect(p.caseAt(p.length)).toBeNull();
		expect(p.caseAt(-1)).toBeNull();
	});

	it('refuses a category or status the dictionary does not know', () => {
		const p = new CasePoints(encodeCases(cases, dict), dict);
		expect(() => p.upsert({ ...cases[0], category: 'new_kind' })).toThrow(RangeError);
		expect(() => p.upsert({ ...cases[0], status: 'verified' })).toThrow(RangeError);
		expect(p.length).toBe(cases.length);
	});

	it('selects on the GPU what selectWindow selects: time window and categories', () => {
		const all = [...cases, ...more(500, t0)];
		const p = new CasePoints(encodeCases(all, dict), dict);
		const gpu = (from: number, to: number) => {
			const [lo, hi] = p.filterRange(from, to);
			let n = 0;
			for (let i = 0; i < p.length; i++) if (p.filter[i] >= lo && p.filter[i] <= hi) n++;
			return n;
		};
		const windows: [number, number][] = [
			[t0, t0 + 3600_000],
			[t0 + 1800_500, t0 + 7200_000],
			[t0 - 86400_000, t0 + 2 * 86400_000],
			[t0 + 60_000, t0 + 120_000]
		];
		for (const [from, to] of windows) {
			const expected = selectWindow(p.columns, { from, to }).length;
			expect(gpu(from, to)).toBe(expected);
			expect(p.count(from, to)).toBe(expected);
		}
		p.takeChanges();
		p.setCategories(['dispute', 'other']);
		expect(p.takeChanges()).toBe('all');
		const codes = new Set([dict.categoryCode.get('dispute')!, dict.categoryCode.get('other')!]);
		for (let i = 0; i < p.length; i++) expect(p.filter[i] === HIDDEN).toBe(!codes.has(p.columns.category[i]));
		for (const [from, to] of windows) {
			const expected = selectWindow(p.columns, { from, to, categories: codes }).length;
			expect(gpu(from, to)).toBe(expected);
			expect(p.count(from, to)).toBe(expected);
		}
		// A case appended under the filter is filtered too.
		const hidden = p.upsert({ ...more(1)[0], category: 'dispute' === fixture.categories[0] ? fixture.categories[1] : fixture.categories[0] });
		expect(p.filter[hidden.slot]).toBe(HIDDEN);
		p.setCategories(null);
		expect(p.filter[hidden.slot]).not.toBe(HIDDEN);
	});

	it('projects positions for a GCJ-02 map, including appended cases', () => {
		const p = new CasePoints(encodeCases(cases, dict), dict);
		p.setProjection((lon, lat) => [lon + 1, lat + 2]);
		expect(p.position).not.toBe(p.columns.lonLat);
		expect(p.position[0]).toBeCloseTo(p.columns.lonLat[0] + 1, 4);
		const r = p.upsert(more(1)[0]);
		expect(p.position[2 * r.slot + 1]).toBeCloseTo(p.columns.lonLat[2 * r.slot + 1] + 2, 4);
		p.setProjection(null);
		expect(p.position).toBe(p.columns.lonLat);
	});
});

// Live case reports arriving together are written together (src/lib/server/cases/ingest-group.ts), on
// both engines: each request is answered as if the requests had been written one after another — its
// own outcomes, counts and errors under its own item numbers — and the stored cases are the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { categoryLookup, getCase, ingestItems, listCaseCategories, type IngestResult } from '../src/lib/server/cases';
import { parseCaseBatch } from '$geo/cases';
import { splitResult } from '../src/lib/server/cases/ingest-group';
import { testEngines } from './helpers/engines';

const at = (lon: number, lat: number) => ({ lon, lat });

/** Requests as a feed and a worker might send them at once: new cases, the same case twice, a status step, refusals. */
const requests = (tag: string) => [
	[
		{ id: `${tag}-a`, category: 'environment', ...at(118.78, 32.04) },
		{ id: `${tag}-b`, category: 'environment', ...at(118.781, 32.041) }
	],
	[
		{ id: `${tag}-a`, status: 'registered' },
		{ id: `${tag}-new-without-location`, category: 'environment' }
	],
	[{ id: `${tag}-c`, category: 'environment', ...at(118.782, 32.042) }],
	[
		{ id: `${tag}-a`, status: 'reported' },
		{ id: `${tag}-b`, status: 'dispatched' }
	],
	[{ id: `${tag}-lost`, status: 'closed' }]
];

/** What a client reads of an answer (the stream's event ids differ between runs). */
const shown = (r: IngestResult) => ({ ...r, lastEventId: r.lastEventId === null ? null : 'set' });

for (const engine of testEngines()) {
	describe(`case reports written together (${engine.name})`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(() => db?.close());

		it('answers each request as if they had been written one after another', async () => {
			const categories = await listCaseCategories(db);
			// each request parsed, then stored (the route's order: ingestCases parses, checks the scope, stores)
			const store = (tag: string) =>
				requests(tag).map((body) => () => ingestItems(db, parseCaseBatch(body, { categories: categoryLookup(categories) }).items, { categories }));
			const alone: IngestResult[] = [];
			for (const send of store('one')) alone.push(await send());
			// all at once, in this order: the first is written alone, the others wait and go together
			const together = await Promise.all(store('all').map((send) => send()));
			const renamed = (r: IngestResult) => JSON.parse(JSON.stringify(shown(r)).replaceAll('one-', 'all-'));
			expect(together.map(shown)).toEqual(alone.map(renamed));
			// the four that waited were written in one transaction: one run of events, one last id
			const waited = together.slice(1).flatMap((r) => (r.lastEventId === null ? [] : [r.lastEventId]));
			expect(waited.length).toBe(3);
			expect(new Set(waited).size).toBe(1);
			expect(together[0].lastEventId).toBeLessThan(waited[0]);
			// the refusals name each request's own item numbers
			expect(together[1].errors.map((e) => [e.index, e.code])).toEqual([[1, 'missing_coordinates']]);
			expect(together[1].errors[0].message).toMatch(/第 2 条/);
			expect(together[3].errors.map((e) => [e.index, e.code])).toEqual([[0, 'status_backwards']]);
			for (const id of ['a', 'b', 'c']) {
				const [one, all] = [await getCase(db, `one-${id}`), await getCase(db, `all-${id}`)];
				expect([all?.status, all?.category]).toEqual([one?.status, one?.category]);
			}
		});
	});
}

describe('a group result split between its requests', () => {
	it('keeps each request its outcomes by position and the errors of its refused items, even for the same item number and id', () => {
		const item = (index: number, id: string) => ({ index, id }) as never;
		const err = (index: number, id: string, code: string) => ({ index, id, field: 'x', code, message: code, zh: code, en: code });
		const parts = splitResult([[item(0, 'x'), item(1, 'y')], [item(0, 'x')]], {
			received: 3,
			inserted: 1,
			updated: 0,
			unchanged: 0,
			rejected: 2,
			errors: [err(1, 'y', 'first'), err(0, 'x', 'second')],
			outcomes: [
				{ index: 0, id: 'x', outcome: 'inserted' },
				{ index: 1, id: 'y', outcome: 'rejected' },
				{ index: 0, id: 'x', outcome: 'rejected' }
			],
			lastEventId: 9
		});
		expect(parts.map((p) => [p.inserted, p.rejected, p.errors.map((e) => e.code), p.lastEventId])).toEqual([
			[1, 1, ['first'], 9],
			[0, 1, ['second'], null]
		]);
	});
});

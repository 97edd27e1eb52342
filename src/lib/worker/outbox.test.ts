// The outbox: items leave in the order they were made, exactly once (a lost answer is sent again and
// the server, storing by id, keeps one), a retry holds back everything after it, a refusal does not.
import { describe, expect, it } from 'vitest';
import { flush, MemoryOutbox, newClientId, outcomeOf, sendOrder, type OutboxItem, type Sent } from './outbox';

const item = (id: string, kind: OutboxItem['kind'] = 'report'): OutboxItem => ({
	kind,
	id,
	label: id,
	createdAt: '2026-01-01T00:00:00Z',
	url: '/x',
	attempts: 0,
	state: 'pending'
});

/** A server that stores by id (idempotent) and can be offline or lose answers. */
function server() {
	const stored: string[] = [];
	const received: string[] = [];
	let online = true;
	let loseAnswers = 0;
	const refuse = new Set<string>();
	return {
		stored,
		received,
		set online(v: boolean) {
			online = v;
		},
		loseNext(n: number) {
			loseAnswers = n;
		},
		refuse,
		async send(i: OutboxItem): Promise<Sent> {
			if (!online) throw new TypeError('Failed to fetch');
			received.push(i.id);
			if (refuse.has(i.id)) return { status: 400, message: 'bad' };
			if (!stored.includes(i.id)) stored.push(i.id);
			if (loseAnswers > 0) {
				loseAnswers--;
				throw new TypeError('network lost');
			}
			return { status: 200 };
		}
	};
}

describe('outbox', () => {
	it('classifies answers: 2xx sent; offline, 401, 408, 429, 5xx retried; other 4xx refused', () => {
		expect([200, 201, 204].map(outcomeOf)).toEqual(['sent', 'sent', 'sent']);
		expect([0, 401, 408, 429, 500, 502, 503].map(outcomeOf)).toEqual(Array(7).fill('retry'));
		expect([400, 403, 404, 409, 413, 415].map(outcomeOf)).toEqual(Array(6).fill('refused'));
	});

	it('sends offline reports in order, exactly once, when the network returns', async () => {
		const store = new MemoryOutbox();
		const s = server();
		s.online = false;
		await store.add([item('r1')]);
		await store.add([item('r2'), item('p2a', 'photo'), item('p2b', 'photo')]);
		await store.add([item('r3')]);
		const r0 = await flush(store, (i) => s.send(i));
		expect(r0).toEqual({ sent: 0, refused: 0, left: 5 });
		expect((await store.all()).map((i) => [i.id, i.attempts])).toEqual([
			['r1', 1],
			['r2', 0],
			['p2a', 0],
			['p2b', 0],
			['r3', 0]
		]);
		s.online = true;
		const r1 = await flush(store, (i) => s.send(i));
		expect(r1).toEqual({ sent: 5, refused: 0, left: 0 });
		expect(s.stored).toEqual(['r1', 'r2', 'p2a', 'p2b', 'r3']);
		expect(await store.all()).toEqual([]);
	});

	it('an answer lost on the way back: the item is sent again, stored once, and nothing overtakes it', async () => {
		const store = new MemoryOutbox();
		const s = server();
		await store.add([item('a'), item('b'), item('c')]);
		s.loseNext(1);
		const r1 = await flush(store, (i) => s.send(i));
		expect(r1.sent).toBe(0);
		expect(s.received).toEqual(['a']); // b and c waited
		await flush(store, (i) => s.send(i));
		expect(s.received).toEqual(['a', 'a', 'b', 'c']);
		expect(s.stored).toEqual(['a', 'b', 'c']);
	});

	it('a refused item is kept with its reason and does not hold the others back', async () => {
		const store = new MemoryOutbox();
		const s = server();
		s.refuse.add('bad');
		await store.add([item('ok1'), item('bad'), item('ok2')]);
		const r = await flush(store, (i) => s.send(i));
		expect(r).toEqual({ sent: 2, refused: 1, left: 0 });
		const left = await store.all();
		expect(left.map((i) => [i.id, i.state, i.error])).toEqual([['bad', 'refused', 'bad']]);
		expect(sendOrder(left)).toEqual([]); // not sent again
	});

	it('sends in creation order whatever order the store lists them in', () => {
		const items = [3, 1, 2].map((seq) => ({ ...item(`i${seq}`), seq }));
		expect(sendOrder(items).map((i) => i.id)).toEqual(['i1', 'i2', 'i3']);
	});

	it('client ids are unique, URL-safe and accepted by the server rule', () => {
		const ids = new Set(Array.from({ length: 1000 }, () => newClientId('m')));
		expect(ids.size).toBe(1000);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
	});
});

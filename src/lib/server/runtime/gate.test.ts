import { describe, expect, it } from 'vitest';
import { Gate } from './gate';

describe('gate', () => {
	it('runs at most its limit at once, the others in the order they came, through failures', async () => {
		const gate = new Gate(2);
		let now = 0;
		let most = 0;
		const order: number[] = [];
		const releases: (() => void)[] = [];
		const work = (i: number) =>
			gate.run(async () => {
				most = Math.max(most, ++now);
				order.push(i);
				await new Promise<void>((r) => releases.push(r));
				now--;
				if (i === 1) throw new Error('one failed');
			});
		const all = [0, 1, 2, 3, 4].map((i) => work(i).catch((e: Error) => e.message));
		await Promise.resolve();
		expect(gate.queued).toBe(3);
		while (order.length < 5 || releases.length) {
			await new Promise((r) => setImmediate(r));
			releases.shift()?.();
		}
		expect(await Promise.all(all)).toEqual([undefined, 'one failed', undefined, undefined, undefined]);
		expect(most).toBe(2);
		expect(order).toEqual([0, 1, 2, 3, 4]);
		expect(gate.queued).toBe(0);
	});
});

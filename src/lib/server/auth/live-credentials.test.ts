import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/capabilities';
import { recheckCredentials, watchCredential, watchedCount } from './live-credentials';

const leader: Principal = {
	kind: 'user',
	id: 7,
	name: 'li',
	displayName: '李',
	role: 'leader',
	capabilities: ['wall:read', 'cases:read'],
	units: ['320102003']
};

describe('watchCredential', () => {
	it('ends a watched response when its credential stops granting the same, and only then', async () => {
		let now: Principal | null = leader;
		let ended = 0;
		const stop = watchCredential({ key: 's:x', resolve: async () => now }, leader, () => ended++);
		await recheckCredentials();
		expect(ended).toBe(0);
		now = { ...leader, displayName: '李四' }; // a new display name grants nothing new
		await recheckCredentials();
		expect(ended).toBe(0);
		now = { ...leader, units: ['320102003001'] };
		await recheckCredentials();
		expect(ended).toBe(1);
		expect(watchedCount()).toBe(0);
		stop();
	});
	it('ends on revocation (no principal), and not while the database is briefly unreachable', async () => {
		let fail = true;
		let ended = 0;
		watchCredential(
			{
				key: 't:y',
				resolve: async () => {
					if (fail) throw new Error('down');
					return null;
				}
			},
			leader,
			() => ended++
		);
		await recheckCredentials();
		expect(ended).toBe(0);
		fail = false;
		await recheckCredentials();
		expect(ended).toBe(1);
	});
	it('a stopped watch is forgotten', async () => {
		const stop = watchCredential({ key: 't:z', resolve: async () => null }, leader, () => {});
		stop();
		expect(watchedCount()).toBe(0);
	});
});

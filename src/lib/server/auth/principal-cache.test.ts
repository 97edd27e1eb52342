import { describe, expect, it } from 'vitest';
import { cachedPrincipal, forgetPrincipals, TTL_MS } from './principal-cache';
import type { Principal } from '../../auth/capabilities';

const who = (name: string): Principal => ({ kind: 'user', id: 1, name, displayName: name, role: 'viewer', capabilities: [], units: ['*'] });

describe('principal cache', () => {
	it('answers from memory within the TTL and asks again after it', async () => {
		forgetPrincipals();
		let calls = 0;
		const load = async () => (calls++, who('a'));
		expect((await cachedPrincipal('s:x', load, 7, 1_000))?.name).toBe('a');
		await cachedPrincipal('s:x', load, 7, 1_000 + TTL_MS - 1);
		expect(calls).toBe(1);
		await cachedPrincipal('s:x', load, 7, 1_000 + TTL_MS);
		expect(calls).toBe(2);
	});

	it('asks again when the accounts data version moved (a change made by another process or plain SQL)', async () => {
		forgetPrincipals();
		let calls = 0;
		const load = async () => (calls++, who('c'));
		await cachedPrincipal('s:v', load, 7, 0);
		await cachedPrincipal('s:v', load, 7, 1);
		expect(calls).toBe(1);
		await cachedPrincipal('s:v', load, 8, 2);
		expect(calls).toBe(2);
	});

	it('forgets everything on a change, so a revoked session is refused on the next request', async () => {
		forgetPrincipals();
		await cachedPrincipal('s:y', async () => who('b'), 7, 0);
		forgetPrincipals();
		expect(await cachedPrincipal('s:y', async () => null, 7, 1)).toBeNull();
	});

	it('does not keep an answer that a change overtook while it was being looked up', async () => {
		forgetPrincipals();
		let release!: () => void;
		const slow = cachedPrincipal('s:z', () => new Promise<Principal>((r) => (release = () => r(who('old')))), 7, 0);
		forgetPrincipals();
		release();
		expect((await slow)?.name).toBe('old');
		expect(await cachedPrincipal('s:z', async () => null, 7, 1)).toBeNull();
	});
});

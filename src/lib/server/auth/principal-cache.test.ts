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

	it('looks a credential up once for requests arriving together, and shares a failure with them', async () => {
		forgetPrincipals();
		let calls = 0;
		let release!: () => void;
		const load = () => (calls++, new Promise<Principal>((r) => (release = () => r(who('d')))));
		const together = [0, 1, 2, 3].map((t) => cachedPrincipal('s:w', load, 7, t));
		release();
		expect((await Promise.all(together)).map((p) => p?.name)).toEqual(['d', 'd', 'd', 'd']);
		expect(calls).toBe(1);
		let fail!: (err: Error) => void;
		const broken = () => new Promise<Principal>((_, reject) => (fail = reject));
		const a = cachedPrincipal('s:f', broken, 7, 0);
		const b = cachedPrincipal('s:f', async () => who('never'), 7, 0);
		fail(new Error('database gone'));
		await expect(a).rejects.toThrow('database gone');
		await expect(b).rejects.toThrow('database gone');
		// the failure is not kept: the next request looks up again
		expect((await cachedPrincipal('s:f', async () => who('e'), 7, 1))?.name).toBe('e');
	});

	it('never shares a lookup started before a revocation with a request after it', async () => {
		forgetPrincipals();
		let release!: () => void;
		const before = cachedPrincipal('s:r', () => new Promise<Principal>((r) => (release = () => r(who('before')))), 7, 0);
		forgetPrincipals();
		const after = cachedPrincipal('s:r', async () => null, 7, 1);
		release();
		expect((await before)?.name).toBe('before');
		expect(await after).toBeNull();
	});
});

// A locked account answers a wrong password as an unknown name does, at the same cost (issue 16,
// finding 9): each pays exactly one password check at the same scrypt parameters. Counted, not timed
// (tests/security/sign-in.test.ts checks the answers over HTTP), so the outcome can't depend on how
// fast or how loaded the machine is.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { testEngines } from './helpers/engines';

vi.mock('../src/lib/server/auth/password', async (importOriginal) => {
	const m = await importOriginal<typeof import('../src/lib/server/auth/password')>();
	return { ...m, verifyPassword: vi.fn(m.verifyPassword) };
});
const { verifyPassword, DEFAULT_LOG2_N } = await import('../src/lib/server/auth/password');
const { authenticate, createUser, LOCK_AFTER, SignInError } = await import('../src/lib/server/auth/users');

/** The scrypt cost of a stored hash: "scrypt$<log2N>$<r>$<p>". */
const cost = (hash: string) => hash.split('$').slice(0, 4).join('$');

for (const engine of testEngines()) {
	describe(`sign-in cost on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			// the production cost (the unusable hash an unknown name is checked against has it too)
			await createUser(db, { username: 'locked1', password: 'locked-pass-2026!', role: 'viewer', units: ['*'] }, DEFAULT_LOG2_N);
		}, 300_000);
		afterAll(() => engine.cleanup());

		/** The error and the hashes checked while signing in once. */
		async function attempt(username: string, password: string) {
			const spy = vi.mocked(verifyPassword);
			spy.mockClear();
			const err = await authenticate(db, username, password).then(
				() => null,
				(e: unknown) => e
			);
			return { err, hashes: spy.mock.calls.map(([, hash]) => hash) };
		}

		it('a locked account and an unknown name: the same refusal after one password check of the same cost', async () => {
			for (let i = 0; i < LOCK_AFTER; i++) await attempt('locked1', 'not-the-password');
			const right = await attempt('locked1', 'locked-pass-2026!');
			expect((right.err as InstanceType<typeof SignInError>).code).toBe('locked'); // locked (told only to who knows the password)

			const locked = await attempt('locked1', 'not-the-password');
			const unknown = await attempt('nobody-at-all', 'not-the-password');
			expect(locked.err).toBeInstanceOf(SignInError);
			expect(unknown.err).toBeInstanceOf(SignInError);
			const answer = (e: unknown) => ({ code: (e as InstanceType<typeof SignInError>).code, message: (e as Error).message });
			expect(answer(locked.err)).toEqual(answer(unknown.err));
			expect(locked.hashes).toHaveLength(1);
			expect(unknown.hashes).toHaveLength(1);
			expect(cost(locked.hashes[0])).toBe(cost(unknown.hashes[0]));
			expect(cost(unknown.hashes[0])).toBe(`scrypt$${DEFAULT_LOG2_N}$8$1`);
		}, 120_000);
	});
}

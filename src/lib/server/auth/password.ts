// Password hashing with scrypt (node:crypto, no native add-on): OWASP's minimum cost N=2^17, r=8,
// p=1. The parameters are stored with the hash, so raising the cost later still verifies old hashes.
import { GridAtlasError } from '$geo/errors';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
export const DEFAULT_LOG2_N = 17;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)))
	);
}

/** "scrypt$<log2N>$<r>$<p>$<salt b64>$<key b64>" */
export async function hashPassword(password: string, log2N = DEFAULT_LOG2_N): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, { N: 2 ** log2N, r: 8, p: 1 });
	return ['scrypt', log2N, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parts = stored.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
	const [log2N, r, p] = parts.slice(1, 4).map(Number);
	if (!(log2N >= 10 && log2N <= 20) || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return false;
	const expected = Buffer.from(parts[5], 'base64');
	const key = await derive(password, Buffer.from(parts[4], 'base64'), { N: 2 ** log2N, r, p });
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, for timing-equal answers about unknown users. */
export const UNUSABLE_HASH = `scrypt$${DEFAULT_LOG2_N}$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

export class PasswordPolicyError extends GridAtlasError {
	declare readonly code: 'weak_password';
	constructor(message: string) {
		super(message, { code: 'weak_password' });
	}
}

/** At least 10 characters, not all one kind; planners get told exactly what is missing. */
export function checkPasswordPolicy(password: string, username = ''): void {
	if (typeof password !== 'string' || password.length < 10) {
		throw new PasswordPolicyError('密码至少 10 个字符 / the password needs at least 10 characters');
	}
	if (password.length > 256) throw new PasswordPolicyError('密码最长 256 个字符 / the password may have at most 256 characters');
	if (username && password.toLowerCase().includes(username.toLowerCase())) {
		throw new PasswordPolicyError('密码不能包含用户名 / the password must not contain the user name');
	}
	if (new Set(password).size < 4) {
		throw new PasswordPolicyError('密码过于简单（至少 4 个不同字符）/ the password is too simple (at least 4 different characters)');
	}
}

/** A readable random password for demo accounts and resets: 4 groups of 4, no look-alike letters. */
export function generatePassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	const bytes = randomBytes(16);
	let out = '';
	for (let i = 0; i < 16; i++) out += (i > 0 && i % 4 === 0 ? '-' : '') + alphabet[bytes[i] % alphabet.length];
	return out;
}

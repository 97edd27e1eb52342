import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite } from './csrf';

const post = (headers: Record<string, string>) =>
	new Request('http://10.0.0.5:3000/import', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', ...headers } });

describe('isCrossSiteWrite', () => {
	it('lets a same-host form post through over plain http, by IP or name', () => {
		expect(isCrossSiteWrite(post({ origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' }))).toBe(false);
		expect(isCrossSiteWrite(post({ origin: 'http://gridatlas.intranet', host: 'gridatlas.intranet' }))).toBe(false);
	});
	it('refuses a form post from another site', () => {
		expect(isCrossSiteWrite(post({ origin: 'http://evil.example', host: '10.0.0.5:3000' }))).toBe(true);
		expect(isCrossSiteWrite(post({ origin: 'null', host: '10.0.0.5:3000' }))).toBe(true);
	});
	it('ignores reads and JSON API calls', () => {
		expect(isCrossSiteWrite(new Request('http://x/', { headers: { origin: 'http://evil.example' } }))).toBe(false);
		expect(
			isCrossSiteWrite(
				new Request('http://x/api', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example', host: 'x' } })
			)
		).toBe(false);
	});
});

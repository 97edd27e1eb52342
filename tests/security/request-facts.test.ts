// What scripts/serve.js believes about a request: the connection's own scheme and address, unless
// a proxy the operator trusts says otherwise; forwarded headers from anyone else are forged.
import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, requestFacts } from '../../scripts/request-facts.js';

const none = parseTrustedProxies('');
const proxies = parseTrustedProxies('10.0.0.5, 192.168.8.0/24, ::1');
const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil.example' };

describe('requestFacts', () => {
	it('plain HTTP from anyone: http, the peer address, no host override — forwarded headers ignored', () => {
		expect(requestFacts({ encrypted: false, peer: '10.1.1.1', headers: forged }, none)).toEqual({
			protocol: 'http',
			client: '10.1.1.1',
			host: null,
			viaProxy: false
		});
		expect(requestFacts({ encrypted: false, peer: '::ffff:10.1.1.1', headers: forged }, proxies)).toMatchObject({
			protocol: 'http',
			client: '10.1.1.1',
			viaProxy: false
		});
	});
	it('TLS on the connection is https', () => {
		expect(requestFacts({ encrypted: true, peer: '10.1.1.1', headers: {} }, none).protocol).toBe('https');
	});
	it('a trusted proxy tells scheme, client and host', () => {
		const f = requestFacts(
			{
				encrypted: false,
				peer: '10.0.0.5',
				headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '172.16.0.9', 'x-forwarded-host': 'gridatlas.gov.cn' }
			},
			proxies
		);
		expect(f).toEqual({ protocol: 'https', client: '172.16.0.9', host: 'gridatlas.gov.cn', viaProxy: true });
	});
	it('the client is the first untrusted hop from the right (a client cannot prepend its own)', () => {
		const f = requestFacts({ encrypted: false, peer: '192.168.8.20', headers: { 'x-forwarded-for': '6.6.6.6, 172.16.0.9, 10.0.0.5' } }, proxies);
		expect(f.client).toBe('172.16.0.9');
	});
	it('odd values from a trusted proxy fall back safely', () => {
		const f = requestFacts({ encrypted: false, peer: '::1', headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a b/c' } }, proxies);
		expect(f).toMatchObject({ protocol: 'http', host: null, client: '::1' });
	});
	it('refuses a malformed trusted-proxy list at start', () => {
		expect(() => parseTrustedProxies('10.0.0.0/99')).toThrow(/prefix/);
		expect(() => parseTrustedProxies('proxy.local')).toThrow(/not an IP/);
	});
});

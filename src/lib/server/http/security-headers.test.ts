import { describe, expect, it } from 'vitest';
import { basemapOrigins, frameAncestors, withSecurityHeaders } from './security-headers';

const page = (csp?: string) =>
	new Response('<!doctype html>', { headers: { 'content-type': 'text/html', ...(csp ? { 'content-security-policy': csp } : {}) } });

describe('security headers', () => {
	it('frame-ancestors: the app itself by default, else the configured origins (checked)', () => {
		expect(frameAncestors({})).toEqual(["'self'"]);
		expect(frameAncestors({ GRIDATLAS_FRAME_ANCESTORS: "'self' https://portal.city.gov.cn" })).toEqual(["'self'", 'https://portal.city.gov.cn']);
		expect(() => frameAncestors({ GRIDATLAS_FRAME_ANCESTORS: 'https://x; script-src *' })).toThrow(/not a CSP source/);
	});
	it('adds framing and the basemap hosts to a page policy; X-Frame-Options only where it can say the same', () => {
		const res = withSecurityHeaders(page("default-src 'self'; img-src 'self' data:"), { frame: ["'self'"], tiles: ['https://t0.tianditu.gov.cn'] });
		expect(res.headers.get('content-security-policy')).toBe(
			"default-src 'self'; img-src 'self' data: https://t0.tianditu.gov.cn; frame-ancestors 'self'; connect-src https://t0.tianditu.gov.cn"
		);
		expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
		const portal = withSecurityHeaders(page("default-src 'self'"), { frame: ['https://portal.city.gov.cn'], tiles: [] });
		expect(portal.headers.get('x-frame-options')).toBeNull();
		expect(portal.headers.get('content-security-policy')).toMatch(/frame-ancestors https:\/\/portal\.city\.gov\.cn/);
	});
	it('pages made by hand get a policy without scripts; every answer gets nosniff and a referrer policy', () => {
		const res = withSecurityHeaders(page(), { frame: ["'none'"], tiles: [] });
		expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'; style-src 'self' 'unsafe-inline';.*frame-ancestors 'none'/);
		expect(res.headers.get('x-frame-options')).toBe('DENY');
		const api = withSecurityHeaders(new Response('{}', { headers: { 'content-type': 'application/json' } }), { frame: ["'self'"], tiles: [] });
		expect(api.headers.get('x-content-type-options')).toBe('nosniff');
		expect(api.headers.get('referrer-policy')).toBe('same-origin');
		expect(api.headers.get('content-security-policy')).toBeNull();
	});
	it('knows the tile hosts of the online basemaps switched on', () => {
		expect(basemapOrigins({})).toEqual([]);
		expect(basemapOrigins({ GRIDATLAS_BASEMAPS: 'osm', GRIDATLAS_BASEMAP_OSM_URL: 'http://10.0.0.8:8080/osm/{z}/{x}/{y}.png' })).toEqual([
			'http://10.0.0.8:8080'
		]);
	});
});

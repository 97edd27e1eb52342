// A city intranet: the app reached over plain HTTP by a host name and by a LAN address, never as
// localhost (issue 16, finding 4). Chromium maps the name to this machine; a person signs in through
// the form and uses the map, the coverage page and the wall — which fails if the session cookie is
// Secure (the browser drops it on plain HTTP and every page goes back to /login).
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage } from './helpers/browser';
import { TEST_DEMO_PASSWORD } from './helpers/session';
import { waitForMap } from './helpers/map-page';

const HOST_NAME = 'gridatlas.district.local';

function lanAddress(): string | null {
	for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	return null;
}

describe.skipIf(!hasChromium)('signing in on a plain-HTTP intranet address', () => {
	let app: AppServer;
	let browser: Browser;
	let port: string;

	beforeAll(async () => {
		app = await startApp({ env: { HOST: '0.0.0.0' } });
		port = new URL(app.url).port;
		browser = await launchChromium([`--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`]);
	}, 300_000);
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	const bases = () => [`http://${HOST_NAME}:${port}`, `http://${lanAddress() ?? '127.0.0.2'}:${port}`];

	it('keeps what was typed into the sign-in form before the page’s script ran (slow intranet)', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		// The app's scripts wait until the person has typed: as on a slow link.
		let release!: () => void;
		const typed = new Promise<void>((r) => (release = r));
		await page.route('**/_app/immutable/**', async (route) => {
			await typed;
			await route.continue();
		});
		// Module scripts hold DOMContentLoaded back: wait for the form itself.
		await page.goto(`${bases()[0]}/login`, { waitUntil: 'commit' });
		await page.waitForSelector('[data-testid=login-form] button[type=submit]');
		await page.fill('input[name=username]', 'leader');
		await page.fill('input[name=password]', TEST_DEMO_PASSWORD);
		release();
		await page.waitForSelector('html[data-hydrated]');
		expect(await page.inputValue('input[name=username]')).toBe('leader');
		expect(await page.inputValue('input[name=password]')).toBe(TEST_DEMO_PASSWORD);
		await context.close();
	}, 120_000);

	it.each([0, 1])(
		'signs in through the form and uses the app (address %i: host name, then LAN address)',
		async (i) => {
			const base = bases()[i];
			const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
			const page = await context.newPage();
			const rec = recordPage(page);
			await page.goto(`${base}/coverage`);
			expect(new URL(page.url()).pathname).toBe('/login');
			await page.fill('input[name=username]', 'leader');
			await page.fill('input[name=password]', TEST_DEMO_PASSWORD);
			await Promise.all([page.waitForURL((u) => u.pathname === '/coverage'), page.click('[data-testid=login-form] button[type=submit]')]);
			const cookies = await context.cookies(base);
			expect(cookies.find((c) => c.name === 'gridatlas_session')?.secure).toBe(false);
			// The session holds across pages: the map, then the wall.
			await page.goto(`${base}/`);
			await waitForMap(page);
			expect(new URL(page.url()).pathname).toBe('/');
			await page.goto(`${base}/wall`);
			expect(new URL(page.url()).pathname).toMatch(/^\/wall/);
			await page.screenshot({ path: `/tmp/gridatlas-intranet-${i}.png` });
			expect(rec.errors).toEqual([]);
			await context.close();
		},
		120_000
	);
});

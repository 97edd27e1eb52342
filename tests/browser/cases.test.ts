// The live case overlay in a real browser against the production build with the demo city:
// cases posted through the API appear in the latest list without a reload (SSE), hexagons are
// drawn from k-suppressed counts, descriptions stay text, and the density API suppresses.
import { signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';
import { openMap } from './helpers/map-page';

const SHOTS = process.env.SCREENSHOT_DIR;

describe.skipIf(!hasChromium)('live case overlay', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let record: PageRecord;
	let seq = 0;

	const post = (items: object[]) =>
		app.fetch(`${app.url}/api/cases`, { method: 'POST', headers: { origin: app.url, 'content-type': 'application/json' }, body: JSON.stringify(items) });
	const around = (n: number, lon: number, lat: number, category = 'environment') =>
		Array.from({ length: n }, (_, i) => ({
			id: `browser-${++seq}`,
			category,
			lon: lon + (i % 5) * 0.0003,
			lat: lat + Math.floor(i / 5) * 0.0003,
			reported_at: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
			description: '<img src=x onerror="window.__xss=1">楼道堆物'
		}));

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
		await signIn(page, app.url);
		record = recordPage(page);
		expect((await post(around(30, 118.7845, 32.0415))).status).toBe(200);
		expect((await post(around(2, 118.7700, 32.0350, 'dispute'))).status).toBe(200);
	}, 400_000);
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('draws hexagons of the last 24 h and lists the latest cases as text', async () => {
		await openMap(page, `${app.url}/`);
		await page.locator('[data-testid="case-toggle"]').check();
		await page.waitForSelector('[data-testid="case-latest"] li .c');
		expect(await page.locator('[data-testid="case-latest"] li').count()).toBe(20);
		expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
		expect(await page.locator('[data-testid="case-latest"]').innerText()).toContain('<img src=x');
		const density = await (await app.fetch(`${app.url}/api/cases/density?res=9`)).json();
		expect(density.cells.every((c: any) => c.count >= 3)).toBe(true);
		expect(density.suppressedCases).toBeGreaterThanOrEqual(2); // the two lone disputes
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/cases-overlay.png` });
	}, 90_000);

	it('a case posted through the API appears in the list without a reload', async () => {
		const [item] = around(1, 118.7850, 32.0420, 'safety_hazard');
		(item as any).reported_at = new Date().toISOString();
		(item as any).description = '新上报：消防通道堵塞';
		await page.waitForSelector('[data-testid="case-panel"][data-connected="true"]');
		expect((await post([item])).status).toBe(200);
		await page.waitForFunction(() => document.querySelector('[data-testid="case-latest"]')?.textContent?.includes('消防通道堵塞'), null, { timeout: 20_000 });
		expect(record.errors).toEqual([]);
	}, 60_000);

	it('refuses bad analysis queries with a message', async () => {
		expect((await app.fetch(`${app.url}/api/cases/density?res=42`)).status).toBe(400);
		const bad = await app.fetch(`${app.url}/api/cases/grids?from=nonsense`);
		expect(bad.status).toBe(400);
		expect((await bad.json()).message).toMatch(/ISO 8601/);
	});
});

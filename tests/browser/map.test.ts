// The map page in a real browser against the production build with the demo city loaded:
// it draws (pixels, not just DOM), shows Chinese labels, and never asks anything off this machine.
import { signIn } from './helpers/session';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import { countColor, decodePng, hexToRgb } from './helpers/png';
import { DAY as COLORS } from '../../src/lib/map/theme';

if (!hasChromium) console.warn('browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!hasChromium)('map page', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let rec: PageRecord;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp({ demo: true, timeoutMs: 240_000 });
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(page, app.url);
		rec = recordPage(page);
		await page.goto(app.url + '/');
		await page.waitForSelector('[data-testid="map"][data-map-ready="true"]', { timeout: 90_000 });
		// Settle label placement and fade-in after the first idle.
		await page.waitForFunction(() => (window as any).gridatlasMap?.loaded() && !(window as any).gridatlasMap?.isMoving(), null, { timeout: 30_000 });
		await page.waitForTimeout(800);
		await page.screenshot({ path: '/tmp/gridatlas-map.png' });
	}, 420_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('has demo data to show', async () => {
		const res = await app.fetch(`${app.url}/api/layers/communities`);
		expect(res.status).toBe(200);
		const fc = await res.json();
		expect(fc.type).toBe('FeatureCollection');
		expect(fc.features.length).toBeGreaterThan(0);
	});

	it('draws a non-blank map with the boundary lines', async () => {
		const dataUrl: string = await page.evaluate(() => (window as any).gridatlasMap.getCanvas().toDataURL('image/png'));
		const png = Buffer.from(dataUrl.split(',')[1], 'base64');
		fs.writeFileSync('/tmp/gridatlas-map-canvas.png', png);
		const img = decodePng(png);
		const total = img.width * img.height;
		const background = countColor(img, hexToRgb(COLORS.background), 6);
		const community = countColor(img, hexToRgb(COLORS.community), 30);
		const subdistrict = countColor(img, hexToRgb(COLORS.subdistrict), 30);
		const grid = countColor(img, hexToRgb(COLORS.grid), 30);
		const counts = { total, background, community, subdistrict, grid };
		// Not blank: buildings, roads and boundaries cover a good part of the view.
		expect(total - background, JSON.stringify(counts)).toBeGreaterThan(total * 0.15);
		expect(community, JSON.stringify(counts)).toBeGreaterThan(2000);
		expect(subdistrict, JSON.stringify(counts)).toBeGreaterThan(2000);
		expect(grid, JSON.stringify(counts)).toBeGreaterThan(1000);
	});

	it('renders community labels in Chinese', async () => {
		const names: string[] = await page.evaluate(() => {
			const map = (window as any).gridatlasMap;
			return map.queryRenderedFeatures({ layers: ['community-label'] }).map((f: any) => f.properties.name);
		});
		const chinese = names.filter((n) => /[\u4e00-\u9fff]/.test(n));
		expect(chinese.length, `rendered labels: ${names.join(', ')}`).toBeGreaterThan(0);
		const all = (await (await app.fetch(`${app.url}/api/layers/communities`)).json()).features.map((f: any) => f.properties.name);
		for (const n of chinese) expect(all).toContain(n);
	});

	it('draws grid labels once zoomed in', async () => {
		const names: string[] = await page.evaluate(async () => {
			const map = (window as any).gridatlasMap;
			map.jumpTo({ zoom: Math.max(map.getZoom(), 16) });
			await new Promise((r) => map.once('idle', r));
			return map.queryRenderedFeatures({ layers: ['grid-label'] }).map((f: any) => f.properties.code);
		});
		expect(names.length).toBeGreaterThan(0);
		await page.screenshot({ path: '/tmp/gridatlas-map-zoomed.png' });
	});

	it('shows the OSM attribution and the illustrative note', async () => {
		await expect(page.locator('.maplibregl-ctrl-attrib').innerText()).resolves.toContain('© OpenStreetMap contributors');
		await expect(page.getByTestId('illustrative-note').innerText()).resolves.toContain('示意');
	});

	it('serves its own glyphs and every request succeeds', async () => {
		expect(rec.requests.some((u) => /\/glyphs\/Noto%20Sans%20Regular\/0-255\.pbf$/.test(u))).toBe(true);
		expect(rec.failed).toEqual([]);
		expect(rec.errors).toEqual([]);
	});

	it('never sends a request off this machine', async () => {
		// Switch language and toggle layers too: nothing the user does may reach out.
		await page.goto(app.url + '/?lang=en');
		await page.waitForSelector('[data-testid="map"][data-map-ready="true"]', { timeout: 60_000 });
		await page.getByTestId('toggle-buildings').uncheck();
		await page.waitForTimeout(300);
		expect(rec.requests.length).toBeGreaterThan(5);
		expect(offHostRequests(rec.requests)).toEqual([]);
		await page.screenshot({ path: '/tmp/gridatlas-map-en.png' });
	});
});

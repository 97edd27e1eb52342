// The map page in a real browser against the production build with the demo city loaded:
// it draws (pixels, not just DOM), shows Chinese labels, and never asks anything off this machine.
import { signIn } from './helpers/session';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import { countColor, decodePng, hexToRgb } from './helpers/png';
import { DAY as COLORS, ISOCHRONE_COLORS } from '../../src/lib/map/theme';
import { openMap, waitForMap } from './helpers/map-page';

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

	// Issue 22: what a newcomer tripped over on the map, at the reviewer's 1600 × 1000.
	describe('a newcomer at 1600 × 1000', () => {
		let p: Page;
		let r: PageRecord;
		beforeAll(async () => {
			p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
			await signIn(p, app.url);
			r = recordPage(p);
		});
		afterAll(() => p?.close());

		it('has no greyed-out stub among the analysis layers: the isochrone switch opens its card', async () => {
			await openMap(p, app.url + '/');
			await expect(p.locator('[data-testid="legend"] input[disabled]').count()).resolves.toBe(0);
			await expect(p.getByTestId('isochrone-card').count()).resolves.toBe(0);
			await p.getByTestId('isochrone-toggle').check();
			await p.getByTestId('isochrone-card').waitFor();
			await p
				.getByTestId('isochrone-card')
				.getByRole('button', { name: /关闭步行等时圈/ })
				.click();
			await expect(p.getByTestId('isochrone-toggle').isChecked()).resolves.toBe(false);
		});

		it('scrolls the layer panel: the last basemap row and an open card can be reached', async () => {
			await p.getByTestId('isochrone-toggle').check();
			const tools = p.getByTestId('map-tools');
			const sizes = await tools.evaluate((e) => ({ scroll: e.scrollHeight, client: e.clientHeight, overflow: getComputedStyle(e).overflowY }));
			expect(sizes.overflow).toBe('auto');
			expect(sizes.scroll, 'the demo legend is taller than the screen: scrolling is what is tested').toBeGreaterThan(sizes.client);
			for (const target of [p.getByTestId('toggle-landcover'), p.getByTestId('isochrone-card')]) {
				await target.scrollIntoViewIfNeeded();
				const box = (await target.boundingBox())!;
				expect(box.y + box.height, JSON.stringify(sizes)).toBeLessThanOrEqual(1000);
				// Really visible, not clipped by a parent: the element is what the point hits.
				const hit = await target.evaluate((e) => {
					const b = e.getBoundingClientRect();
					const at = document.elementFromPoint(b.left + Math.min(8, b.width / 2), b.top + b.height / 2);
					return !!at && (e === at || e.contains(at) || at.contains(e));
				});
				expect(hit).toBe(true);
			}
			await p.screenshot({ path: '/tmp/gridatlas-map-tools-scrolled.png' });
			await p.getByTestId('isochrone-toggle').uncheck();
		});

		it("draws isochrones in their own colours with a 5/10/15-minute legend, none the selected outline's", async () => {
			await openMap(p, app.url + '/?unit=320102002002');
			await p.getByTestId('isochrone-toggle').check();
			await p.mouse.click(920, 560);
			await p.getByTestId('isochrone-result').waitFor({ timeout: 60_000 });
			await expect(p.getByTestId('isochrone-legend').innerText()).resolves.toMatch(/5 分钟[\s\S]*10 分钟[\s\S]*15 分钟/);
			const colors: string[] = await p.evaluate(() => {
				const m = (window as any).gridatlasMap;
				return m
					.getStyle()
					.layers.filter((l: any) => l.id === 'isochrone-fill')
					.map((l: any) => JSON.stringify(l.paint['fill-color']));
			});
			expect(colors).toHaveLength(1);
			for (const c of ISOCHRONE_COLORS.slice(0, 3)) expect(colors[0]).toContain(c);
			expect(new Set(ISOCHRONE_COLORS).has(COLORS.selected as never)).toBe(false);
			expect(colors[0]).not.toContain(COLORS.selected);
			await p.screenshot({ path: '/tmp/gridatlas-map-isochrones.png' });
			await p.getByTestId('isochrone-toggle').uncheck();
		});

		it('explains each walking circle: what it requires and what is missing', async () => {
			await openMap(p, app.url + '/?unit=320102003001');
			const card = p.getByTestId('life-circle-card');
			await card.locator('[data-testid="life-level"]').first().waitFor({ timeout: 60_000 });
			const rows = await card.locator('[data-testid="life-level"]').allInnerTexts();
			expect(rows).toHaveLength(3);
			for (const row of rows) expect(row).toMatch(/要求|未设要求/);
			// The complete 10-minute circle names what it asked for; an incomplete one names what is missing.
			const complete = rows.find((r) => /100%/.test(r));
			if (complete) expect(complete).toMatch(/均可达：\s*\S/);
			const incomplete = rows.find((r) => /\b0%/.test(r));
			if (incomplete) expect(incomplete).toMatch(/缺 \d+ 类/);
			await card.screenshot({ path: '/tmp/gridatlas-life-circle-card.png' });
		});

		it('empties the search box once the user drills further down', async () => {
			await openMap(p, app.url + '/');
			await p.getByTestId('search-input').fill('新街口街道');
			await p.getByTestId('search-hit').first().click();
			await p.waitForSelector('[data-testid="unit-panel"][data-code="320102003"]');
			await expect(p.getByTestId('search-input').inputValue()).resolves.toBe('新街口街道');
			await p.locator('[data-testid="unit-panel"] button', { hasText: '社区' }).first().click();
			await p.waitForFunction(() => /^[0-9]{12}$/.test(document.querySelector('[data-testid="unit-panel"]')?.getAttribute('data-code') ?? ''));
			await expect(p.getByTestId('search-input').inputValue()).resolves.toBe('');
		});

		it('says so when a link names an unknown unit', async () => {
			await p.goto(app.url + '/?unit=320102999999');
			await waitForMap(p);
			await expect(p.getByTestId('map-notice').innerText()).resolves.toContain('未找到单元“320102999999”');
			await expect(p.getByTestId('unit-panel').getAttribute('data-code')).resolves.toBe('city');
		});

		it('fits the English search placeholder in its box', async () => {
			await openMap(p, app.url + '/?lang=en');
			const fits = await p.getByTestId('search-input').evaluate((el) => {
				const input = el as HTMLInputElement;
				const cs = getComputedStyle(input);
				const ctx = document.createElement('canvas').getContext('2d')!;
				ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
				const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
				return { text: ctx.measureText(input.placeholder).width, room };
			});
			expect(fits.text).toBeLessThanOrEqual(fits.room);
			expect(r.errors).toEqual([]);
		});

		it('switches case density from the legend and closes its card', async () => {
			await p.getByTestId('case-toggle').check();
			await p.getByTestId('case-panel').waitFor();
			await p
				.getByTestId('case-panel')
				.getByRole('button', { name: /Turn off case density/ })
				.click();
			await expect(p.getByTestId('case-toggle').isChecked()).resolves.toBe(false);
			await expect(p.getByTestId('case-panel').count()).resolves.toBe(0);
		});
	});
});

// The data-readiness page and its first-run wizard in a real browser, on an empty database: the
// admin is led through the imports in order (each "next" opens the import page with its layer
// chosen), progress counts up, and at the end the checklist names what the data still lacks — and
// the coverage page shows such categories as "数据中无此类设施", not as failing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signIn } from './helpers/session';
import { ROOT, ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';

const STEPS: [string, string][] = [
	['subdistricts', 'demo/admin-codes/nanjing-3201-subdistricts.csv'],
	['communities', 'demo/nanjing/communities.geojson'],
	['grids', 'demo/nanjing/grids.geojson'],
	['buildings', 'demo/osm/xinjiekou.osm.pbf'],
	['roads', 'demo/osm/xinjiekou.osm.pbf'],
	['facilities', 'demo/osm/xinjiekou.osm.pbf']
];

describe.skipIf(!hasChromium)('data readiness and the first-run wizard', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let rec: PageRecord;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp({ demo: false });
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await signIn(page, app.url);
		rec = recordPage(page);
	}, 420_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	const progress = async () => page.getByTestId('wizard-progress').innerText();

	it('is linked from the header for admins and from the empty map, and starts the wizard at step 1 of 6', async () => {
		await page.goto(app.url + '/');
		await expect(page.locator('header.bar nav a[href="/admin/readiness"]').count()).resolves.toBe(1);
		await page.getByTestId('map-empty-wizard').waitFor();
		await page.screenshot({ path: '/tmp/gridatlas-map-empty-wizard.png' });
		await page.getByTestId('map-empty-wizard').click();
		await page.waitForURL(/\/admin\/readiness$/);
		expect(await progress()).toBe('已完成 0 / 6 步');
		const checklist = await page.getByTestId('readiness-checklist').innerText();
		expect(checklist).toContain('无道路：步行规则按直线计算');
		expect(checklist).toContain('无社区边界');
		await page.screenshot({ path: '/tmp/gridatlas-readiness-empty.png', fullPage: true });
	});

	it('leads through the imports in order, each from its "next" button, with progress', async () => {
		for (const [i, [layer, file]] of STEPS.entries()) {
			await page.goto(app.url + '/admin/readiness');
			expect(await progress()).toBe(`已完成 ${i} / 6 步`);
			await page.getByTestId('wizard-next').click();
			await page.waitForURL(new RegExp(`/import\\?layer=${layer}$`));
			expect(await page.locator('#layer').inputValue()).toBe(layer);
			await page.setInputFiles('#file', { name: path.basename(file), mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(ROOT, file)) });
			await page.getByTestId('import-submit').click();
			await page.getByTestId('import-summary').waitFor({ timeout: 120_000 });
			expect(Number((await page.getByTestId('count-written').locator('dd').innerText()).replace(/[^0-9]/g, '')), `${layer} written`).toBeGreaterThan(0);
			if (i === 2) {
				await page.getByTestId('to-readiness').click();
				await page.waitForURL(/\/admin\/readiness$/);
				await page.screenshot({ path: '/tmp/gridatlas-readiness-halfway.png', fullPage: true });
			}
		}
	}, 600_000);

	it('ends with the checklist: no wizard, every step there, each category without facilities named with its consequence', async () => {
		await page.goto(app.url + '/admin/readiness');
		await expect(page.getByTestId('readiness-wizard').count()).resolves.toBe(0);
		const missing = page.locator('[data-testid="readiness-checklist"] tr[data-item^="facilities:"][data-state="missing"]');
		expect(await missing.count()).toBeGreaterThan(0);
		expect(await missing.first().innerText()).toContain('数据中无此类设施');
		for (const id of ['communities', 'grids', 'buildings', 'roads']) {
			expect(await page.locator(`tr[data-item="${id}"]`).getAttribute('data-state'), id).not.toBe('missing');
		}
		// the page scrolls inside <main>: a tall window shows the whole checklist
		await page.setViewportSize({ width: 1280, height: 2000 });
		await page.screenshot({ path: '/tmp/gridatlas-readiness-done.png' });
		await page.goto(app.url + '/admin/readiness?lang=en');
		expect(await page.getByTestId('readiness-checklist').innerText()).toContain('No such facility in the data');
		await page.screenshot({ path: '/tmp/gridatlas-readiness-done-en.png' });
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(app.url + '/admin/readiness?lang=zh');
	});

	it('coverage shows such categories as "数据中无此类设施", not as failing', async () => {
		await page.goto(app.url + '/coverage');
		await page.getByTestId('missing-facilities').waitFor({ timeout: 120_000 });
		const cells = page.locator('td.cell.no_facilities');
		expect(await cells.count()).toBeGreaterThan(0);
		expect(await cells.first().innerText()).toContain('数据中无此类设施');
		await page.screenshot({ path: '/tmp/gridatlas-coverage-no-facilities.png' });
		await page.goto(app.url + '/coverage/life-circle');
		await page.getByTestId('missing-facilities').waitFor({ timeout: 120_000 });
		expect(await page.getByTestId('life-circle-table').innerText()).not.toMatch(/^\s*$/);
		await page.screenshot({ path: '/tmp/gridatlas-life-circle-no-facilities.png' });
		expect(rec.errors, rec.errors.slice(0, 3).join('\n')).toEqual([]);
		await page.goto(app.url + '/wall');
		await page.getByTestId('kpi-coverage').waitFor({ timeout: 60_000 });
		expect(await page.getByTestId('kpi-coverage').innerText()).toContain('数据中无此类设施：幼儿园/托育');
		await page.screenshot({ path: '/tmp/gridatlas-wall-no-facilities.png' });
	}, 180_000);
});

// The upload page in a real browser: a good file gives a summary, a broken one a clear message.
// Runs without the demo city (fast start): a facility needs nothing but its category.
import { signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/lib/server/db';
import { getCoverage } from '../../src/lib/server/coverage';
import { DELIVERED, load, REFERENCE } from '../helpers/deliveries';

const CLINIC = {
	type: 'FeatureCollection',
	features: [
		{
			type: 'Feature',
			id: 'test-clinic-1',
			properties: { name: '测试社区卫生服务站', category: 'clinic', amenity: 'clinic' },
			geometry: { type: 'Point', coordinates: [118.7841, 32.0412] }
		}
	]
};

describe.skipIf(!hasChromium)('import page', () => {
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

	async function upload(name: string, body: string, layer = 'facilities') {
		await page.goto(app.url + '/import');
		await page.waitForSelector('html[data-hydrated]');
		await page.setInputFiles('#file', { name, mimeType: 'application/geo+json', buffer: Buffer.from(body) });
		await page.selectOption('#layer', layer);
		await page.selectOption('#crs', 'wgs84');
		await page.getByTestId('import-submit').click();
	}

	it('imports one facility and shows the summary', async () => {
		await upload('clinic.geojson', JSON.stringify(CLINIC));
		const summary = page.getByTestId('import-summary');
		await summary.waitFor({ timeout: 30_000 });
		await expect(page.getByTestId('count-read').locator('dd').innerText()).resolves.toBe('1');
		await expect(page.getByTestId('count-written').locator('dd').innerText()).resolves.toBe('1');
		await expect(page.getByTestId('count-rejected').locator('dd').innerText()).resolves.toBe('0');
		await expect(summary.innerText()).resolves.toContain('clinic.geojson');
		await page.screenshot({ path: '/tmp/gridatlas-import-summary.png', fullPage: true });

		const fc = await (await app.fetch(`${app.url}/api/layers/facilities`)).json();
		const names = fc.features.map((f: { properties: { name?: string } }) => f.properties.name);
		expect(names).toContain('测试社区卫生服务站');
	});

	it('shows the reason when a file is broken', async () => {
		await upload('broken.geojson', '{"type": "FeatureCollection", "features": [ {"type": "Feat');
		const error = page.getByTestId('import-error');
		await error.waitFor({ timeout: 30_000 });
		const text = await error.innerText();
		expect(text).toContain('文件未导入');
		expect(text).toContain('broken.geojson');
		await page.screenshot({ path: '/tmp/gridatlas-import-error.png', fullPage: true });
	});

	it('lists rejected features in a dry run and writes nothing', async () => {
		const mixed = {
			type: 'FeatureCollection',
			features: [
				{ type: 'Feature', properties: { name: '试运行超市', category: 'supermarket' }, geometry: { type: 'Point', coordinates: [118.785, 32.042] } },
				{ type: 'Feature', properties: { name: '未知设施', category: 'spaceport' }, geometry: { type: 'Point', coordinates: [118.786, 32.043] } }
			]
		};
		await page.goto(app.url + '/import');
		await page.waitForSelector('html[data-hydrated]');
		await page.setInputFiles('#file', { name: 'mixed.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(mixed)) });
		await page.selectOption('#layer', 'facilities');
		await page.check('input[name="dryRun"]');
		await page.getByTestId('import-submit').click();
		const summary = page.getByTestId('import-summary');
		await summary.waitFor({ timeout: 30_000 });
		await expect(summary.getAttribute('data-dry-run')).resolves.toBe('true');
		await expect(page.getByTestId('count-written').locator('dd').innerText()).resolves.toBe('1');
		await expect(page.getByTestId('count-rejected').locator('dd').innerText()).resolves.toBe('1');
		const table = await page.getByTestId('rejected-table').innerText();
		expect(table).toContain('unknown-category');
		expect(table).toContain('spaceport');
		await page.screenshot({ path: '/tmp/gridatlas-import-dryrun.png', fullPage: true });

		const fc = await (await app.fetch(`${app.url}/api/layers/facilities`)).json();
		expect(fc.features.map((f: { properties: { name?: string } }) => f.properties.name)).not.toContain('试运行超市');
	});

	it('keeps a layer and coordinate system chosen before the page hydrated', async () => {
		// A slow link: the page is on screen and usable before its script runs. Hold the app's
		// scripts (not its stylesheets, which the page waits for) until the user has chosen.
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		const scripts = '**/_app/immutable/**/*.js';
		await page.route(scripts, async (route) => {
			await held;
			await route.continue().catch(() => {});
		});
		try {
			await page.goto(app.url + '/import', { waitUntil: 'domcontentloaded' });
			await page.selectOption('#layer', 'grids');
			await page.selectOption('#crs', 'EPSG:4549');
			release();
			await page.waitForSelector('html[data-hydrated]');
			await expect(page.locator('#layer').inputValue()).resolves.toBe('grids');
			await expect(page.locator('#crs').inputValue()).resolves.toBe('EPSG:4549');
			// the form follows the choice once hydrated: a boundary layer offers 示意边界
			await page.locator('input[name="illustrative"]').waitFor();
		} finally {
			release();
			await page.unroute(scripts);
		}
	});

	it('answers the layer API with 404 and 400 for bad requests', async () => {
		const unknown = await app.fetch(`${app.url}/api/layers/parks`);
		expect(unknown.status).toBe(404);
		expect((await unknown.json()).message).toMatch(/unknown layer/);
		const bad = await app.fetch(`${app.url}/api/layers/grids?bbox=1,2,3`);
		expect(bad.status).toBe(400);
		expect((await bad.json()).message).toMatch(/bbox/);
		const ok = await app.fetch(`${app.url}/api/layers/facilities?bbox=118.7,32.0,118.9,32.1`);
		expect(ok.status).toBe(200);
		expect((await ok.json()).features.length).toBe(1);
	});

	it('stays on this machine', () => {
		expect(rec.requests.length).toBeGreaterThan(0);
		expect(offHostRequests(rec.requests)).toEqual([]);
		expect(rec.errors).toEqual([]);
	});
});

// Issue 23 part 2 in the browser: an empty database (GRIDATLAS_DEMO=off) taken through the upload page with
// what agencies deliver — boundaries in two Gauss–Krüger variants, a facility table in metres, an Excel
// register, the OSM extract — shows the coverage of the same data loaded from WGS-84 files.
describe.skipIf(!hasChromium)('import page: agency deliveries', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp({ demo: false, timeoutMs: 600_000 }); // an empty database, but seven imports: give a loaded machine time
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
		await signIn(page, app.url);
	}, 900_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('imports each delivery as delivered and ends with the coverage of the WGS-84 files', async () => {
		for (const step of DELIVERED) {
			await page.goto(app.url + '/import');
			// hydration sets the selects to their server-rendered values: choose after it
			await page.waitForSelector('html[data-hydrated]');
			await page.setInputFiles('#file', path.resolve(step.file));
			await page.selectOption('#layer', step.layer);
			await page.selectOption('#crs', step.crs ?? 'wgs84');
			if (step.file.endsWith('.xlsx')) await page.screenshot({ path: '/tmp/gridatlas-import-crs-form.png', fullPage: true });
			await page.getByTestId('import-submit').click();
			const summary = page.getByTestId('import-summary');
			await summary.waitFor({ timeout: 300_000 });
			await expect(page.getByTestId('count-rejected').locator('dd').innerText(), step.file).resolves.toBe('0');
			if (step.file.endsWith('.xlsx')) {
				await expect(page.getByTestId('count-written').locator('dd').innerText()).resolves.toBe('42');
				await page.screenshot({ path: '/tmp/gridatlas-import-xlsx-summary.png', fullPage: true });
			}
		}
		const got = await (await app.fetch(`${app.url}/api/coverage`)).json();
		const reference = await openDb({ dataDir: 'memory://' });
		try {
			await load(reference, REFERENCE);
			const want = JSON.parse(JSON.stringify((await getCoverage(reference)).report));
			expect(got.cells).toEqual(want.cells);
			expect(got.communities).toEqual(want.communities);
			expect(got.subdistricts).toEqual(want.subdistricts);
			expect(got.cells.length).toBeGreaterThan(24);
		} finally {
			await reference.close();
		}
		await page.goto(app.url + '/admin/readiness');
		await page.getByText('实有登记户数 40 栋').first().waitFor({ timeout: 30_000 });
		await page.screenshot({ path: '/tmp/gridatlas-readiness-official.png', fullPage: true });
	}, 1_800_000);

	it('refuses a code outside the accepted range, naming it (the form posted without JavaScript)', async () => {
		const form = new FormData();
		form.set('layer', 'subdistricts');
		form.set('crs', 'EPSG:4600');
		form.set('file', new File([fs.readFileSync(DELIVERED[0].file)], 'subdistricts.geojson'));
		const res = await app.fetch(`${app.url}/import`, { method: 'POST', body: form, headers: { origin: app.url, accept: 'text/html' } });
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/不支持的坐标系代码 EPSG:4600[\s\S]*EPSG:4491–4501/);
	});
});

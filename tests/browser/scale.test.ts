// The map at scale: a 200,000-building synthetic city (`gridatlas synth`) reaches the browser as
// vector tiles and the map page's first full render (style, data and tiles drawn: MapLibre idle)
// is measured in headless Chromium and printed, so CI logs keep a record of it.
//
// The goal is 3 s. It is reported, never asserted: headless Chromium draws WebGL on the CPU
// (SwiftShader), so the figure is the machine's as much as the app's (2.0 s on one 2-core machine,
// 4.4–5.9 s on another, 12 s on a loaded CI run). What would make it slow on any machine is asserted
// instead, as work: the big city arrives as tiles, never as whole GeoJSON layers, and the first full
// view needs a bounded number of tile requests and bytes.
import { signIn } from './helpers/session';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';
import { canvasImage, openMap } from './helpers/map-page';
import { countColor, hexToRgb } from './helpers/png';
import { DAY as COLORS } from '../../src/lib/map/theme';

const BUILDINGS = 200_000;
const FIRST_RENDER_GOAL_MS = 3000;
/** The first full view at z15 (1280×800) reads a few z14 tiles per layer: a bound on the work, not on the clock. */
const FIRST_VIEW_MAX_TILES = 40;
const FIRST_VIEW_MAX_TILE_BYTES = 2 * 1024 * 1024; // measured 24 tiles, 285 kB
// Over the first copy of the synthetic city (梅园新村街道（合成1）), where buildings are dense.
const VIEW = { z: 15, lon: 118.7934, lat: 32.0678 };

describe.skipIf(!hasChromium)('map page at scale (200k-building synthetic city)', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let rec: PageRecord;
	let firstRenderMs = 0;
	let coldMs = 0;
	let firstView = { tiles: 0, bytes: 0 };

	/**
	 * Opens the map in a new browser context: the time from navigation to the map's first idle, and
	 * the tiles (count and bytes) fetched until then.
	 */
	async function firstRender(): Promise<{ ms: number; page: Page; rec: PageRecord; tiles: number; bytes: number }> {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const p = await context.newPage();
		await signIn(p, app.url);
		const r = recordPage(p);
		const sizes: Promise<number>[] = [];
		p.on('response', (res) => {
			if (new URL(res.url()).pathname.startsWith('/tiles/'))
				sizes.push(
					res.body().then(
						(b) => b.length,
						() => 0
					)
				);
		});
		await p.goto(`${app.url}/?z=${VIEW.z}&lon=${VIEW.lon}&lat=${VIEW.lat}`);
		await p.waitForFunction(() => typeof (window as any).gridatlasFirstIdleMs === 'number', null, { timeout: 120_000 });
		const atIdle = sizes.slice();
		const bytes = (await Promise.all(atIdle)).reduce((a, b) => a + b, 0);
		return { ms: await p.evaluate(() => (window as any).gridatlasFirstIdleMs), page: p, rec: r, tiles: atIdle.length, bytes };
	}

	beforeAll(async () => {
		ensureBuild();
		// The embedded database is single-process: fill it before the server opens it.
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-scale-'));
		const t0 = Date.now();
		const synth = spawnSync(process.execPath, ['bin/gridatlas.js', 'synth', '--buildings', String(BUILDINGS)], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, GRIDATLAS_DATA_DIR: dataDir, GRIDATLAS_DEMO: 'off', DATABASE_URL: '' }
		});
		if (synth.status !== 0) {
			fs.rmSync(dataDir, { recursive: true, force: true });
			throw new Error(`synth failed (exit ${synth.status}):\n${synth.stdout}\n${synth.stderr}`);
		}
		console.log(`synth ${BUILDINGS} buildings: ${Date.now() - t0} ms`);
		app = await startApp({ demo: false, dataDir, timeoutMs: 120_000 });
		browser = await launchChromium();
		// The first visit after the server starts also pays for its cold database pages and empty
		// tile cache: printed, and held to a looser bound. The budget applies to a visit in a fresh
		// browser (nothing cached in the browser) to a server that has served the page once.
		coldMs = (await firstRender()).ms;
		console.log(`first render ms (cold server): ${coldMs}`);
		const warm = await firstRender();
		firstRenderMs = warm.ms;
		firstView = { tiles: warm.tiles, bytes: warm.bytes };
		console.log(`first view: ${warm.tiles} tiles, ${warm.bytes} bytes`);
		page = warm.page;
		rec = warm.rec;
		console.log(
			`first render ms: ${firstRenderMs} (navigation to first full idle; fresh browser context; goal ${FIRST_RENDER_GOAL_MS} ms: ${firstRenderMs <= FIRST_RENDER_GOAL_MS ? 'met' : 'NOT met on this machine'})`
		);
		await page.screenshot({ path: '/tmp/gridatlas-scale.png' });
	}, 300_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('loads the big city as vector tiles, not as whole GeoJSON layers', () => {
		const paths = rec.requests.map((u) => new URL(u).pathname);
		expect(paths.some((p) => p.startsWith('/tiles/buildings/14/'))).toBe(true);
		expect(paths.some((p) => p.startsWith('/tiles/grids/14/'))).toBe(true);
		for (const layer of ['buildings', 'grids', 'communities', 'subdistricts']) {
			expect(
				paths.filter((p) => p === `/api/layers/${layer}`),
				layer
			).toEqual([]);
		}
		expect(rec.failed).toEqual([]);
		expect(rec.errors).toEqual([]);
	});

	it(`reaches its first full view with at most ${FIRST_VIEW_MAX_TILES} tiles (time printed; goal ${FIRST_RENDER_GOAL_MS} ms)`, () => {
		expect(firstRenderMs).toBeGreaterThan(0);
		expect(coldMs).toBeGreaterThan(0);
		expect(firstView.tiles).toBeGreaterThan(0);
		expect(firstView.tiles).toBeLessThanOrEqual(FIRST_VIEW_MAX_TILES);
		expect(firstView.bytes).toBeLessThanOrEqual(FIRST_VIEW_MAX_TILE_BYTES);
	});

	it('draws buildings and boundaries (the map is not blank)', async () => {
		const { png, img } = await canvasImage(page);
		fs.writeFileSync('/tmp/gridatlas-scale-canvas.png', png);
		const total = img.width * img.height;
		const background = countColor(img, hexToRgb(COLORS.background), 6);
		const grid = countColor(img, hexToRgb(COLORS.grid), 30);
		const counts = { total, background, grid };
		expect(total - background, JSON.stringify(counts)).toBeGreaterThan(total * 0.15);
		expect(grid, JSON.stringify(counts)).toBeGreaterThan(200);
		const drawn: number = await page.evaluate(() => (window as any).gridatlasMap.queryRenderedFeatures({ layers: ['building-fill'] }).length);
		expect(drawn).toBeGreaterThan(200);
	});

	it('veils everything outside a selected community, as with whole layers (its outline asked for alone)', async () => {
		const near = `${VIEW.lon - 0.002},${VIEW.lat - 0.002},${VIEW.lon + 0.002},${VIEW.lat + 0.002}`;
		const [community] = (await (await app.fetch(`${app.url}/api/layers/communities?bbox=${near}`)).json()).features;
		const code: string = community.properties.code;
		// The outline alone: that unit only; nothing for an unknown code; 400 for a layer without codes.
		const one = (await (await app.fetch(`${app.url}/api/layers/communities?code=${code}`)).json()).features;
		expect(one.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([code]);
		expect(one[0].geometry).toEqual(community.geometry);
		expect((await (await app.fetch(`${app.url}/api/layers/grids?code=000000000000000`)).json()).features).toEqual([]);
		const noKey = await app.fetch(`${app.url}/api/layers/buildings?code=1`);
		expect(noKey.status).toBe(400);
		expect((await noKey.json()).message).toMatch(/one code/);
		// No camera in the link: the map fits the community, so the view's corners lie outside it.
		await openMap(page, `${app.url}/?unit=${code}`);
		// Playwright's waitForFunction takes a returned promise as truthy, so the source's (async) data is polled here.
		await expect
			.poll(
				() =>
					page.evaluate(async () => {
						const data = await (window as any).gridatlasMap.getSource('focus-mask')?.getData();
						return data?.features?.[0]?.geometry?.coordinates?.length ?? 0;
					}),
				{ timeout: 30_000, interval: 200 }
			)
			.toBeGreaterThanOrEqual(2);
		// Drawn: the veil covers the view's corner (the map fitted the community inside the view).
		await page.waitForFunction(
			() => {
				const map = (window as any).gridatlasMap;
				if (!map) return false;
				const { height } = map.getCanvas().getBoundingClientRect();
				return map.queryRenderedFeatures([4, height - 4], { layers: ['focus-mask'] }).length === 1;
			},
			null,
			{ timeout: 30_000 }
		);
		const paths = rec.requests.map((u) => new URL(u));
		expect(paths.some((u) => u.pathname === '/api/layers/communities' && u.searchParams.get('code') === code)).toBe(true);
		await page.screenshot({ path: '/tmp/gridatlas-scale-selected.png' });
	});
});

// Drill-down, the unit panel, search, the view in the URL, the night theme and deck.gl buildings,
// in a real browser against the production build with the Nanjing demo city.
import { signIn } from './helpers/session';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import { canvasImage, featuresAt, openMap, screenPoint, waitForMap, waitForPanel } from './helpers/map-page';
import { countColor, hexToRgb } from './helpers/png';
import { DAY, NIGHT } from '../../src/lib/map/theme';

const SUBDISTRICT = '320102002'; // 梅园新村街道
const COMMUNITY = '320102002002'; // 大行宫社区居委会
const fmt = (n: number) => new Intl.NumberFormat('zh-CN').format(n);

describe.skipIf(!hasChromium)('map page: units, search, URL, themes', () => {
	let app: AppServer;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const records: PageRecord[] = [];

	async function newPage(): Promise<Page> {
		const p = await context.newPage();
		await signIn(p, app.url);
		records.push(recordPage(p));
		return p;
	}

	/** A point inside the unit (its label point, nudged off any facility dot), in page coordinates. */
	async function clickablePoint(p: Page, layer: 'subdistricts' | 'communities', code: string) {
		const labels = await (await app.fetch(`${app.url}/api/layers/${layer}?labels=1`)).json();
		const f = labels.features.find((x: any) => x.properties.code === code);
		const base = await screenPoint(p, f.geometry.coordinates);
		for (const [dx, dy] of [
			[0, 0],
			[18, 0],
			[-18, 0],
			[0, 18],
			[0, -18],
			[24, 24],
			[-24, -24]
		]) {
			const pt = { x: base.x + dx, y: base.y + dy };
			const here = await featuresAt(p, pt, ['facility-circle', 'case-circle', `${layer}-hit`]);
			if (here.some((h) => h.layer !== `${layer}-hit`)) continue;
			if (here.some((h) => h.properties.code === code)) return pt;
		}
		throw new Error(`no free point inside ${code}`);
	}

	beforeAll(async () => {
		ensureBuild();
		app = await startApp({ demo: true, timeoutMs: 240_000 });
		browser = await launchChromium();
		context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await newPage();
		await openMap(page, app.url + '/');
	}, 420_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('opens on the city with its totals', async () => {
		await waitForPanel(page, 'city');
		const city = await (await app.fetch(`${app.url}/api/units/city`)).json();
		await expect(page.getByTestId('unit-name').innerText()).resolves.toBe('全市概览');
		await expect(page.getByTestId('stat-buildings').innerText()).resolves.toContain(fmt(city.buildings));
		await expect(page.getByTestId('stat-households').innerText()).resolves.toContain(fmt(city.households));
		await expect(page.getByTestId('facilities-total').innerText()).resolves.toBe(fmt(city.facilitiesTotal));
		await page.screenshot({ path: '/tmp/gridatlas-city.png' });
	});

	it('drills down by clicking: subdistrict, then community, with the right counts', async () => {
		const inSubdistrict = await clickablePoint(page, 'subdistricts', SUBDISTRICT);
		await page.mouse.click(inSubdistrict.x, inSubdistrict.y);
		await waitForPanel(page, SUBDISTRICT);
		await waitForMap(page);
		const inCommunity = await clickablePoint(page, 'communities', COMMUNITY);
		await page.mouse.click(inCommunity.x, inCommunity.y);
		await waitForPanel(page, COMMUNITY);
		await waitForMap(page);

		const api = await (await app.fetch(`${app.url}/api/units/${COMMUNITY}`)).json();
		expect(api).toMatchObject({ kind: 'community', households: expect.any(Number), buildings: expect.any(Number) });
		await expect(page.getByTestId('unit-name').innerText()).resolves.toBe('大行宫社区');
		await expect(page.getByTestId('unit-code').innerText()).resolves.toBe(COMMUNITY);
		const households = await page.getByTestId('stat-households').innerText();
		expect(households).toContain(fmt(api.households));
		expect(households).toContain('估算'); // demo households are building estimates
		await expect(page.getByTestId('stat-grids').innerText()).resolves.toContain(String(api.grids.total));
		await expect(page.getByTestId('stat-buildings').innerText()).resolves.toContain(fmt(api.buildings));
		await expect(page.getByTestId('facilities-total').innerText()).resolves.toBe(fmt(api.facilitiesTotal));
		const bars = await page
			.locator('[data-testid="facility-bars"] li')
			.evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-category'), Number(li.getAttribute('data-count'))]));
		expect(bars).toEqual(api.facilities.map((f: any) => [f.code, f.count]));
		await expect(page.locator('[data-testid="unit-children"] li').count()).resolves.toBe(api.grids.total);
		// The layer data agrees: the community's own row and the buildings drawn for it.
		const layer = await (await app.fetch(`${app.url}/api/layers/communities`)).json();
		const row = layer.features.find((f: any) => f.properties.code === COMMUNITY).properties;
		expect([row.households, row.grids]).toEqual([api.households, api.grids.total]);
		const buildings = await (await app.fetch(`${app.url}/api/layers/buildings`)).json();
		expect(buildings.features.filter((f: any) => f.properties.community_code === COMMUNITY).length).toBe(api.buildings);

		// Highlighted on the map, and the breadcrumbs lead back up.
		// (only the selected community is in the highlight layer)
		const lit = await page.evaluate(() => [
			...new Set((window as any).gridatlasMap.queryRenderedFeatures({ layers: ['selected-communities'] }).map((f: any) => f.properties.code))
		]);
		expect(lit).toEqual([COMMUNITY]);
		await expect(page.getByTestId('breadcrumbs').innerText()).resolves.toMatch(/全市概览\s*›\s*梅园新村街道\s*›\s*大行宫社区/);
		await page.screenshot({ path: '/tmp/gridatlas-community.png' });
		await page.getByTestId('breadcrumbs').locator(`button[data-code="${SUBDISTRICT}"]`).click();
		await waitForPanel(page, SUBDISTRICT);
		await expect(page.getByTestId('unit-name').innerText()).resolves.toBe('梅园新村街道');
		await page.getByTestId('breadcrumbs').locator('button[data-code="city"]').click();
		await waitForPanel(page, 'city');
		await waitForMap(page);
	});

	it('finds a community by name', async () => {
		await page.getByTestId('search-input').fill('大行宫');
		const hit = page.locator(`[data-testid="search-hit"][data-code="${COMMUNITY}"]`);
		await hit.waitFor();
		await page.screenshot({ path: '/tmp/gridatlas-search.png' });
		await hit.click();
		await waitForPanel(page, COMMUNITY);
		await waitForMap(page);
		const view = await page.evaluate(() => {
			const m = (window as any).gridatlasMap;
			return { zoom: m.getZoom(), center: m.getCenter() };
		});
		const facts = await (await app.fetch(`${app.url}/api/units/${COMMUNITY}`)).json();
		// The map flew to the community: its centre is on screen, zoomed in.
		expect(view.zoom).toBeGreaterThan(14.5);
		const [x0, y0, x1, y1] = facts.bbox;
		expect(view.center.lng).toBeGreaterThan(x0 - (x1 - x0));
		expect(view.center.lng).toBeLessThan(x1 + (x1 - x0));
		expect(view.center.lat).toBeGreaterThan(y0 - (y1 - y0));
		expect(view.center.lat).toBeLessThan(y1 + (y1 - y0));
	});

	it('finds a community by code, Enter picks the first hit', async () => {
		await page.getByTestId('search-input').fill('');
		await page.getByTestId('search-input').fill('320104006001');
		await page.locator('[data-testid="search-hit"][data-code="320104006001"]').first().waitFor();
		const first = await page.getByTestId('search-hit').first().getAttribute('data-code');
		expect(first).toBe('320104006001');
		await page.getByTestId('search-input').press('Enter');
		await waitForPanel(page, '320104006001');
		await expect(page.getByTestId('unit-name').innerText()).resolves.toBe('新街口商业步行街社区');
		await waitForMap(page);
	});

	it('says so when nothing matches', async () => {
		await page.getByTestId('search-input').fill('');
		await page.getByTestId('search-input').fill('不存在的社区xyz');
		await page.getByTestId('search-no-match').waitFor();
		await expect(page.getByTestId('search-no-match').innerText()).resolves.toBe('无匹配结果');
		await page.getByTestId('search-input').fill('');
	});

	it('shows a facility or, inside the selected grid, a building when clicked', async () => {
		const p = await newPage();
		const grid = '320104006001001';
		await openMap(p, app.url + `/?unit=${grid}`);
		await waitForPanel(p, grid);
		// A facility dot: its own card, the unit stays selected.
		const facilities = await (await app.fetch(`${app.url}/api/layers/facilities`)).json();
		const shown = await p.evaluate(() => (window as any).gridatlasMap.queryRenderedFeatures({ layers: ['facility-circle'] }).map((f: any) => f.id));
		const facility = facilities.features.find((f: any) => f.properties.id === shown[0]);
		const at = await screenPoint(p, facility.geometry.coordinates);
		await p.mouse.click(at.x, at.y);
		await p.getByTestId('feature-info').waitFor();
		await expect(p.getByTestId('feature-info').innerText()).resolves.toContain(facility.properties.category_zh);
		await expect(p.getByTestId('unit-panel').getAttribute('data-code')).resolves.toBe(grid);
		// A building of the selected grid.
		const buildings = await (await app.fetch(`${app.url}/api/layers/buildings`)).json();
		const building = buildings.features.find((f: any) => f.properties.grid_code === grid);
		const labels = await (await app.fetch(`${app.url}/api/layers/buildings?labels=1`)).json();
		const inside = labels.features.find((f: any) => f.properties.id === building.properties.id).geometry.coordinates;
		const base = await screenPoint(p, inside);
		let bp: { x: number; y: number } | null = null;
		for (const [dx, dy] of [
			[0, 0],
			[20, 0],
			[-20, 0],
			[0, 20],
			[0, -20],
			[30, 30],
			[-30, -30],
			[30, -30],
			[-30, 30]
		]) {
			const pt = { x: base.x + dx, y: base.y + dy };
			const here = await featuresAt(p, pt, ['facility-circle', 'building-fill']);
			if (here.length === 1 && here[0].properties.id === building.properties.id) {
				bp = pt;
				break;
			}
		}
		expect(bp, 'a point on the building clear of facility dots').not.toBeNull();
		await p.mouse.click(bp!.x, bp!.y);
		await p.waitForFunction(() => document.querySelector('[data-testid="feature-info"]')?.textContent?.includes('建筑'));
		await expect(p.getByTestId('feature-info').innerText()).resolves.toContain(String(building.properties.households));
		await p.screenshot({ path: '/tmp/gridatlas-feature.png' });
		await p.close();
	});

	it('opens the view a URL describes, and writes the view back into the URL', async () => {
		const p = await newPage();
		const asked = `/?unit=${COMMUNITY}&layers=communities,grids,buildings&z=16.25&lon=118.793000&lat=32.047500&theme=day&basemap=offline&bcolor=households`;
		await openMap(p, app.url + asked);
		await waitForPanel(p, COMMUNITY);
		const state = await p.evaluate(() => {
			const m = (window as any).gridatlasMap;
			return {
				zoom: m.getZoom(),
				lon: m.getCenter().lng,
				lat: m.getCenter().lat,
				buildings: m.getLayoutProperty('building-fill', 'visibility'),
				facilities: m.getLayoutProperty('facility-circle', 'visibility')
			};
		});
		expect(state.zoom).toBeCloseTo(16.25, 2);
		expect(state.lon).toBeCloseTo(118.793, 5);
		expect(state.lat).toBeCloseTo(32.0475, 5);
		expect(state).toMatchObject({ buildings: 'visible', facilities: 'none' });
		for (const [group, on] of Object.entries({ subdistricts: false, communities: true, grids: true, buildings: true, facilities: false, roads: false })) {
			await expect(p.getByTestId(`toggle-${group}`).isChecked(), group).resolves.toBe(on);
		}
		await expect(p.getByTestId('coloring-households').isChecked()).resolves.toBe(true);

		// Change the view: switch roads on, colour by grid, pan and zoom. The URL follows.
		await p.getByTestId('toggle-roads').check();
		await p.getByTestId('coloring-grid').locator('..').click();
		await p.evaluate(() => (window as any).gridatlasMap.jumpTo({ center: [118.7861, 32.0432], zoom: 15.5 }));
		await p.waitForFunction(() => new URL(location.href).searchParams.get('z') === '15.5', null, { timeout: 5000 });
		const written = new URL(p.url());
		expect(Object.fromEntries(written.searchParams)).toMatchObject({
			unit: COMMUNITY,
			layers: 'communities,grids,buildings,roads',
			z: '15.5',
			lon: '118.786100',
			lat: '32.043200',
			theme: 'day',
			basemap: 'offline'
		});
		expect(written.searchParams.has('bcolor')).toBe(false);

		// The written URL opens the same view in a new page.
		const again = await newPage();
		await openMap(again, written.href);
		await waitForPanel(again, COMMUNITY);
		const reopened = await again.evaluate(() => {
			const m = (window as any).gridatlasMap;
			return { zoom: m.getZoom(), lon: m.getCenter().lng, lat: m.getCenter().lat, roads: m.getLayoutProperty('road-fill', 'visibility') };
		});
		expect(reopened.zoom).toBeCloseTo(15.5, 2);
		expect(reopened.lon).toBeCloseTo(118.7861, 5);
		expect(reopened.lat).toBeCloseTo(32.0432, 5);
		expect(reopened.roads).toBe('visible');
		await expect(again.getByTestId('coloring-grid').isChecked()).resolves.toBe(true);
		await expect(again.getByTestId('toggle-facilities').isChecked()).resolves.toBe(false);
		await again.screenshot({ path: '/tmp/gridatlas-url.png' });
		await p.close();
		await again.close();
	});

	it('renders the night theme dark, with luminous boundaries', async () => {
		const p = await newPage();
		await openMap(p, app.url + '/?theme=night');
		const { png, img } = await canvasImage(p);
		fs.writeFileSync('/tmp/gridatlas-night-canvas.png', png);
		await p.screenshot({ path: '/tmp/gridatlas-night.png' });
		let dark = 0;
		for (let i = 0; i < img.data.length; i += 4) {
			if (0.2126 * img.data[i] + 0.7152 * img.data[i + 1] + 0.0722 * img.data[i + 2] < 60) dark++;
		}
		const total = img.width * img.height;
		const counts = {
			total,
			dark,
			background: countColor(img, hexToRgb(NIGHT.background), 6),
			dayBackground: countColor(img, hexToRgb(DAY.background), 6),
			// Subdistrict and community boundaries share their outer edges: count both luminous colours.
			boundaries: countColor(img, hexToRgb(NIGHT.subdistrict), 40) + countColor(img, hexToRgb(NIGHT.community), 40),
			grid: countColor(img, hexToRgb(NIGHT.grid), 40)
		};
		expect(dark, JSON.stringify(counts)).toBeGreaterThan(total * 0.6);
		expect(counts.background, JSON.stringify(counts)).toBeGreaterThan(total * 0.1);
		expect(counts.dayBackground).toBe(0);
		expect(counts.boundaries, JSON.stringify(counts)).toBeGreaterThan(2000);
		expect(counts.grid, JSON.stringify(counts)).toBeGreaterThan(500);
		// The panels follow the theme.
		const panelBg = await p.getByTestId('unit-panel').evaluate((el) => getComputedStyle(el).backgroundColor);
		const [r, g, b] = panelBg.match(/\d+/g)!.map(Number);
		expect(r + g + b).toBeLessThan(150);
		// Switching back to day in place repaints the map light.
		await p.getByTestId('theme-day').locator('..').click();
		await waitForMap(p);
		const day = (await canvasImage(p)).img;
		expect(countColor(day, hexToRgb(DAY.background), 6)).toBeGreaterThan(total * 0.1);
		await p.close();
	});

	it('draws buildings with deck.gl in the same WebGL context when asked', async () => {
		const p = await newPage();
		await openMap(p, app.url + `/?unit=${COMMUNITY}&render=deck`);
		// deck.gl puts the layers that share a beforeId into one MapLibre custom layer.
		const group = 'deck-layer-group-before:slot:buildings';
		await p.waitForFunction((id) => (window as any).gridatlasMap.getLayer(id), group, { timeout: 30_000 });
		await waitForMap(p);
		const layers = await p.evaluate((id) => {
			const m = (window as any).gridatlasMap;
			// getStyle() leaves custom layers out; the drawing order has them.
			const ids: string[] = m.getLayersOrder();
			return { ids, type: m.getLayer(id).type, canvases: document.querySelectorAll('canvas').length };
		}, group);
		// Interleaved: a MapLibre custom layer under the boundaries, no second canvas, no MapLibre fill.
		expect(layers.type).toBe('custom');
		expect(layers.canvases).toBe(1);
		expect(layers.ids).not.toContain('building-fill');
		expect(layers.ids.indexOf(group)).toBeLessThan(layers.ids.indexOf('community-line'));
		expect(layers.ids.indexOf(group)).toBeGreaterThan(layers.ids.indexOf('road-fill'));
		// Its buildings are on the canvas, in the grid colours.
		const { png, img } = await canvasImage(p);
		fs.writeFileSync('/tmp/gridatlas-deck-canvas.png', png);
		const coloured = DAY.gridPalette.reduce((n, c) => n + countColor(img, hexToRgb(c), 10), 0);
		expect(coloured).toBeGreaterThan(5000);
		await p.screenshot({ path: '/tmp/gridatlas-deck.png' });
		await p.close();
	});

	it('speaks English too', async () => {
		// Its own context: ?lang=en is remembered in a cookie.
		const english = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const p = await english.newPage();
		await signIn(p, app.url);
		records.push(recordPage(p));
		await openMap(p, app.url + `/?lang=en&unit=${COMMUNITY}`);
		await waitForPanel(p, COMMUNITY);
		await expect(p.getByTestId('stat-households').innerText()).resolves.toContain('estimated');
		// Short enough to fit the box (issue 22); the whole sentence is the box's tooltip.
		await expect(p.getByTestId('search-input').getAttribute('placeholder')).resolves.toBe('Search by name or code');
		await expect(p.getByTestId('search-input').getAttribute('title')).resolves.toContain('communities');
		await p.screenshot({ path: '/tmp/gridatlas-en.png' });
		await english.close();
	});

	it('never sends a request off this machine, and nothing fails', () => {
		const all = records.flatMap((r) => r.requests);
		expect(all.length).toBeGreaterThan(20);
		expect(offHostRequests(all)).toEqual([]);
		expect(records.flatMap((r) => r.failed)).toEqual([]);
		expect(records.flatMap((r) => r.errors)).toEqual([]);
	});
});

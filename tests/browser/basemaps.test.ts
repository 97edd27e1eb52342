// Optional online basemaps, configured on the server only: a GCJ-02 basemap shifts every GridAtlas
// layer to GCJ-02 at display time (and clicks back to WGS-84); a basemap whose tiles fail, or one
// that is not configured, falls back to the offline basemap with a notice. The "online" tiles are
// answered by the test itself (Playwright routes), so nothing leaves this machine.
import { signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import { featuresAt, openMap, screenPoint, waitForMap, waitForPanel } from './helpers/map-page';
import { countColor, encodeSolidPng } from './helpers/png';
import { positionWgs84ToGcj02 } from '$geo/crs';

const COMMUNITY = '320102002002'; // 大行宫社区
const GRID = '320102002002006';
const TILE_RGB: [number, number, number] = [214, 226, 201];
const TILE = encodeSolidPng(256, 256, TILE_RGB);
// Never reached: the page's routes answer these before any connection is made.
const TILE_HOST = 'http://127.0.0.1:9/test-tiles';

const metres = (a: number[], b: number[]) => {
	const k = Math.PI / 180;
	return Math.hypot((b[0] - a[0]) * Math.cos(a[1] * k), b[1] - a[1]) * k * 6_371_000;
};

describe.skipIf(!hasChromium)('basemaps', () => {
	let app: AppServer;
	let browser: Browser;
	let context: BrowserContext;
	const records: PageRecord[] = [];
	const tileRequests: string[] = [];

	async function newPage(): Promise<Page> {
		const p = await context.newPage();
		await signIn(p, app.url);
		records.push(recordPage(p));
		return p;
	}

	beforeAll(async () => {
		ensureBuild();
		app = await startApp({
			demo: true,
			timeoutMs: 240_000,
			env: {
				// tianditu is asked for without its key: the server leaves it out.
				GRIDATLAS_BASEMAPS: 'amap,osm,tianditu',
				GRIDATLAS_BASEMAP_AMAP_URL: `${TILE_HOST}/amap/{z}/{x}/{y}.png`,
				GRIDATLAS_BASEMAP_OSM_URL: `${TILE_HOST}/osm/{z}/{x}/{y}.png`
			}
		});
		browser = await launchChromium();
		context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		await context.route('**/test-tiles/amap/**', (route) => {
			tileRequests.push(route.request().url());
			return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
		});
		await context.route('**/test-tiles/osm/**', (route) => route.fulfill({ status: 404, body: 'no tiles here' }));
	}, 420_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('opens on the offline basemap and offers only the configured ones', async () => {
		const p = await newPage();
		await openMap(p, app.url + '/');
		await expect(p.getByTestId('map').getAttribute('data-crs')).resolves.toBe('wgs84');
		const options = await p
			.getByTestId('basemap-select')
			.locator('option')
			.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
		expect(options).toEqual(['offline', 'amap', 'osm']);
		await expect(p.getByTestId('basemap-select').inputValue()).resolves.toBe('offline');
		expect(tileRequests).toEqual([]);
		await p.close();
	});

	it('draws every layer in GCJ-02 on the AMap basemap, and clicks land on the right unit', async () => {
		const p = await newPage();
		await openMap(p, app.url + `/?basemap=amap&unit=${COMMUNITY}&z=16&lon=118.793700&lat=32.047800`);
		await waitForPanel(p, COMMUNITY);
		await expect(p.getByTestId('map').getAttribute('data-crs')).resolves.toBe('gcj02');
		expect(tileRequests.length).toBeGreaterThan(0);
		// The basemap saw its tiles arrive (so it will not time out and fall back).
		await p.waitForSelector('[data-testid="raster-basemap"][data-basemap="amap"]:not([data-tiles-loaded="0"])', { state: 'attached' });
		await expect(p.getByTestId('map-notice').count()).resolves.toBe(0);

		// The camera is the GCJ-02 image of the WGS-84 position in the URL…
		const center = await p.evaluate(() => (window as any).gridatlasMap.getCenter().toArray());
		const expected = positionWgs84ToGcj02([118.7937, 32.0478]);
		expect(metres(center, expected)).toBeLessThan(0.5);
		// …and the URL keeps WGS-84.
		expect(new URL(p.url()).searchParams.get('lon')).toBe('118.793700');

		// The data on the map is the API's WGS-84 data shifted by geo/crs.
		const api = await (await app.fetch(`${app.url}/api/layers/communities`)).json();
		const wgs = api.features.find((f: any) => f.properties.code === COMMUNITY).geometry.coordinates[0][0][0];
		const shown = await p.evaluate(async (code) => {
			const data = await (window as any).gridatlasMap.getSource('communities').getData();
			return data.features.find((f: any) => f.properties.code === code).geometry.coordinates[0][0][0];
		}, COMMUNITY);
		const gcj = positionWgs84ToGcj02(wgs);
		expect(shown[0]).toBeCloseTo(gcj[0], 7);
		expect(shown[1]).toBeCloseTo(gcj[1], 7);
		expect(metres(wgs, shown)).toBeGreaterThan(300);

		// The raster tiles are on the canvas, under our layers (tinted inside the selected unit,
		// veiled outside it: hence the tolerance, still well clear of the offline background).
		const dataUrl: string = await p.evaluate(() => (window as any).gridatlasMap.getCanvas().toDataURL('image/png'));
		const { decodePng } = await import('./helpers/png');
		const img = decodePng(Buffer.from(dataUrl.split(',')[1], 'base64'));
		expect(countColor(img, TILE_RGB, 16)).toBeGreaterThan(img.width * img.height * 0.05);
		await p.screenshot({ path: '/tmp/gridatlas-gcj02.png' });

		// A click at the GCJ-02 place of a grid selects that grid (the click is converted back).
		const labels = await (await app.fetch(`${app.url}/api/layers/grids?labels=1`)).json();
		const label = labels.features.find((f: any) => f.properties.code === GRID).geometry.coordinates;
		const base = await screenPoint(p, positionWgs84ToGcj02(label));
		let clicked = false;
		for (const [dx, dy] of [
			[0, 0],
			[14, 0],
			[-14, 0],
			[0, 14],
			[0, -14]
		]) {
			const pt = { x: base.x + dx, y: base.y + dy };
			if ((await featuresAt(p, pt, ['facility-circle', 'case-circle'])).length) continue;
			await p.mouse.click(pt.x, pt.y);
			clicked = true;
			break;
		}
		expect(clicked).toBe(true);
		await waitForPanel(p, GRID);
		await p.close();
	});

	it('keeps looking at the same place when switched between basemaps', async () => {
		const p = await newPage();
		await openMap(p, app.url + '/?z=16&lon=118.786000&lat=32.044000');
		await p.getByTestId('basemap-select').selectOption('amap');
		await p.waitForSelector('[data-testid="map"][data-crs="gcj02"]');
		await waitForMap(p);
		const center = await p.evaluate(() => (window as any).gridatlasMap.getCenter().toArray());
		expect(metres(center, positionWgs84ToGcj02([118.786, 32.044]))).toBeLessThan(0.5);
		await p.waitForFunction(() => new URL(location.href).searchParams.get('basemap') === 'amap', null, { timeout: 5000 });
		const url = new URL(p.url());
		expect(metres([Number(url.searchParams.get('lon')), Number(url.searchParams.get('lat'))], [118.786, 32.044])).toBeLessThan(0.5);
		await p.getByTestId('basemap-select').selectOption('offline');
		await p.waitForSelector('[data-testid="map"][data-crs="wgs84"]');
		await waitForMap(p);
		const back = await p.evaluate(() => (window as any).gridatlasMap.getCenter().toArray());
		expect(metres(back, [118.786, 32.044])).toBeLessThan(0.5);
		await p.close();
	});

	it('falls back to the offline basemap, with a notice, when tiles fail', async () => {
		const p = await newPage();
		await p.goto(app.url + '/?basemap=osm');
		await p.getByTestId('map-notice').waitFor({ timeout: 30_000 });
		await expect(p.getByTestId('map-notice').innerText()).resolves.toContain('OpenStreetMap');
		await expect(p.getByTestId('map-notice').innerText()).resolves.toContain('离线底图');
		await waitForMap(p);
		await expect(p.getByTestId('basemap-select').inputValue()).resolves.toBe('offline');
		await expect(p.getByTestId('map').getAttribute('data-crs')).resolves.toBe('wgs84');
		await p.waitForFunction(() => new URL(location.href).searchParams.get('basemap') === 'offline', null, { timeout: 5000 });
		const offline = await p.evaluate(() => ({
			raster: Boolean((window as any).gridatlasMap.getLayer('basemap-raster')),
			water: Boolean((window as any).gridatlasMap.getLayer('landcover-water'))
		}));
		expect(offline).toEqual({ raster: false, water: true });
		await p.screenshot({ path: '/tmp/gridatlas-fallback.png' });
		await p.close();
	});

	it('says so when a link asks for a basemap the server does not offer', async () => {
		const p = await newPage();
		await openMap(p, app.url + '/?basemap=tianditu');
		await expect(p.getByTestId('map-notice').innerText()).resolves.toContain('未配置');
		await expect(p.getByTestId('basemap-select').inputValue()).resolves.toBe('offline');
		await p.close();
	});

	it('sent nothing off this machine', () => {
		const all = records.flatMap((r) => r.requests);
		expect(offHostRequests(all)).toEqual([]);
		expect(records.flatMap((r) => r.errors)).toEqual([]);
	});
});

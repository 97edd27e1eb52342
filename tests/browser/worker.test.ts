// The grid worker's phone (/m, issue 17) in Chromium with mobile emulation (360×640, touch,
// geolocation in the demo worker's grid): a report with a photo, two reports made offline that
// arrive once each and in order when the network returns, one made offline that survives closing
// the page, the photo read back through its authorised route, my tasks following the case stream
// (dispatch, rework with its reason), and another grid's cases and photos refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookie, signIn } from './helpers/session';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';

const SHOTS = process.env.WORKER_SHOTS_DIR ?? os.tmpdir();

/** A 2400×1800 PNG "camera photo" (a gradient with stripes), to be downscaled by the page. */
function bigPng(): Buffer {
	const w = 2400,
		h = 1800;
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		raw[y * (w * 3 + 1)] = 0;
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			raw[o] = (x * 255) / w;
			raw[o + 1] = (y * 255) / h;
			raw[o + 2] = (x >> 6) % 2 ? 200 : 40;
		}
	}
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (b: Buffer) => {
		let c = 0xffffffff;
		for (const v of b) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const td = Buffer.concat([Buffer.from(type), data]);
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const c = Buffer.alloc(4);
		c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
}

/** Width and height of a baseline/progressive JPEG (its SOF marker). */
function jpegSize(b: Buffer): { width: number; height: number } {
	let p = 2;
	while (p < b.length) {
		const marker = b[p + 1];
		const len = b.readUInt16BE(p + 2);
		if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(p + 5), width: b.readUInt16BE(p + 7) };
		p += 2 + len;
	}
	throw new Error('no SOF');
}

interface ApiCase {
	id: string;
	description: string | null;
	source: string | null;
	reported_at: string;
	grid_code: string | null;
}

describe.skipIf(!hasChromium)("the grid worker's phone", () => {
	let app: AppServer;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let rec: PageRecord;
	let grid: string;
	let own: [number, number];
	let foreignPhoto: string;
	const photoFile = path.join(os.tmpdir(), `gridatlas-worker-photo-${process.pid}.png`);
	const admin = (p: string, init?: RequestInit) =>
		app.fetch(`${app.url}${p}`, {
			...init,
			headers: {
				origin: app.url,
				...(init?.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
				...(init?.headers as Record<string, string>)
			}
		});
	const casesLike = async (prefix: string): Promise<ApiCase[]> => {
		const { cases } = (await (await admin('/api/cases?limit=500')).json()) as { cases: ApiCase[] };
		return cases.filter((c) => c.description?.startsWith(prefix)).sort((a, b) => Date.parse(a.reported_at) - Date.parse(b.reported_at));
	};
	const waitFor = async <T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 30_000): Promise<T> => {
		const end = Date.now() + ms;
		for (;;) {
			const v = await fn();
			if (v) return v;
			if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	};

	beforeAll(async () => {
		ensureBuild();
		fs.writeFileSync(photoFile, bigPng());
		app = await startApp({ env: { GRIDATLAS_PATROL_INTERVAL_S: '5' } });
		const who = await (await fetch(`${app.url}/api/session`, { headers: { cookie: await sessionCookie(app.url, 'worker') } })).json();
		grid = who.principal.units[0];
		const grids = await (await admin('/api/layers/grids?labels=1')).json();
		type F = { properties: { code: string }; geometry: { coordinates: [number, number] } };
		own = (grids.features as F[]).find((f) => f.properties.code === grid)!.geometry.coordinates;
		const other = (grids.features as F[]).find((f) => !f.properties.code.startsWith(grid.slice(0, 12)))!;
		// A case and a photo in another community's grid, planted by the admin.
		const planted = await admin('/api/cases', {
			method: 'POST',
			body: JSON.stringify({
				id: 'FOREIGN-1',
				category: 'other',
				lon: other.geometry.coordinates[0],
				lat: other.geometry.coordinates[1],
				description: 'FOREIGN 机密'
			})
		});
		expect(planted.status).toBe(200);
		const form = new FormData();
		foreignPhoto = 'p-foreign-000001';
		form.set('id', foreignPhoto);
		form.set('photo', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(300).fill(3), 0xff, 0xd9])]), 'x.jpg');
		const up = await admin('/api/cases/FOREIGN-1/photos', { method: 'POST', body: form });
		expect(up.status, await up.clone().text()).toBe(200);

		browser = await launchChromium();
		context = await browser.newContext({
			viewport: { width: 360, height: 640 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			locale: 'zh-CN',
			geolocation: { longitude: own[0], latitude: own[1], accuracy: 15 },
			permissions: ['geolocation']
		});
		page = await context.newPage();
		await signIn(page, app.url, 'worker');
		rec = recordPage(page);
	}, 900_000);

	afterAll(async () => {
		fs.rmSync(photoFile, { force: true });
		await browser?.close();
		await app?.stop();
	});

	async function report(p: Page, subclass: string, description: string, withPhoto: boolean) {
		await p.locator('[data-tab="report"]').tap();
		await p.locator('[data-class="E01"]').tap();
		await p.locator(`[data-subclass="${subclass}"]`).tap();
		await p.getByTestId('description').fill(description);
		if (withPhoto) {
			await p.getByTestId('photo-input').setInputFiles(photoFile);
			await p.locator('.thumb img').first().waitFor();
		}
		await p.getByTestId('send-report').tap();
		await p.getByTestId('notice').waitFor();
	}

	it('opens on the own grid with the position and its accuracy, and reports a case with a photo', async () => {
		await page.goto(`${app.url}/m`);
		await page.getByTestId('accuracy').waitFor();
		expect(await page.getByTestId('accuracy').innerText()).toContain('15');
		expect(await page.getByTestId('own-grid').innerText()).not.toBe('');
		await expect(page.getByTestId('outside-warning').count()).resolves.toBe(0);
		// Large touch targets: every chip and button of the form at least 44 px high.
		const heights = await page.locator('.chip, .send, nav.tabs button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
		expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
		await page.waitForFunction(() => (window as unknown as { gridatlasMap?: { loaded(): boolean } }).gridatlasMap?.loaded());
		await report(page, 'E0104', 'ONLINE-1 道路不洁', true);
		await page.screenshot({ path: path.join(SHOTS, 'worker-report-360x640.png') });
		const [c] = await waitFor(async () => {
			const found = await casesLike('ONLINE-1');
			return found.length ? found : null;
		}, 'the online report');
		expect(c).toMatchObject({ source: 'grid_worker', grid_code: grid });
		// Its photo arrives after it, and reads back through the authorised route, downscaled.
		const task = await waitFor(async () => {
			const { tasks } = await (await page.request.get(`${app.url}/api/worker/tasks`)).json();
			const t = tasks.find((x: { id: string; photos: unknown[] }) => x.id === c.id && x.photos.length === 1);
			return t ?? null;
		}, 'the photo');
		expect(task.subclass).toBe('E0104');
		const photo = await page.request.get(`${app.url}/api/photos/${task.photos[0].id}`);
		expect(photo.status()).toBe(200);
		expect(photo.headers()['content-type']).toBe('image/jpeg');
		const bytes = Buffer.from(await photo.body());
		expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
		expect(jpegSize(bytes)).toEqual({ width: 1600, height: 1200 });
		expect(bytes.length).toBeLessThan(fs.statSync(photoFile).size);
		const thumb = await page.request.get(`${app.url}/api/photos/${task.photos[0].id}?size=thumb`);
		expect(thumb.status()).toBe(200);
		expect(jpegSize(Buffer.from(await thumb.body()))).toEqual({ width: 320, height: 240 });
	}, 120_000);

	it('reports made offline wait in the outbox and arrive once each, in order, when the network returns', async () => {
		await context.setOffline(true);
		await page.getByTestId('offline').waitFor();
		await report(page, 'E0102', 'OFFLINE-2 暴露垃圾', true);
		await report(page, 'E0101', 'OFFLINE-3 私搭乱建', false);
		expect(await page.getByTestId('notice').innerText()).toContain('联网后自动发送');
		await page.locator('[data-tab="outbox"]').tap();
		await expect(page.getByTestId('outbox-item').count()).resolves.toBe(3); // two reports and a photo
		await page.screenshot({ path: path.join(SHOTS, 'worker-outbox-offline-360x640.png') });
		expect(await casesLike('OFFLINE-')).toEqual([]);
		await context.setOffline(false);
		const arrived = await waitFor(async () => {
			const found = await casesLike('OFFLINE-');
			return found.length >= 2 && (await page.getByTestId('outbox-item').count()) === 0 ? found : null;
		}, 'the offline reports');
		expect(arrived.map((c) => c.description)).toEqual(['OFFLINE-2 暴露垃圾', 'OFFLINE-3 私搭乱建']);
		// In order on the stream too: the first one's event comes first.
		const events = await Promise.all(arrived.map(async (c) => (await (await admin(`/api/cases/${c.id}`)).json()).events[0].id as number));
		expect(events[0]).toBeLessThan(events[1]);
		// Sent again (as after a lost answer): still one case each.
		const again = await page.request.post(`${app.url}/api/worker/reports`, {
			data: { id: arrived[0].id, subclass: 'E0102', lon: own[0], lat: own[1], description: 'OFFLINE-2 暴露垃圾', reported_at: arrived[0].reported_at },
			headers: { origin: app.url }
		});
		expect((await again.json()).outcome).toBe('unchanged');
		expect((await casesLike('OFFLINE-')).length).toBe(2);
	}, 120_000);

	it('is installable: a manifest, and a service worker that keeps the app shell and /m for offline', async () => {
		const manifest = await (await page.request.get(`${app.url}/m.webmanifest`)).json();
		expect(manifest).toMatchObject({ start_url: '/m', scope: '/m', display: 'standalone' });
		expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512']);
		for (const icon of manifest.icons) expect((await page.request.get(`${app.url}${icon.src}`)).headers()['content-type']).toBe('image/png');
		const cached = await page.evaluate(async () => {
			const reg = await navigator.serviceWorker.ready;
			const names = (await caches.keys()).filter((k) => k.startsWith('gridatlas-m-'));
			const keys = names.length ? (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname) : [];
			return {
				scope: new URL(reg.scope).pathname,
				caches: names.length,
				hasPage: keys.includes('/m'),
				shell: keys.filter((k) => k.startsWith('/_app/')).length
			};
		});
		expect(cached.scope).toBe('/m');
		expect(cached.caches).toBe(1);
		expect(cached.shell).toBeGreaterThan(5);
		// /m is kept once the worker controls a load of it.
		await page.reload();
		await page.getByTestId('accuracy').waitFor();
		await waitFor(() => page.evaluate(async () => (await caches.match('/m')) !== undefined), 'the page in the cache');
	}, 60_000);

	it('a report made offline survives closing the page; the page opens offline and sends it when the phone is back', async () => {
		await context.setOffline(true);
		await page.locator('[data-tab="report"]').tap();
		await page.getByTestId('offline').waitFor();
		await report(page, 'E0104', 'CLOSED-4 道路不洁', false);
		await page.close();
		page = await context.newPage();
		rec = recordPage(page);
		// Still offline: /m opens from the service worker's copy, its outbox still holding the report.
		await page.goto(`${app.url}/m`);
		await page.getByTestId('offline').waitFor();
		expect(await page.getByTestId('outbox-badge').innerText()).toBe('1');
		expect(await casesLike('CLOSED-4')).toEqual([]);
		await context.setOffline(false);
		const arrived = await waitFor(async () => {
			const found = await casesLike('CLOSED-4');
			return found.length ? found : null;
		}, 'the report queued before the page closed');
		expect(arrived).toHaveLength(1);
	}, 120_000);

	it('my tasks follow the case stream: dispatched, handled from the phone, sent back for rework with its reason', async () => {
		const [c] = await casesLike('ONLINE-1');
		await page.locator('[data-tab="tasks"]').tap();
		const card = page.locator(`[data-testid="task"][data-case="${c.id}"]`);
		await card.waitFor();
		for (const action of ['register', 'dispatch'])
			expect((await admin(`/api/cases/${c.id}/steps`, { method: 'POST', body: JSON.stringify({ action }) })).status).toBe(200);
		await waitFor(async () => (await card.innerText()).includes('剩余') || (await card.innerText()).includes('处置中'), 'the dispatched task, live');
		await card.locator('button.head').tap();
		await card.getByTestId('take').tap();
		await card.getByTestId('handle').tap();
		await waitFor(async () => (await (await admin(`/api/cases/${c.id}`)).json()).ops?.stage === 'verify', 'the handling report');
		expect((await admin(`/api/cases/${c.id}/steps`, { method: 'POST', body: JSON.stringify({ action: 'verify_fail', reason: '垃圾未清完' }) })).status).toBe(
			200
		);
		await waitFor(async () => (await card.innerText()).includes('垃圾未清完'), 'the rework reason, live');
		expect(await card.getByTestId('returned').innerText()).toContain('返工');
		const { tasks } = await (await page.request.get(`${app.url}/api/worker/tasks`)).json();
		expect(tasks.find((t: { id: string }) => t.id === c.id).takenBy).toBe('worker');
		await page.screenshot({ path: path.join(SHOTS, 'worker-tasks-360x640.png') });
	}, 120_000);

	it('a patrol walked offline: its track points arrive once each when the network returns; the track is personal', async () => {
		await page.locator('[data-tab="patrol"]').tap();
		await context.setOffline(true);
		await page.getByTestId('patrol-toggle').tap();
		// Walk east through the own grid: a new position every 2 s, a point taken every 5 s.
		for (let i = 1; i <= 6; i++) {
			await context.setGeolocation({ longitude: own[0] + i * 0.0002, latitude: own[1], accuracy: 8 });
			await page.waitForTimeout(2000);
		}
		await page.getByTestId('patrol-toggle').tap();
		const taken = Number((await page.getByTestId('patrol').innerText()).match(/(\d+) 个轨迹点/)![1]);
		expect(taken).toBeGreaterThanOrEqual(3);
		expect(await page.getByTestId('patrol-distance').innerText()).not.toContain('0.00');
		await page.screenshot({ path: path.join(SHOTS, 'worker-patrol-360x640.png') });
		const mine = () => page.request.get(`${app.url}/api/patrol`).then((r) => r.json());
		await context.setOffline(false);
		const track = await waitFor(async () => {
			const t = await mine();
			return t.points.length >= taken ? t : null;
		}, 'the track points');
		expect(track.points).toHaveLength(taken); // each once
		expect(track.metres).toBeGreaterThan(40);
		const leader = await fetch(`${app.url}/api/patrol?user=worker`, { headers: { cookie: await sessionCookie(app.url, 'leader') } });
		expect((await leader.json()).points).toHaveLength(taken);
		const viewer = await fetch(`${app.url}/api/patrol?user=worker`, { headers: { cookie: await sessionCookie(app.url, 'viewer') } });
		expect(viewer.status).toBe(403);
		await context.setGeolocation({ longitude: own[0], latitude: own[1], accuracy: 15 });
		// The leader's view of the day: the worker's figures and track.
		const lp = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await signIn(lp, app.url, 'leader');
		await lp.goto(`${app.url}/patrol`);
		await lp.waitForFunction(() => (window as unknown as { gridatlasMap?: { loaded(): boolean } }).gridatlasMap?.loaded());
		// Every worker's track of the day on one map: the track layer draws the walk.
		const drawn = await lp.evaluate(
			() => (window as unknown as { gridatlasMap: { querySourceFeatures(id: string): unknown[] } }).gridatlasMap.querySourceFeatures('track').length
		);
		expect(drawn).toBeGreaterThan(0); // one line, returned once per tile it crosses
		await lp.screenshot({ path: path.join(SHOTS, 'worker-patrol-leader-all.png') });
		await lp.goto(`${app.url}/patrol?user=worker`);
		const row = await lp.getByTestId('patrols').locator('tr.on').innerText();
		expect(row).toContain(String(taken));
		await lp.waitForFunction(() => (window as unknown as { gridatlasMap?: { loaded(): boolean } }).gridatlasMap?.loaded());
		await lp.screenshot({ path: path.join(SHOTS, 'worker-patrol-leader.png') });
		await lp.close();
	}, 120_000);

	it('is usable on a tablet too', async () => {
		const tablet = await browser.newContext({
			viewport: { width: 800, height: 1280 },
			isMobile: true,
			hasTouch: true,
			geolocation: { longitude: own[0], latitude: own[1], accuracy: 15 },
			permissions: ['geolocation']
		});
		const p = await tablet.newPage();
		await signIn(p, app.url, 'worker');
		await p.goto(`${app.url}/m?lang=en`);
		await p.getByTestId('accuracy').waitFor();
		expect(await p.getByTestId('accuracy').innerText()).toContain('accurate to about 15 m');
		await p.locator('[data-tab="tasks"]').tap();
		await p.getByTestId('task').first().waitFor();
		await p.screenshot({ path: path.join(SHOTS, 'worker-tasks-tablet-en.png') });
		await tablet.close();
	}, 60_000);

	it("another grid's cases and photos are refused to the worker", async () => {
		const r = page.request;
		const headers = { origin: app.url };
		expect((await r.get(`${app.url}/api/photos/${foreignPhoto}`)).status()).toBe(404);
		expect((await r.get(`${app.url}/api/photos/${foreignPhoto}?size=thumb`)).status()).toBe(404);
		expect((await r.get(`${app.url}/api/cases/FOREIGN-1`)).status()).toBe(404);
		expect(
			(
				await r.post(`${app.url}/api/cases/FOREIGN-1/photos`, {
					multipart: {
						id: 'p-sneaky-000001',
						photo: { name: 'a.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(64).fill(1)]) }
					},
					headers
				})
			).status()
		).toBe(403);
		expect((await r.post(`${app.url}/api/cases/FOREIGN-1/notes`, { data: { id: 'n-sneaky-000001', text: 'x' }, headers })).status()).toBe(403);
		expect((await r.post(`${app.url}/api/cases/FOREIGN-1/steps`, { data: { action: 'handle' }, headers })).status()).toBe(403);
		const grids = await (await admin('/api/layers/grids?labels=1')).json();
		const far = grids.features.find((f: { properties: { code: string } }) => !f.properties.code.startsWith(grid.slice(0, 12))).geometry.coordinates;
		const outside = await r.post(`${app.url}/api/worker/reports`, { data: { id: 'm-outside-000001', subclass: 'E0104', lon: far[0], lat: far[1] }, headers });
		expect(outside.status()).toBe(403);
		const { tasks } = await (await r.get(`${app.url}/api/worker/tasks`)).json();
		expect(JSON.stringify(tasks)).not.toContain('FOREIGN');
		expect(rec.errors).toEqual([]);
	});
});

// The live case overlay in a real browser against the production build with the demo city:
// cases posted through the API appear in the latest list without a reload (SSE), hexagons are
// drawn from k-suppressed counts, descriptions stay text, and the density API suppresses.
// Leaders see the points view (binary columns, appended to live); viewers never ask for them.
import { sessionCookie, signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';
import { canvasImage, openMap } from './helpers/map-page';
import { countColor } from './helpers/png';

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
		expect((await post(around(2, 118.77, 32.035, 'dispute'))).status).toBe(200);
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
		// Suppressed below 'cases:detail' (a viewer); leaders and admins see every cell.
		const viewerCookie = await sessionCookie(app.url, 'viewer');
		const density = await (await fetch(`${app.url}/api/cases/density?res=9`, { headers: { cookie: viewerCookie } })).json();
		expect(density.cells.every((c: any) => c.count >= 3)).toBe(true);
		expect(density.suppressedCases).toBeGreaterThanOrEqual(2); // the two lone disputes
		expect((await (await app.fetch(`${app.url}/api/cases/density?res=9`)).json()).suppressedCases).toBe(0);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/cases-overlay.png` });
	}, 90_000);

	it('a case posted through the API appears in the list without a reload', async () => {
		const [item] = around(1, 118.785, 32.042, 'safety_hazard');
		(item as any).reported_at = new Date().toISOString();
		(item as any).description = '新上报：消防通道堵塞';
		await page.waitForSelector('[data-testid="case-panel"][data-connected="true"]');
		expect((await post([item])).status).toBe(200);
		await page.waitForFunction(() => document.querySelector('[data-testid="case-latest"]')?.textContent?.includes('消防通道堵塞'), null, { timeout: 20_000 });
		expect(record.errors).toEqual([]);
	}, 60_000);

	it("a leader's points view draws the binary columns and a posted case adds one point without a reload", async () => {
		const leader = await browser.newPage({ viewport: { width: 1600, height: 950 } });
		await signIn(leader, app.url, 'leader');
		const rec = recordPage(leader);
		try {
			await openMap(leader, `${app.url}/?z=15&lon=118.7835&lat=32.0405`);
			await leader.locator('[data-testid="case-toggle"]').check();
			await leader.locator('[data-testid="case-view-points"]').click();
			await leader.waitForFunction(() => ((window as any).gridatlasCasePoints?.length ?? 0) >= 33, null, { timeout: 20_000 });
			const before = await leader.evaluate(() => ({ ...(window as any).gridatlasCasePoints }));
			const columns = rec.requests.filter((u) => u.includes('/api/cases/columns'));
			expect(columns).toHaveLength(1);
			expect(before.capacity).toBeGreaterThan(before.length); // room to append in place
			expect(before.shown).toBe(before.length); // all of them in the last 24 h
			expect(await leader.locator('[data-testid="case-points"]').getAttribute('data-shown')).toBe(String(before.shown));
			// The open cases are drawn in their red.
			await leader.waitForTimeout(500);
			const { img } = await canvasImage(leader);
			expect(countColor(img, [240, 59, 32], 30)).toBeGreaterThan(50);
			if (SHOTS) await leader.screenshot({ path: `${SHOTS}/cases-points.png` });

			await leader.waitForSelector('[data-testid="case-panel"][data-connected="true"]');
			const at: [number, number] = [118.7819, 32.0419]; // open ground, no label over it
			const redAt = async () => {
				const p = await leader.evaluate((ll) => (window as any).gridatlasMap.project(ll), at);
				const { img } = await canvasImage(leader);
				let n = 0;
				for (let y = Math.round(p.y) - 8; y <= Math.round(p.y) + 8; y++)
					for (let x = Math.round(p.x) - 8; x <= Math.round(p.x) + 8; x++) {
						const o = (y * img.width + x) * 4;
						if (Math.abs(img.data[o] - 240) < 30 && Math.abs(img.data[o + 1] - 59) < 30 && Math.abs(img.data[o + 2] - 32) < 30) n++;
					}
				return n;
			};
			expect(await redAt()).toBe(0);
			const [item] = around(1, at[0], at[1], 'safety_hazard');
			(item as any).reported_at = new Date().toISOString();
			expect((await post([item])).status).toBe(200);
			await leader.waitForFunction((n) => (window as any).gridatlasCasePoints?.length === n, before.length + 1, { timeout: 20_000 });
			const after = await leader.evaluate(() => ({ ...(window as any).gridatlasCasePoints }));
			// Appended in place: one row uploaded, no full rebuild, no second request for the columns.
			expect(after.capacity).toBe(before.capacity);
			expect(after.fullUploads).toBe(before.fullUploads);
			expect(after.lastDiff).toEqual([{ startRow: before.length, endRow: before.length + 1 }]);
			expect(after.shown).toBe(before.shown + 1);
			await leader.waitForSelector(`[data-testid="case-points"][data-shown="${before.shown + 1}"]`);
			// …and the one row written into the layer's GPU buffers is drawn, in the open cases' red.
			await leader.waitForTimeout(500);
			expect(await redAt()).toBeGreaterThan(20);
			if (SHOTS) await leader.screenshot({ path: `${SHOTS}/cases-points-appended.png` });
			// A point is clickable: its card says what the columns hold (category, status, time).
			// (map.project gives canvas pixels; the click needs page pixels)
			const spot = await leader.evaluate(
				(ll) => {
					const m = (window as any).gridatlasMap;
					const p = m.project(ll);
					const r = m.getCanvas().getBoundingClientRect();
					return { x: r.left + p.x, y: r.top + p.y };
				},
				[(item as any).lon, (item as any).lat]
			);
			// A photo of it whose camera stood 0.005° (≈ 556 m) north: the card flags it for 核查.
			const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(200).fill(7), 0xff, 0xd9]);
			const photo = new FormData();
			photo.set('id', 'p-browser-000001');
			photo.set('photo', new Blob([jpeg]), 'photo.jpg');
			photo.set('exif_lon', String((item as any).lon));
			photo.set('exif_lat', String((item as any).lat + 0.005));
			const uploaded = await app.fetch(`${app.url}/api/cases/${(item as any).id}/photos`, { method: 'POST', headers: { origin: app.url }, body: photo });
			expect(uploaded.status, await uploaded.clone().text()).toBe(200);
			await leader.mouse.click(spot.x, spot.y);
			const card = leader.locator('[data-testid="feature-info"]');
			await card.waitFor({ timeout: 10_000 });
			await expect(card.innerText()).resolves.toMatch(/安全隐患[\s\S]*已上报[\s\S]*上报时间/);
			// …and below it the case's operations: found by place and time (the columns carry no id),
			// with the steps the command centre may take. 立案, 派遣, then 改派 with its reason.
			await expect.poll(() => card.locator('[data-testid="case-ops-id"]').textContent(), { timeout: 10_000 }).toBe((item as any).id);
			expect(await card.locator('[data-testid="case-ops-actions"] button').allInnerTexts()).toEqual(['立案', '作废']);
			await expect(card.locator('[data-testid="case-photo-offset"]').innerText()).resolves.toMatch(/^距案件 55[5-7] 米拍摄，请核实$/);
			await card.locator('[data-testid="case-step-register"]').click();
			await card.locator('[data-testid="case-ops"][data-stage="dispatch"]').waitFor({ timeout: 10_000 });
			await card.locator('[data-testid="case-step-dispatch"]').click();
			await card.locator('[data-testid="case-ops"][data-stage="handle"]').waitFor({ timeout: 10_000 });
			await expect(card.locator('[data-testid="case-ops-clock"]').innerText()).resolves.toMatch(/剩余|预警|超期/);
			await card.locator('[data-testid="case-step-reassign"]').click();
			await expect(card.locator('[data-testid="case-step-confirm"]').isDisabled()).resolves.toBe(true);
			await card.locator('[data-testid="case-step-reason"]').fill('责任网格调整');
			await card.locator('[data-testid="case-step-confirm"]').click();
			await expect(card.locator('[data-testid="case-ops-message"]').innerText()).resolves.toBe('已改派');
			const ops = (await (await app.fetch(`${app.url}/api/cases/${(item as any).id}`)).json()).ops;
			expect(ops.steps.map((x: { action: string; actor: string; reason: string | null }) => [x.action, x.actor, x.reason])).toEqual([
				['register', 'user:leader', null],
				['dispatch', 'user:leader', null],
				['reassign', 'user:leader', '责任网格调整']
			]);
			if (SHOTS) await leader.screenshot({ path: `${SHOTS}/cases-point-card.png` });
			await leader.locator('[data-testid="feature-info"] header button').click();

			// A status change rewrites the case's slot: same count, one row updated.
			const patch = await app.fetch(`${app.url}/api/cases/${(item as any).id}`, {
				method: 'PATCH',
				headers: { origin: app.url, 'content-type': 'application/json' },
				body: JSON.stringify({ status: 'closed' })
			});
			expect(patch.status).toBe(200);
			await leader.waitForFunction((v) => (window as any).gridatlasCasePoints?.version > v, after.version, { timeout: 20_000 });
			const closed = await leader.evaluate(() => ({ ...(window as any).gridatlasCasePoints }));
			expect(closed.length).toBe(before.length + 1);
			expect(closed.fullUploads).toBe(before.fullUploads);
			expect(closed.lastDiff).toEqual([{ startRow: before.length, endRow: before.length + 1 }]);
			expect(rec.requests.filter((u) => u.includes('/api/cases/columns'))).toHaveLength(1);

			// The category filter selects within the columns: no new request.
			await leader.locator('[data-testid="case-panel"] details summary').click();
			await leader
				.locator('[data-testid="case-panel"] .cat', { hasText: /矛盾纠纷|Dispute/ })
				.locator('input')
				.check();
			await leader.waitForSelector('[data-testid="case-points"][data-shown="2"]');
			expect(rec.requests.filter((u) => u.includes('/api/cases/columns'))).toHaveLength(1);
			expect(rec.errors).toEqual([]);
		} finally {
			await leader.close();
		}
	}, 120_000);

	it("a leader switches on today's patrol walks: the demo worker's walk is drawn as a line", async () => {
		const worker = await sessionCookie(app.url, 'worker');
		const who = await (await fetch(`${app.url}/api/session`, { headers: { cookie: worker } })).json();
		const grids = await (await app.fetch(`${app.url}/api/layers/grids?labels=1`)).json();
		const [lon, lat] = grids.features.find((f: { properties: { code: string } }) => f.properties.code === who.principal.units[0]).geometry.coordinates;
		const points = Array.from({ length: 20 }, (_, i) => ({
			id: `pt-browser-${String(i).padStart(4, '0')}`,
			patrol: 'patrol-browser1',
			at: new Date(Date.now() - (20 - i) * 30_000).toISOString(),
			lon: lon + i * 0.0002,
			lat: lat + (i % 2) * 0.0002
		}));
		const stored = await fetch(`${app.url}/api/patrol/points`, {
			method: 'POST',
			headers: { cookie: worker, origin: app.url, 'content-type': 'application/json' },
			body: JSON.stringify({ points })
		});
		expect(stored.status, await stored.clone().text()).toBe(200);
		const leader = await browser.newPage({ viewport: { width: 1600, height: 950 } });
		await signIn(leader, app.url, 'leader');
		try {
			await openMap(leader, `${app.url}/?z=16&lon=${lon + 0.002}&lat=${lat}`);
			await leader.locator('[data-testid="patrol-toggle"]').check();
			await expect.poll(() => leader.locator('[data-testid="patrol-legend"]').innerText(), { timeout: 20_000 }).toMatch(/^1 名网格员今天有轨迹/);
			await leader.waitForFunction(() => (window as any).gridatlasMap.querySourceFeatures('patrol-tracks').length > 0, null, { timeout: 20_000 });
			if (SHOTS) await leader.screenshot({ path: `${SHOTS}/patrol-layer.png` });
		} finally {
			await leader.close();
		}
		// A viewer has no such switch, and the API answers it nothing.
		expect((await fetch(`${app.url}/api/patrol/tracks`, { headers: { cookie: await sessionCookie(app.url, 'viewer') } })).status).toBe(403);
	}, 120_000);

	it('a viewer keeps the suppressed views and never asks for the case columns', async () => {
		const viewer = await browser.newPage({ viewport: { width: 1200, height: 800 } });
		await signIn(viewer, app.url, 'viewer');
		const rec = recordPage(viewer);
		try {
			await openMap(viewer, `${app.url}/`);
			await viewer.locator('[data-testid="case-toggle"]').check();
			await viewer.waitForSelector('[data-testid="case-view-hex"]');
			await viewer.waitForFunction(() => document.querySelector('[data-testid="case-panel"]')?.textContent?.match(/\d+ (个六边形|hexagons)/));
			expect(await viewer.locator('[data-testid="case-view-points"]').count()).toBe(0);
			await viewer.waitForTimeout(1000);
			expect(rec.requests.some((u) => u.includes('/api/cases/density'))).toBe(true);
			expect(rec.requests.filter((u) => u.includes('/api/cases/columns'))).toEqual([]);
			expect(await viewer.evaluate(() => (window as any).gridatlasCasePoints)).toBeUndefined();
			// And the server would refuse them anyway.
			const cookie = await sessionCookie(app.url, 'viewer');
			expect((await fetch(`${app.url}/api/cases/columns`, { headers: { cookie } })).status).toBe(403);
		} finally {
			await viewer.close();
		}
	}, 90_000);

	it('refuses bad analysis queries with a message', async () => {
		expect((await app.fetch(`${app.url}/api/cases/density?res=42`)).status).toBe(400);
		const bad = await app.fetch(`${app.url}/api/cases/grids?from=nonsense`);
		expect(bad.status).toBe(400);
		expect((await bad.json()).message).toMatch(/ISO 8601/);
	});
});

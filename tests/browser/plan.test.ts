// The grid-planning editor in a real browser against the production build with the Nanjing demo:
// delete a grid (the validation shows the gap), draw it again by clicking its corners (snapping onto
// the neighbours and the boundary; the validation clears), save a draft, reload and find the new
// grid persisted; then a stale save from a second "planner" gets the conflict dialog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';
import { screenPoint, waitForMap } from './helpers/map-page';
import { sessionCookie, signIn } from './helpers/session';

const SHOTS = process.env.SCREENSHOT_DIR;
// 淮海路社区 in the demo: 7 grids, 79 buildings.
const COMMUNITY = '320104006002';

describe.skipIf(!hasChromium)('grid planning editor', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let record: PageRecord;
	let cookie = '';

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
		await signIn(page, app.url, 'admin');
		record = recordPage(page);
		cookie = await sessionCookie(app.url, 'admin');
	}, 400_000);
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	const api = (path: string, init?: RequestInit) =>
		fetch(`${app.url}${path}`, { ...init, headers: { origin: app.url, 'content-type': 'application/json', cookie, ...init?.headers } });
	const hardCount = async () => Number(await page.locator('[data-testid="plan-validation"]').getAttribute('data-hard'));

	let drawn: number[][] = [];
	let newCode = '';

	it('deletes a grid, draws it again by clicks, sees the validation update, saves', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		expect(plan.grids.length).toBeGreaterThan(2);
		// The grid whose corners are furthest apart: the one to redraw by clicking them.
		const target = [...plan.grids].sort((a: any, b: any) => minEdgeM(b) - minEdgeM(a))[0];
		expect(minEdgeM(target)).toBeGreaterThan(15);
		drawn = ring(target);
		newCode = COMMUNITY + String(plan.maxSeq + 1).padStart(3, '0');

		await page.goto(`${app.url}/plan/${COMMUNITY}`);
		await page.waitForSelector('[data-testid="plan-page"]');
		await waitForMap(page);
		await page.waitForFunction(() => (window as any).gridatlasDraw?.getSnapshot().length > 0);
		expect(await hardCount()).toBe(0);
		await expect(page.locator('[data-testid="plan-valid"]').count()).resolves.toBe(1);

		// Delete it: the validation reports a gap (hard) at once.
		await page.locator('[data-tool="delete"]').click();
		const inside = drawn.reduce((s, p) => [s[0] + p[0] / drawn.length, s[1] + p[1] / drawn.length], [0, 0]) as [number, number];
		const c = await screenPoint(page, inside);
		await page.mouse.click(c.x, c.y);
		await page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) > 0);
		await expect(page.locator('[data-testid="plan-validation"] li[data-kind="gap"]').count()).resolves.toBeGreaterThan(0);
		expect(await page.locator('[data-testid="plan-save-button"]').isDisabled()).toBe(true);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-gap.png` });

		// Draw it again: click each corner, then the first one to close.
		await page.locator('[data-tool="draw"]').click();
		for (const p of [...drawn, drawn[0]]) {
			const s = await screenPoint(page, p as [number, number]);
			await page.mouse.move(s.x, s.y, { steps: 4 });
			await page.mouse.click(s.x, s.y);
			await page.waitForTimeout(150);
		}
		await page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) === 0, null, { timeout: 15_000 });
		const bars = await page.locator('[data-testid="plan-chart"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
		expect(bars).toContain(newCode);
		await expect(page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('true');
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-drawn.png` });

		await page.locator('[data-testid="plan-note"]').fill('重画一个网格');
		await page.locator('[data-testid="plan-save-button"]').click();
		await page.waitForSelector('[data-testid="plan-save-message"]');
		expect(await page.locator('[data-testid="plan-save-message"]').innerText()).toMatch(/已保存为第 \d+ 版/);
		await expect(page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('false');
	}, 180_000);

	it('reloads and finds the new grid persisted, in the revisions list too', async () => {
		await page.reload();
		await page.waitForSelector('[data-testid="plan-page"]');
		await waitForMap(page);
		const bars = await page.locator('[data-testid="plan-chart"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
		expect(bars).toContain(newCode);
		expect(await hardCount()).toBe(0);
		await expect(page.locator('[data-testid="plan-revisions"] li').first().innerText()).resolves.toMatch(/重画一个网格/);
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		expect(plan.openedFrom.kind).toBe('revision');
		const grid = plan.grids.find((g: any) => g.code === newCode);
		expect(grid).toBeTruthy();
		// Its corners are the clicked ones (snapped exactly onto the old corners).
		const got = ring(grid).map((p) => p.map((v) => v.toFixed(6)).join(','));
		for (const p of drawn) expect(got).toContain(p.map((v) => v.toFixed(6)).join(','));
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-reloaded.png` });
	}, 120_000);

	it('a second planner saving from the same base gets the conflict dialog', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		// Someone else saves first (from the same base).
		const other = await api(`/api/plans/${COMMUNITY}`, {
			method: 'POST',
			body: JSON.stringify({ grids: plan.grids, note: '另一位规划员', status: 'draft', baseRevision: plan.latestRevision })
		});
		expect(other.status).toBe(201);
		// This editor still holds the older base: rename a grid and save.
		await page.locator('[data-tool="select"]').click();
		await page.locator(`[data-testid="plan-chart"] rect.bar[data-code="${newCode}"]`).click();
		await page.locator('[data-testid="plan-grid"] input').fill('新网格');
		await page.locator('[data-testid="plan-grid"] input').press('Enter');
		await page.locator('[data-testid="plan-save-button"]').click();
		await page.waitForSelector('[data-testid="plan-conflict"]');
		expect(await page.locator('[data-testid="plan-conflict"]').innerText()).toMatch(/另一位规划员|保存了第/);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-conflict.png` });
		await page.locator('[data-testid="plan-conflict-reload"]').click();
		await page.locator('[data-testid="plan-save-button"]').click();
		await page.waitForFunction(() => /已保存为第/.test(document.querySelector('[data-testid="plan-save-message"]')?.textContent ?? ''));
		const after = await (await api(`/api/plans/${COMMUNITY}`)).json();
		expect(after.grids.find((g: any) => g.code === newCode).name).toBe('新网格');
		expect(after.revisions[1].note).toBe('另一位规划员');
		// The author is the signed-in user (no accounts in the build: 'system').
		expect(after.revisions[0].author).toBe(cookie ? 'admin' : 'system');
		expect(record.errors).toEqual([]);
	}, 120_000);
});

function ring(g: { geometry: { type: string; coordinates: any } }): number[][] {
	const r: number[][] = g.geometry.type === 'Polygon' ? g.geometry.coordinates[0] : g.geometry.coordinates[0][0];
	return r.slice(0, -1);
}

function minEdgeM(g: { geometry: { type: string; coordinates: any } }): number {
	const r = ring(g);
	return Math.min(...r.map((p, i) => { const q = r[(i + 1) % r.length]; return Math.hypot((q[0] - p[0]) * 94_400, (q[1] - p[1]) * 110_900); }));
}

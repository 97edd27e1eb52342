// The grid-planning editor in a real browser against the production build with the Nanjing demo:
// delete a grid (the validation shows the gap), draw it again by clicking its corners (snapping onto
// the neighbours and the boundary; the validation clears), save a draft, reload and find the new
// grid persisted; then a stale save from a second "planner" gets the conflict dialog. Then split a
// grid with a drawn line (clicks + Enter), merge the pieces back, paint a building into another
// grid by a click and two more by a lasso, delete a grid and take the one-click gap fix, save and open
// the diff (and export the Shapefile); a viewer gets the editor read-only and the API refuses its save,
// a planner is refused outside its jurisdiction and edits inside it; the map's side panel links a
// community to its editor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';
import { openMap, screenPoint, waitForMap, waitForPanel } from './helpers/map-page';
import { sessionCookie, signIn } from './helpers/session';
import { readShapefileZip } from '$geo/readers/shapefile';

const SHOTS = process.env.SCREENSHOT_DIR;
// 淮海路社区 in the demo: 7 grids, 79 buildings.
const COMMUNITY = '320104006002';
// A community with a boundary inside the demo planner's jurisdiction (the first subdistrict, 320102002).
const PLANNER_COMMUNITY = '320102002002';

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
		await page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) === 0, null, {
			timeout: 15_000
		});
		const bars = await page.locator('[data-testid="plan-chart"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
		expect(bars).toContain(newCode);
		await expect(page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('true');
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-drawn.png` });

		await page.locator('[data-testid="plan-note"]').fill('重画一个网格');
		await page.locator('[data-testid="plan-save-button"]').click();
		await page.waitForSelector('[data-testid="plan-save-message"]');
		expect(await page.locator('[data-testid="plan-save-message"]').innerText()).toMatch(/已保存为第 \d+ 版/);
		await expect(page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('false');
		// The header names what the editor holds now: the draft just saved, no longer "no revision yet".
		const header = await page.getByTestId('plan-summary').innerText();
		expect(header).not.toContain('尚无规划版本');
		expect(header).toMatch(/第 \d+ 版草稿/);
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
		// One naming rule for new grids, the demo's own: short community name + sequence (淮海路第8网格).
		expect(grid.name).toBe(`淮海路第${Number(newCode.slice(-3))}网格`);
		expect(plan.grids.filter((g: any) => g.code !== newCode).every((g: any) => /^淮海路第\d+网格$/.test(g.name))).toBe(true);
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

	const bars = () =>
		page
			.locator('[data-testid="plan-chart"] rect.bar')
			.evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-code')!, Number(e.getAttribute('data-households'))])));
	const waitHard = (n: number) =>
		page.waitForFunction((n) => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) === n, n, { timeout: 15_000 });
	/** Frames a lon/lat box on the map, clear of the toolbar over its top. */
	async function frame(b: number[]) {
		await page.evaluate(
			(b) =>
				(window as any).gridatlasMap.fitBounds(
					[
						[b[0], b[1]],
						[b[2], b[3]]
					],
					{ padding: { top: 170, bottom: 50, left: 60, right: 60 }, animate: false }
				),
			b
		);
		await waitForMap(page);
	}
	async function clickAt(p: number[]) {
		const s = await screenPoint(page, p as [number, number]);
		await page.mouse.move(s.x, s.y, { steps: 3 });
		await page.mouse.click(s.x, s.y);
		await page.waitForTimeout(120);
	}
	const editorGrids = async () =>
		(await page.evaluate(() => (window as any).gridatlasDraw.getSnapshot().map((f: any) => ({ code: f.properties.code, geometry: f.geometry })))) as {
			code: string;
			geometry: any;
		}[];

	let splitCode = '',
		splitOther = '';

	it('splits a grid along a line drawn by clicks and Enter: two grids, the old code kept, a new one numbered, still valid', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		// The unsaved edits from before were saved or reapplied: the editor holds the latest layout.
		const before = await bars();
		// The widest grid; the line runs from above it to below it, bent, and slanted (not along an axis).
		const target = [...plan.grids].sort((a: any, b: any) => bboxArea(b) - bboxArea(a))[0];
		splitCode = target.code;
		const [x0, y0, x1, y1] = bbox(target);
		const w = x1 - x0,
			h = y1 - y0;
		// Through the middle of its buildings, so both pieces get some.
		const lons = plan.buildings
			.filter((b: any) => pointInGeometry([b.lon, b.lat], target.geometry))
			.map((b: any) => b.lon)
			.sort((a: number, b: number) => a - b);
		expect(lons.length).toBeGreaterThan(3);
		const xm = (lons[Math.floor(lons.length / 2) - 1] + lons[Math.floor(lons.length / 2)]) / 2;
		await frame([x0 - w * 0.15, y0 - h * 0.15, x1 + w * 0.15, y1 + h * 0.15]);
		await page.locator('[data-tool="split"]').click();
		const line = [
			[xm - w * 0.03, y1 + h * 0.08],
			[xm + w * 0.02, y0 + h * 0.5],
			[xm - w * 0.01, y0 - h * 0.08]
		];
		for (const p of line) await clickAt(p);
		await page.keyboard.press('Enter');
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === n, Object.keys(before).length + 1, {
			timeout: 15_000
		});
		const after = await bars();
		splitOther = COMMUNITY + String(Math.max(plan.maxSeq, ...plan.grids.map((g: any) => Number(g.code.slice(-3)))) + 1).padStart(3, '0');
		expect(Object.keys(after).sort()).toEqual([...Object.keys(before), splitOther].sort());
		// The households of the old grid are now shared by the two pieces; the bigger share kept the code.
		expect(after[splitCode] + after[splitOther]).toBe(before[splitCode]);
		expect(after[splitCode]).toBeGreaterThanOrEqual(after[splitOther]);
		expect(after[splitOther]).toBeGreaterThan(0);
		expect(await hardCount()).toBe(0);
		expect(await page.locator('[data-testid="plan-problem"]').count()).toBe(0);
		// Both pieces lie on either side of the drawn line, together the old grid.
		const pieces = (await editorGrids()).filter((g) => g.code === splitCode || g.code === splitOther);
		expect(pieces.length).toBe(2);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-split.png` });
	}, 120_000);

	it('merges the two pieces back into one grid that keeps the code', async () => {
		const before = await bars();
		await page.locator('[data-tool="merge"]').click();
		const grids = await editorGrids();
		for (const code of [splitCode, splitOther]) await clickAt(interiorPoint(grids.find((g) => g.code === code)!.geometry));
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === n, Object.keys(before).length - 1, {
			timeout: 15_000
		});
		const after = await bars();
		expect(after[splitOther]).toBeUndefined();
		expect(after[splitCode]).toBe(before[splitCode] + before[splitOther]);
		expect(await hardCount()).toBe(0);
	}, 60_000);

	let paintedTo = '';

	it('paints a building into another grid by clicking it: households per grid change', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		const before = await bars();
		const grids = await editorGrids();
		const home = (b: any) => grids.find((g) => pointInGeometry([b.lon, b.lat], g.geometry))?.code;
		// A building with households whose centre lies inside it, in a grid with a neighbour to paint it to.
		const b = plan.buildings.find((b: any) => b.households > 0 && !b.painted && home(b) && pointInGeometry([b.lon, b.lat], b.geometry));
		const from = home(b)!;
		paintedTo = Object.keys(before).find((c) => c !== from)!;
		await frame(bbox(b).map((v, i) => v + (i < 2 ? -0.001 : 0.001)));
		await page.locator('[data-tool="paint"]').click();
		await page.locator('[data-testid="plan-brush"]').selectOption(paintedTo);
		await clickAt([b.lon, b.lat]);
		await page.waitForFunction(
			([code, n]) => Number(document.querySelector(`[data-testid="plan-chart"] rect.bar[data-code="${code}"]`)?.getAttribute('data-households')) === n,
			[paintedTo, before[paintedTo] + b.households] as const,
			{ timeout: 15_000 }
		);
		const after = await bars();
		expect(after[from]).toBe(before[from] - b.households);
		expect(after[paintedTo]).toBe(before[paintedTo] + b.households);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-paint.png` });
	}, 60_000);

	it('paints the buildings inside a lasso drawn around them', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		const before = await bars();
		const grids = await editorGrids();
		const home = (b: any) => grids.find((g) => pointInGeometry([b.lon, b.lat], g.geometry))?.code;
		const kx = 94_400,
			ky = 110_900;
		const dist = (a: number[], b: number[]) => Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * ky);
		// Two close buildings of one grid (not the brush's), with every other building well outside a circle around both.
		const bs = plan.buildings.filter((b: any) => b.households > 0 && !b.painted && home(b) && home(b) !== paintedTo);
		let best: { pair: any[]; c: number[]; r: number; room: number } | null = null;
		for (const a of bs)
			for (const b of bs) {
				if (a.id >= b.id || home(a) !== home(b)) continue;
				const c = [(a.lon + b.lon) / 2, (a.lat + b.lat) / 2];
				const r = dist([a.lon, a.lat], c) + 6;
				const nearest = Math.min(...plan.buildings.filter((x: any) => x !== a && x !== b).map((x: any) => dist([x.lon, x.lat], c)));
				if (nearest - r > 8 && (!best || nearest - r > best.room)) best = { pair: [a, b], c, r, room: nearest - r };
			}
		expect(best).toBeTruthy();
		const { pair, c, r } = best!;
		const from = home(pair[0])!;
		const dx = r / kx,
			dy = r / ky;
		await frame([c[0] - 2.5 * dx, c[1] - 2.5 * dy, c[0] + 2.5 * dx, c[1] + 2.5 * dy]);
		await page.locator('[data-tool="lasso"]').click();
		await page.locator('[data-testid="plan-brush"]').selectOption(paintedTo);
		// An octagon around both (each mouse move redraws the map in software GL: keep them few).
		const loop = Array.from({ length: 8 }, (_, i) => [c[0] + dx * Math.cos((i * Math.PI) / 4), c[1] + dy * Math.sin((i * Math.PI) / 4)]);
		const first = await screenPoint(page, loop[0] as [number, number]);
		await page.mouse.move(first.x, first.y);
		await page.mouse.click(first.x, first.y);
		for (const p of loop.slice(1)) {
			const s = await screenPoint(page, p as [number, number]);
			await page.mouse.move(s.x, s.y, { steps: 2 });
		}
		const last = await screenPoint(page, loop[7] as [number, number]);
		await page.mouse.click(last.x, last.y);
		const moved = pair[0].households + pair[1].households;
		await page.waitForFunction(
			([code, n]) => Number(document.querySelector(`[data-testid="plan-chart"] rect.bar[data-code="${code}"]`)?.getAttribute('data-households')) === n,
			[paintedTo, before[paintedTo] + moved] as const,
			{ timeout: 15_000 }
		);
		const after = await bars();
		expect(after[from]).toBe(before[from] - moved);
		expect(await page.locator('[data-testid="plan-problem"]').count()).toBe(0);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-lasso.png` });
	}, 60_000);

	it('deletes a grid and takes the one-click fix: the gap goes to a neighbour and the validation is clean', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		await frame(bbox(plan.community));
		const before = await bars();
		const grids = await editorGrids();
		const victim = Object.keys(before)
			.filter((c) => c !== paintedTo)
			.sort((a, b) => before[a] - before[b])[0];
		await page.locator('[data-tool="delete"]').click();
		await clickAt(interiorPoint(grids.find((g) => g.code === victim)!.geometry));
		await page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) > 0);
		const gap = page.locator('[data-testid="plan-validation"] li[data-kind="gap"]');
		await expect(gap.count()).resolves.toBe(1);
		const fix = gap.locator('[data-testid="plan-fix"]');
		expect(await fix.innerText()).toMatch(/划给 淮海路第\d+网格/);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-fix-before.png` });
		await fix.click();
		await waitHard(0);
		await expect(page.locator('[data-testid="plan-validation"] li[data-kind="gap"]').count()).resolves.toBe(0);
		const after = await bars();
		expect(after[victim]).toBeUndefined();
		// Nothing is lost: every household of the community is in some grid again.
		expect(Object.values(after).reduce((s, n) => s + n, 0)).toBe(Object.values(before).reduce((s, n) => s + n, 0));
		expect(await page.locator('[data-testid="plan-save-button"]').isDisabled()).toBe(false);
	}, 60_000);

	it('saves, then shows the diff with the revision before: areas and buildings that moved', async () => {
		await page.locator('[data-testid="plan-note"]').fill('分割、合并、划入楼栋、补空隙');
		await page.locator('[data-testid="plan-save-button"]').click();
		await page.waitForFunction(() => /已保存为第/.test(document.querySelector('[data-testid="plan-save-message"]')?.textContent ?? ''));
		await page.locator('[data-testid="plan-revisions"] li[data-revision] [data-testid="plan-diff-button"]').first().click();
		await page.waitForSelector('[data-testid="plan-diff"]');
		const areas = await page.locator('[data-testid="plan-diff-areas"] li[data-from]').count();
		const moved = await page
			.locator('[data-testid="plan-diff-buildings"] li[data-building]')
			.evaluateAll((els) => els.map((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]));
		expect(areas).toBeGreaterThan(0);
		expect(moved.length).toBeGreaterThan(0);
		expect(moved.some(([, to]) => to === paintedTo)).toBe(true);
		expect(await page.locator('[data-testid="plan-diff"]').innerText()).toMatch(/平方米改变归属.*栋楼/s);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-diff.png` });
		// The grids in force as a zipped Shapefile, read back with the import's Shapefile reader.
		const shp = await api(`/api/plans/${COMMUNITY}/export?format=shp`);
		expect(shp.status).toBe(200);
		expect(shp.headers.get('content-type')).toBe('application/zip');
		const fc = await readShapefileZip(new Uint8Array(await shp.arrayBuffer()));
		const inForce = (await (await api(`/api/plans/${COMMUNITY}`)).json()).inForce;
		expect(fc.features.map((f) => f.properties?.code).sort()).toEqual(inForce.map((g: any) => g.code).sort());
		expect(fc.features.every((f) => /网格/.test(String(f.properties?.name)) && f.properties?.comm_code === COMMUNITY)).toBe(true);
		expect(record.errors).toEqual([]);
	}, 60_000);

	it('a viewer gets it read-only and the API refuses its save; a planner edits inside its jurisdiction only', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		const save = async (role: 'viewer' | 'planner') =>
			(
				await fetch(`${app.url}/api/plans/${COMMUNITY}`, {
					method: 'POST',
					headers: { origin: app.url, 'content-type': 'application/json', cookie: await sessionCookie(app.url, role) },
					body: JSON.stringify({ grids: plan.grids, note: role, status: 'draft', baseRevision: plan.latestRevision })
				})
			).status;
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		try {
			const p = await context.newPage();
			await signIn(p, app.url, 'viewer');
			await p.goto(`${app.url}/plan/${COMMUNITY}`);
			await p.waitForSelector('[data-testid="plan-page"]');
			await waitForMap(p);
			expect(await p.locator('[data-testid="plan-readonly"]').innerText()).toMatch(/只读：访客角色不能修改/);
			for (const hidden of ['plan-save-button', 'plan-toolbar', 'plan-fix', 'plan-note']) expect(await p.locator(`[data-testid="${hidden}"]`).count()).toBe(0);
			expect(await p.locator('input[type="file"]').count()).toBe(0);
			// Still readable: the grids on the map, the chart, the validation, revisions with their diffs, exports.
			expect(await p.locator('[data-testid="plan-chart"] rect.bar').count()).toBe(plan.grids.length);
			expect(await p.locator('[data-testid="plan-diff-button"]').count()).toBeGreaterThan(0);
			expect(await p.locator('[data-testid="plan-export-geojson"]').count()).toBe(1);
			expect(
				await p.evaluate(
					() =>
						(window as any).gridatlasMap.getSource('plan-grids')?._data?.features?.length ??
						(window as any).gridatlasMap.querySourceFeatures('plan-grids').length
				)
			).toBeGreaterThan(0);
			// A click on the map selects a grid to look at (nothing changes).
			const g = plan.grids[0];
			const s = await screenPoint(p, interiorPoint(g.geometry) as [number, number]);
			await p.mouse.click(s.x, s.y);
			await p.waitForFunction((code) => document.querySelector('[data-testid="plan-grid"] h3')?.textContent?.includes(code), g.code);
			expect(await p.locator('[data-testid="plan-grid"] input').isDisabled()).toBe(true);
			if (SHOTS) await p.screenshot({ path: `${SHOTS}/plan-readonly.png` });
			expect(await save('viewer')).toBe(403);

			// The demo planner holds the first subdistrict: this community is outside it (page and save refused) …
			await context.clearCookies();
			await signIn(p, app.url, 'planner');
			expect((await p.goto(`${app.url}/plan/${COMMUNITY}`))?.status()).toBe(403);
			expect(await save('planner')).toBe(403);
			// … and a community inside it opens with the tools.
			await p.goto(`${app.url}/plan/${PLANNER_COMMUNITY}`);
			await p.waitForSelector('[data-testid="plan-page"]');
			expect(await p.locator('[data-testid="plan-toolbar"]').count()).toBe(1);
			expect(await p.locator('[data-testid="plan-readonly"]').count()).toBe(0);
		} finally {
			await context.close();
		}
	}, 120_000);

	// Issue 22: the planner's first walk through the editor.
	it('names grids in the validation (code on hover), lists the doubtful household counts and keeps chart labels apart at 18 and 19 grids', async () => {
		await page.goto(`${app.url}/plan/${PLANNER_COMMUNITY}`);
		await page.waitForSelector('[data-testid="plan-page"]');
		await waitForMap(page);
		const validation = page.getByTestId('plan-validation');
		const named = await validation.locator('abbr[data-code]').evaluateAll((els) => els.map((e) => ({ code: e.getAttribute('title'), text: e.textContent })));
		expect(named.length).toBeGreaterThan(0);
		for (const n of named) {
			expect(n.code).toMatch(/^\d{15}$/);
			expect(n.text).toMatch(/^大行宫第\d+网格$/);
		}
		expect(await validation.innerText()).not.toMatch(/\d{15}/);

		// 南京图书馆, estimated at 2,574 households: listed with the reasons and ringed on the map.
		const doubtful = page.getByTestId('plan-doubtful');
		expect(await doubtful.innerText()).toMatch(/南京图书馆[\s\S]*2,574/);
		expect(await doubtful.innerText()).toMatch(/一栋楼超过 800 户/);
		await page.waitForFunction(() => (window as any).gridatlasMap.querySourceFeatures('doubtful-households').length > 0);

		// Chart labels at 18 and 19 grids: auto-propose that many, take it, and look at the labels.
		for (const n of [18, 19]) {
			await page.locator('[data-testid="plan-proposal"] input[type="number"]').fill(String(n));
			await page.getByTestId('plan-propose').click();
			await page.getByTestId('plan-accept').click({ timeout: 60_000 });
			await page.waitForFunction((k) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === k, n);
			const labels = await page.locator('[data-testid="plan-chart"] text.code').evaluateAll((els) =>
				els.map((e) => {
					const r = e.getBoundingClientRect();
					return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom, text: e.textContent };
				})
			);
			expect(labels.length, `labels at ${n} grids`).toBeGreaterThanOrEqual(Math.ceil(n / 2));
			for (let i = 1; i < labels.length; i++)
				expect(labels[i].x0, `label ${labels[i].text} overlaps ${labels[i - 1].text}`).toBeGreaterThanOrEqual(labels[i - 1].x1);
			const chart = (await page.locator('[data-testid="plan-chart"] svg').boundingBox())!;
			for (const l of labels) expect(l.y1).toBeLessThanOrEqual(chart.y + chart.height + 0.5);
			await page.getByTestId('plan-chart').screenshot({ path: `/tmp/gridatlas-plan-chart-${n}.png` });
		}
		await page.screenshot({ path: '/tmp/gridatlas-plan-planner-community.png' });
	}, 180_000);

	it('the header has 网格规划: the index lists what a planner may open, its own marked editable; the docs/planning.md example opens', async () => {
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		try {
			const p = await context.newPage();
			await signIn(p, app.url, 'planner');
			await p.goto(`${app.url}/`);
			await p.getByRole('link', { name: '网格规划' }).first().click();
			await p.waitForSelector('[data-testid="plan-index"]');
			const codes = await p.getByTestId('plan-index-link').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
			expect(codes).toContain(PLANNER_COMMUNITY);
			expect(codes.every((c) => c!.startsWith('320102002'))).toBe(true);
			expect(await p.locator(`li:has([data-code="${PLANNER_COMMUNITY}"])`).innerText()).toContain('可编辑');
			await p.screenshot({ path: '/tmp/gridatlas-plan-index.png' });
			// docs/planning.md's example is this community: it opens with the tools.
			await p.locator(`[data-testid="plan-index-link"][data-code="${PLANNER_COMMUNITY}"]`).click();
			await p.waitForSelector('[data-testid="plan-toolbar"]');
			await expect(p.locator('nav a[aria-current="page"]').innerText()).resolves.toBe('网格规划');
		} finally {
			await context.close();
		}
	}, 90_000);

	it("the map's side panel links a community to its editor", async () => {
		await openMap(page, `${app.url}/?unit=${COMMUNITY}`);
		await waitForPanel(page, COMMUNITY);
		const link = page.locator('[data-testid="plan-link"]');
		expect(await link.innerText()).toMatch(/网格规划/);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/plan-link.png` });
		await link.click();
		await page.waitForSelector(`[data-testid="plan-page"][data-community="${COMMUNITY}"]`);
		expect(record.errors).toEqual([]);
	}, 90_000);
});

function ring(g: { geometry: { type: string; coordinates: any } }): number[][] {
	const r: number[][] = g.geometry.type === 'Polygon' ? g.geometry.coordinates[0] : g.geometry.coordinates[0][0];
	return r.slice(0, -1);
}

function minEdgeM(g: { geometry: { type: string; coordinates: any } }): number {
	const r = ring(g);
	return Math.min(
		...r.map((p, i) => {
			const q = r[(i + 1) % r.length];
			return Math.hypot((q[0] - p[0]) * 94_400, (q[1] - p[1]) * 110_900);
		})
	);
}

function bbox(g: { geometry: { coordinates: any } }): number[] {
	return bboxOfCoords(g.geometry.coordinates.flat(3));
}

function bboxOfCoords(flat: number[]): number[] {
	const xs = flat.filter((_, i) => i % 2 === 0),
		ys = flat.filter((_, i) => i % 2 === 1);
	return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function bboxArea(g: { geometry: { coordinates: any } }): number {
	const [x0, y0, x1, y1] = bbox(g);
	return (x1 - x0) * (y1 - y0);
}

function pointInGeometry([x, y]: number[], g: { type: string; coordinates: any }): boolean {
	const polys: number[][][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	return polys.some((poly) => {
		let hit = false;
		for (const r of poly)
			for (let i = 0, j = r.length - 1; i < r.length; j = i++)
				if (r[i][1] > y !== r[j][1] > y && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) hit = !hit;
		return hit;
	});
}

/** A point well inside a polygon: the middle of the widest run of a scanline through its middle. */
function interiorPoint(g: { type: string; coordinates: any }): number[] {
	const [x0, y0, x1, y1] = bboxOfCoords(g.coordinates.flat(3));
	let best = [(x0 + x1) / 2, (y0 + y1) / 2],
		width = -1;
	for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
		const y = y0 + (y1 - y0) * f;
		const xs: number[] = [];
		const polys: number[][][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
		for (const poly of polys)
			for (const r of poly)
				for (let i = 0, j = r.length - 1; i < r.length; j = i++)
					if (r[i][1] > y !== r[j][1] > y) xs.push(r[i][0] + ((y - r[i][1]) * (r[j][0] - r[i][0])) / (r[j][1] - r[i][1]));
		xs.sort((a, b) => a - b);
		for (let i = 0; i + 1 < xs.length; i += 2)
			if (xs[i + 1] - xs[i] > width) {
				width = xs[i + 1] - xs[i];
				best = [(xs[i] + xs[i + 1]) / 2, y];
			}
	}
	return best;
}

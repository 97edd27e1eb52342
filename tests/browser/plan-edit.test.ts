// The grid-planning editor's tools in a real browser against the production build with the Nanjing
// demo: split a grid with a drawn line (clicks + Enter), merge the pieces back, paint a building into
// another grid by a click and two more by a lasso, delete a grid and take the one-click gap fix, save
// and open the diff with the revision before (and export the Shapefile). Drawing a grid and conflicts:
// plan-draw.test.ts.
import { describe, expect, it, beforeAll } from 'vitest';
import { hasChromium } from './helpers/browser';
import { screenPoint } from './helpers/map-page';
import { COMMUNITY, planEditor, SHOTS } from './helpers/plan-editor';
import { readShapefileZip } from '$geo/readers/shapefile';
import { bbox, bboxArea, interiorPoint, pointInGeometry } from './helpers/plan-geometry';

describe.skipIf(!hasChromium)('grid planning editor: split, merge, paint, lasso, gap fix and the diff', () => {
	const editor = planEditor();
	const { api, hardCount, bars, waitHard, frame, clickAt, editorGrids } = editor;
	// The revision the edits are compared with at the end, then the editor on the community.
	beforeAll(async () => {
		await editor.saveDraft(COMMUNITY, '编辑前');
		await editor.open(COMMUNITY);
	}, 120_000);

	let splitCode = '',
		splitOther = '';

	it('splits a grid along a line drawn by clicks and Enter: two grids, the old code kept, a new one numbered, still valid', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		// The editor holds the latest layout (the draft saved before).
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
		await editor.page.locator('[data-tool="split"]').click();
		const line = [
			[xm - w * 0.03, y1 + h * 0.08],
			[xm + w * 0.02, y0 + h * 0.5],
			[xm - w * 0.01, y0 - h * 0.08]
		];
		for (const p of line) await clickAt(p);
		await editor.page.keyboard.press('Enter');
		await editor.page.waitForFunction((n) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === n, Object.keys(before).length + 1, {
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
		expect(await editor.page.locator('[data-testid="plan-problem"]').count()).toBe(0);
		// Both pieces lie on either side of the drawn line, together the old grid.
		const pieces = (await editorGrids()).filter((g) => g.code === splitCode || g.code === splitOther);
		expect(pieces.length).toBe(2);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-split.png` });
	}, 120_000);

	it('merges the two pieces back into one grid that keeps the code', async () => {
		const before = await bars();
		await editor.page.locator('[data-tool="merge"]').click();
		const grids = await editorGrids();
		for (const code of [splitCode, splitOther]) await clickAt(interiorPoint(grids.find((g) => g.code === code)!.geometry));
		await editor.page.waitForFunction((n) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === n, Object.keys(before).length - 1, {
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
		await editor.page.locator('[data-tool="paint"]').click();
		await editor.page.locator('[data-testid="plan-brush"]').selectOption(paintedTo);
		await clickAt([b.lon, b.lat]);
		await editor.page.waitForFunction(
			([code, n]) => Number(document.querySelector(`[data-testid="plan-chart"] rect.bar[data-code="${code}"]`)?.getAttribute('data-households')) === n,
			[paintedTo, before[paintedTo] + b.households] as const,
			{ timeout: 15_000 }
		);
		const after = await bars();
		expect(after[from]).toBe(before[from] - b.households);
		expect(after[paintedTo]).toBe(before[paintedTo] + b.households);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-paint.png` });
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
		await editor.page.locator('[data-tool="lasso"]').click();
		await editor.page.locator('[data-testid="plan-brush"]').selectOption(paintedTo);
		// An octagon around both (each mouse move redraws the map in software GL: keep them few).
		const loop = Array.from({ length: 8 }, (_, i) => [c[0] + dx * Math.cos((i * Math.PI) / 4), c[1] + dy * Math.sin((i * Math.PI) / 4)]);
		const first = await screenPoint(editor.page, loop[0] as [number, number]);
		await editor.page.mouse.move(first.x, first.y);
		await editor.page.mouse.click(first.x, first.y);
		for (const p of loop.slice(1)) {
			const s = await screenPoint(editor.page, p as [number, number]);
			await editor.page.mouse.move(s.x, s.y, { steps: 2 });
		}
		const last = await screenPoint(editor.page, loop[7] as [number, number]);
		await editor.page.mouse.click(last.x, last.y);
		const moved = pair[0].households + pair[1].households;
		await editor.page.waitForFunction(
			([code, n]) => Number(document.querySelector(`[data-testid="plan-chart"] rect.bar[data-code="${code}"]`)?.getAttribute('data-households')) === n,
			[paintedTo, before[paintedTo] + moved] as const,
			{ timeout: 15_000 }
		);
		const after = await bars();
		expect(after[from]).toBe(before[from] - moved);
		expect(await editor.page.locator('[data-testid="plan-problem"]').count()).toBe(0);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-lasso.png` });
	}, 60_000);

	it('deletes a grid and takes the one-click fix: the gap goes to a neighbour and the validation is clean', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		await frame(bbox(plan.community));
		const before = await bars();
		const grids = await editorGrids();
		const victim = Object.keys(before)
			.filter((c) => c !== paintedTo)
			.sort((a, b) => before[a] - before[b])[0];
		await editor.page.locator('[data-tool="delete"]').click();
		await clickAt(interiorPoint(grids.find((g) => g.code === victim)!.geometry));
		await editor.page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) > 0);
		const gap = editor.page.locator('[data-testid="plan-validation"] li[data-kind="gap"]');
		await expect(gap.count()).resolves.toBe(1);
		const fix = gap.locator('[data-testid="plan-fix"]');
		expect(await fix.innerText()).toMatch(/划给 淮海路第\d+网格/);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-fix-before.png` });
		await fix.click();
		await waitHard(0);
		await expect(editor.page.locator('[data-testid="plan-validation"] li[data-kind="gap"]').count()).resolves.toBe(0);
		const after = await bars();
		expect(after[victim]).toBeUndefined();
		// Nothing is lost: every household of the community is in some grid again.
		expect(Object.values(after).reduce((s, n) => s + n, 0)).toBe(Object.values(before).reduce((s, n) => s + n, 0));
		expect(await editor.page.locator('[data-testid="plan-save-button"]').isDisabled()).toBe(false);
	}, 60_000);

	it('saves, then shows the diff with the revision before: areas and buildings that moved', async () => {
		await editor.page.locator('[data-testid="plan-note"]').fill('分割、合并、划入楼栋、补空隙');
		await editor.page.locator('[data-testid="plan-save-button"]').click();
		await editor.page.waitForFunction(() => /已保存为第/.test(document.querySelector('[data-testid="plan-save-message"]')?.textContent ?? ''));
		await editor.page.locator('[data-testid="plan-revisions"] li[data-revision] [data-testid="plan-diff-button"]').first().click();
		await editor.page.waitForSelector('[data-testid="plan-diff"]');
		const areas = await editor.page.locator('[data-testid="plan-diff-areas"] li[data-from]').count();
		const moved = await editor.page
			.locator('[data-testid="plan-diff-buildings"] li[data-building]')
			.evaluateAll((els) => els.map((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]));
		expect(areas).toBeGreaterThan(0);
		expect(moved.length).toBeGreaterThan(0);
		expect(moved.some(([, to]) => to === paintedTo)).toBe(true);
		expect(await editor.page.locator('[data-testid="plan-diff"]').innerText()).toMatch(/平方米改变归属.*栋楼/s);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-diff.png` });
		// The grids in force as a zipped Shapefile, read back with the import's Shapefile reader.
		const shp = await api(`/api/plans/${COMMUNITY}/export?format=shp`);
		expect(shp.status).toBe(200);
		expect(shp.headers.get('content-type')).toBe('application/zip');
		const fc = await readShapefileZip(new Uint8Array(await shp.arrayBuffer()));
		const inForce = (await (await api(`/api/plans/${COMMUNITY}`)).json()).inForce;
		expect(fc.features.map((f) => f.properties?.code).sort()).toEqual(inForce.map((g: any) => g.code).sort());
		expect(fc.features.every((f) => /网格/.test(String(f.properties?.name)) && f.properties?.comm_code === COMMUNITY)).toBe(true);
		expect(editor.record.errors).toEqual([]);
	}, 60_000);
});

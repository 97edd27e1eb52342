// Who may open the grid-planning editor, and the ways to it, in a real browser against the production
// build with the Nanjing demo: a viewer gets the editor read-only and the API refuses its save, a
// planner is refused outside its jurisdiction and edits inside it; the header's 网格规划 index lists
// what a planner may open; the map's side panel links a community to its editor.
import { describe, expect, it, beforeAll } from 'vitest';
import { hasChromium } from './helpers/browser';
import { openMap, screenPoint, waitForMap, waitForPanel } from './helpers/map-page';
import { COMMUNITY, planEditor, PLANNER_COMMUNITY, SHOTS } from './helpers/plan-editor';
import { sessionCookie, signIn } from './helpers/session';
import { interiorPoint } from './helpers/plan-geometry';

describe.skipIf(!hasChromium)("grid planning editor: read-only for a viewer, the planner's jurisdiction, the ways to it", () => {
	const editor = planEditor();
	const { api } = editor;
	// Two revisions, so a reader finds one to compare with the one before.
	beforeAll(async () => {
		await editor.saveDraft(COMMUNITY, '第一稿');
		await editor.saveDraft(COMMUNITY, '第二稿');
	}, 60_000);

	it('a viewer gets it read-only and the API refuses its save; a planner edits inside its jurisdiction only', async () => {
		const plan = await (await api(`/api/plans/${COMMUNITY}`)).json();
		const save = async (role: 'viewer' | 'planner') =>
			(
				await fetch(`${editor.app.url}/api/plans/${COMMUNITY}`, {
					method: 'POST',
					headers: { origin: editor.app.url, 'content-type': 'application/json', cookie: await sessionCookie(editor.app.url, role) },
					body: JSON.stringify({ grids: plan.grids, note: role, status: 'draft', baseRevision: plan.latestRevision })
				})
			).status;
		const context = await editor.browser.newContext({ viewport: { width: 1400, height: 900 } });
		try {
			const p = await context.newPage();
			await signIn(p, editor.app.url, 'viewer');
			await p.goto(`${editor.app.url}/plan/${COMMUNITY}`);
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
			await signIn(p, editor.app.url, 'planner');
			expect((await p.goto(`${editor.app.url}/plan/${COMMUNITY}`))?.status()).toBe(403);
			expect(await save('planner')).toBe(403);
			// … and a community inside it opens with the tools.
			await p.goto(`${editor.app.url}/plan/${PLANNER_COMMUNITY}`);
			await p.waitForSelector('[data-testid="plan-page"]');
			expect(await p.locator('[data-testid="plan-toolbar"]').count()).toBe(1);
			expect(await p.locator('[data-testid="plan-readonly"]').count()).toBe(0);
		} finally {
			await context.close();
		}
	}, 120_000);

	it('the header has 网格规划: the index lists what a planner may open, its own marked editable; the docs/planning.md example opens', async () => {
		const context = await editor.browser.newContext({ viewport: { width: 1400, height: 900 } });
		try {
			const p = await context.newPage();
			await signIn(p, editor.app.url, 'planner');
			await p.goto(`${editor.app.url}/`);
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
		await openMap(editor.page, `${editor.app.url}/?unit=${COMMUNITY}`);
		await waitForPanel(editor.page, COMMUNITY);
		const link = editor.page.locator('[data-testid="plan-link"]');
		expect(await link.innerText()).toMatch(/网格规划/);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-link.png` });
		await link.click();
		await editor.page.waitForSelector(`[data-testid="plan-page"][data-community="${COMMUNITY}"]`);
		expect(editor.record.errors).toEqual([]);
	}, 90_000);
});

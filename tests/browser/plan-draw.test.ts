// The grid-planning editor in a real browser against the production build with the Nanjing demo:
// delete a grid (the validation shows the gap), draw it again by clicking its corners (snapping onto
// the neighbours and the boundary; the validation clears), save a draft, reload and find the new
// grid persisted; then a stale save from a second "planner" gets the conflict dialog. The editor's
// other tools: plan-edit.test.ts; who may open it: plan-access.test.ts.
import { describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser';
import { screenPoint, waitForMap } from './helpers/map-page';
import { COMMUNITY, planEditor, SHOTS } from './helpers/plan-editor';
import { minEdgeM, ring } from './helpers/plan-geometry';

describe.skipIf(!hasChromium)('grid planning editor: drawing a grid, saving it, a conflicting save', () => {
	const editor = planEditor();
	const { api, hardCount } = editor;

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

		await editor.open(COMMUNITY);
		expect(await hardCount()).toBe(0);
		await expect(editor.page.locator('[data-testid="plan-valid"]').count()).resolves.toBe(1);

		// Delete it: the validation reports a gap (hard) at once.
		await editor.page.locator('[data-tool="delete"]').click();
		const inside = drawn.reduce((s, p) => [s[0] + p[0] / drawn.length, s[1] + p[1] / drawn.length], [0, 0]) as [number, number];
		const c = await screenPoint(editor.page, inside);
		await editor.page.mouse.click(c.x, c.y);
		await editor.page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) > 0);
		await expect(editor.page.locator('[data-testid="plan-validation"] li[data-kind="gap"]').count()).resolves.toBeGreaterThan(0);
		expect(await editor.page.locator('[data-testid="plan-save-button"]').isDisabled()).toBe(true);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-gap.png` });

		// Draw it again: click each corner, then the first one to close.
		await editor.page.locator('[data-tool="draw"]').click();
		for (const p of [...drawn, drawn[0]]) {
			const s = await screenPoint(editor.page, p as [number, number]);
			await editor.page.mouse.move(s.x, s.y, { steps: 4 });
			await editor.page.mouse.click(s.x, s.y);
			await editor.page.waitForTimeout(150);
		}
		await editor.page.waitForFunction(() => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) === 0, null, {
			timeout: 15_000
		});
		const bars = await editor.page.locator('[data-testid="plan-chart"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
		expect(bars).toContain(newCode);
		await expect(editor.page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('true');
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-drawn.png` });

		await editor.page.locator('[data-testid="plan-note"]').fill('重画一个网格');
		await editor.page.locator('[data-testid="plan-save-button"]').click();
		await editor.page.waitForSelector('[data-testid="plan-save-message"]');
		expect(await editor.page.locator('[data-testid="plan-save-message"]').innerText()).toMatch(/已保存为第 \d+ 版/);
		await expect(editor.page.locator('[data-testid="plan-dirty"]').getAttribute('data-dirty')).resolves.toBe('false');
		// The header names what the editor holds now: the draft just saved, no longer "no revision yet".
		const header = await editor.page.getByTestId('plan-summary').innerText();
		expect(header).not.toContain('尚无规划版本');
		expect(header).toMatch(/第 \d+ 版草稿/);
	}, 180_000);

	it('reloads and finds the new grid persisted, in the revisions list too', async () => {
		await editor.page.reload();
		await editor.page.waitForSelector('[data-testid="plan-page"]');
		await waitForMap(editor.page);
		const bars = await editor.page.locator('[data-testid="plan-chart"] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
		expect(bars).toContain(newCode);
		expect(await hardCount()).toBe(0);
		await expect(editor.page.locator('[data-testid="plan-revisions"] li').first().innerText()).resolves.toMatch(/重画一个网格/);
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
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-reloaded.png` });
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
		await editor.page.locator('[data-tool="select"]').click();
		await editor.page.locator(`[data-testid="plan-chart"] rect.bar[data-code="${newCode}"]`).click();
		await editor.page.locator('[data-testid="plan-grid"] input').fill('新网格');
		await editor.page.locator('[data-testid="plan-grid"] input').press('Enter');
		await editor.page.locator('[data-testid="plan-save-button"]').click();
		await editor.page.waitForSelector('[data-testid="plan-conflict"]');
		expect(await editor.page.locator('[data-testid="plan-conflict"]').innerText()).toMatch(/另一位规划员|保存了第/);
		if (SHOTS) await editor.page.screenshot({ path: `${SHOTS}/plan-conflict.png` });
		await editor.page.locator('[data-testid="plan-conflict-reload"]').click();
		await editor.page.locator('[data-testid="plan-save-button"]').click();
		await editor.page.waitForFunction(() => /已保存为第/.test(document.querySelector('[data-testid="plan-save-message"]')?.textContent ?? ''));
		const after = await (await api(`/api/plans/${COMMUNITY}`)).json();
		expect(after.grids.find((g: any) => g.code === newCode).name).toBe('新网格');
		expect(after.revisions[1].note).toBe('另一位规划员');
		// The author is the signed-in user (no accounts in the build: 'system').
		expect(after.revisions[0].author).toBe(editor.cookie ? 'admin' : 'system');
		expect(editor.record.errors).toEqual([]);
	}, 120_000);
});

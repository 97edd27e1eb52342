// The grid-planning editor as a planner first walks through it (issue 22), in a real browser against the
// production build with the Nanjing demo: grids named in the validation (the code on hover), the doubtful
// household counts listed and ringed on the map, and the chart's labels kept apart at 18 and 19 grids.
import { describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser';
import { waitForMap } from './helpers/map-page';
import { planEditor, PLANNER_COMMUNITY } from './helpers/plan-editor';

describe.skipIf(!hasChromium)('grid planning editor: the validation names grids, doubtful households, chart labels', () => {
	const editor = planEditor();

	// Issue 22: the planner's first walk through the editor.
	it('names grids in the validation (code on hover), lists the doubtful household counts and keeps chart labels apart at 18 and 19 grids', async () => {
		await editor.page.goto(`${editor.app.url}/plan/${PLANNER_COMMUNITY}`);
		await editor.page.waitForSelector('[data-testid="plan-page"]');
		await waitForMap(editor.page);
		const validation = editor.page.getByTestId('plan-validation');
		const named = await validation.locator('abbr[data-code]').evaluateAll((els) => els.map((e) => ({ code: e.getAttribute('title'), text: e.textContent })));
		expect(named.length).toBeGreaterThan(0);
		for (const n of named) {
			expect(n.code).toMatch(/^\d{15}$/);
			expect(n.text).toMatch(/^大行宫第\d+网格$/);
		}
		expect(await validation.innerText()).not.toMatch(/\d{15}/);

		// 南京图书馆, estimated at 2,574 households: listed with the reasons and ringed on the map.
		const doubtful = editor.page.getByTestId('plan-doubtful');
		expect(await doubtful.innerText()).toMatch(/南京图书馆[\s\S]*2,574/);
		expect(await doubtful.innerText()).toMatch(/一栋楼超过 800 户/);
		await editor.page.waitForFunction(() => (window as any).gridatlasMap.querySourceFeatures('doubtful-households').length > 0);

		// Chart labels at 18 and 19 grids: auto-propose that many, take it, and look at the labels.
		for (const n of [18, 19]) {
			await editor.page.locator('[data-testid="plan-proposal"] input[type="number"]').fill(String(n));
			await editor.page.getByTestId('plan-propose').click();
			await editor.page.getByTestId('plan-accept').click({ timeout: 60_000 });
			await editor.page.waitForFunction((k) => document.querySelectorAll('[data-testid="plan-chart"] rect.bar').length === k, n);
			const labels = await editor.page.locator('[data-testid="plan-chart"] text.code').evaluateAll((els) =>
				els.map((e) => {
					const r = e.getBoundingClientRect();
					return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom, text: e.textContent };
				})
			);
			expect(labels.length, `labels at ${n} grids`).toBeGreaterThanOrEqual(Math.ceil(n / 2));
			for (let i = 1; i < labels.length; i++)
				expect(labels[i].x0, `label ${labels[i].text} overlaps ${labels[i - 1].text}`).toBeGreaterThanOrEqual(labels[i - 1].x1);
			const chart = (await editor.page.locator('[data-testid="plan-chart"] svg').boundingBox())!;
			for (const l of labels) expect(l.y1).toBeLessThanOrEqual(chart.y + chart.height + 0.5);
			await editor.page.getByTestId('plan-chart').screenshot({ path: `/tmp/gridatlas-plan-chart-${n}.png` });
		}
		await editor.page.screenshot({ path: '/tmp/gridatlas-plan-planner-community.png' });
	}, 180_000);
});

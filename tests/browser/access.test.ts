// The demand-weighted access heat layer on the map page (docs/coverage.md#demand-weighted-access), in a
// real browser against the production build with the Nanjing demo and kindergartens imported with
// their seats: switched on in the legend, a capacity rule chosen in its card, the H3 cells drawn (blue
// pixels on the canvas where there were none) with a legend in the rule's unit; then the score
// beside pass / fail in the coverage page's capacity cell.
import { signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium } from './helpers/browser';
import { canvasImage, openMap, waitForMap } from './helpers/map-page';
import type { Image } from './helpers/png';
import { importKindergartensOverHttp } from './helpers/kindergartens';
import { cellToLatLng } from 'h3-js';

const SHOTS = process.env.SCREENSHOT_DIR;
const RULE = 'capacity_kindergarten_places';

/** Pixels clearly blue (the access ramp's upper classes over the basemap) within r of a canvas pixel. */
const bluePixels = (img: Image, at: { x: number; y: number }, r: number) => {
	let n = 0;
	const cx = Math.round(at.x),
		cy = Math.round(at.y);
	for (let y = Math.max(0, cy - r); y <= Math.min(img.height - 1, cy + r); y++)
		for (let x = Math.max(0, cx - r); x <= Math.min(img.width - 1, cx + r); x++) {
			const i = (y * img.width + x) * 4;
			if (img.data[i + 2] > img.data[i] + 70 && img.data[i + 2] > img.data[i + 1] + 25) n++;
		}
	return n;
};

describe.skipIf(!hasChromium)('demand-weighted access on the map', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
		await signIn(page, app.url);
		// Kindergartens with seats at buildings of six communities (the demo has none).
		expect((await importKindergartensOverHttp(app, '幼儿园', [60, 200, 45, 90, 30, 120])).type).toBe('success');
	}, 900_000); // a build first when the sources changed: minutes on a loaded machine
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('the heat layer shows H3 cells coloured by access, with its legend, for a capacity rule', async () => {
		const answer = await (await app.fetch(`${app.url}/api/access?rule=${RULE}&level=h3`)).json();
		expect(answer.items.filter((i: any) => i.access > 0).length).toBeGreaterThan(3);
		expect(answer.walked).toBe(true);
		// The cell of the largest access, in view: drawn in blue once the layer is on (the ramp's classes are
		// quarters of the standard: this cell reaches at least half of it)
		const top = answer.items.find((i: any) => i.access === answer.max);
		expect(top.access / answer.rule.capacityPer).toBeGreaterThanOrEqual(0.5);
		const [lat, lon] = cellToLatLng(top.id);
		await openMap(page, `${app.url}/?z=16&lon=${lon}&lat=${lat}&layers=communities`);
		const around = async () => {
			const p = await page.evaluate(
				(ll) => {
					const m = (window as any).gridatlasMap;
					const q = m.project(ll);
					const ratio = m.getCanvas().width / m.getContainer().clientWidth;
					return { x: q.x * ratio, y: q.y * ratio };
				},
				[lon, lat]
			);
			return bluePixels((await canvasImage(page)).img, p, 12);
		};
		const before = await around();
		await page.locator('[data-testid="access-toggle"]').check();
		await page.locator('[data-testid="access-card"]').waitFor();
		await page.locator('[data-testid="access-rule"]').selectOption(RULE);
		// The legend: the rule's unit per 1,000 residents, its top the largest access shown, the standard marked —
		// once the chosen rule's answer has replaced the first rule's (the card shows that one meanwhile)
		const legendText = () => page.locator('[data-testid="access-legend"]').innerText();
		await expect.poll(legendText, { timeout: 30_000 }).toContain('标准 30');
		const legend = await legendText();
		expect(legend).toContain('学位');
		expect(legend).toContain('每1,000人');
		expect(legend).toContain('标准 30');
		const max = await page.locator('[data-testid="access-legend-max"]').innerText();
		expect(Number(max.replace(/,/g, ''))).toBeCloseTo(answer.max, 1);
		await page.waitForTimeout(1000);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/access-heat.png` });
		// Drawn: the window around the cell's centre turns blue.
		await expect.poll(async () => (await waitForMap(page), await around()), { timeout: 30_000 }).toBeGreaterThan(before + 150);
		// Slow walkers: a shorter reach, said in the card.
		await page.locator('[data-testid="access-profile"]').selectOption('slow');
		await expect.poll(() => page.locator('[data-testid="access-card"]').innerText()).toContain('50 米/分钟');
		expect(await page.locator('[data-testid="access-card"]').innerText()).toContain(`${Math.round((300 * 50) / 65)} 米`);
	}, 120_000);

	it('the coverage page shows the community score beside pass / fail for a capacity rule', async () => {
		await (
			await app.fetch(`${app.url}/api/rules/${RULE}`, {
				method: 'PATCH',
				body: JSON.stringify({ enabled: true }),
				headers: { origin: app.url, 'content-type': 'application/json' }
			})
		).text();
		const communities = await (await app.fetch(`${app.url}/api/access?rule=${RULE}`)).json();
		const served = communities.items.find((i: any) => i.access > 0);
		await page.goto(`${app.url}/coverage?cell=${served.id}:${RULE}`);
		await page.locator('[data-testid="capacity-cell"]').waitFor();
		const score = page.locator('[data-testid="access-score"]');
		await expect.poll(() => score.innerText(), { timeout: 30_000 }).toContain('可达性得分');
		expect(await score.locator('li[data-profile="all"] b').innerText()).toBe(served.score.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/access-score.png` });
	}, 120_000);
});

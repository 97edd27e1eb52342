// The coverage screen in a real browser against the production build with the Nanjing demo:
// the table, a failing cell's uncovered buildings on the map, what-if, the rules API and editor,
// exports and the printable report.
import { signIn } from './helpers/session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, offHostRequests, recordPage, type PageRecord } from './helpers/browser';
import { featuresAt, openMap, screenPoint, waitForMap } from './helpers/map-page';
import { pdfPageCount } from './helpers/pdf';
import { importKindergartensOverHttp } from './helpers/kindergartens';

const SHOTS = process.env.SCREENSHOT_DIR;

describe.skipIf(!hasChromium)('coverage screen', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let record: PageRecord;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
		await signIn(page, app.url);
		record = recordPage(page);
	}, 400_000);
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	const api = (path: string, init?: RequestInit) =>
		app.fetch(`${app.url}${path}`, { ...init, headers: { origin: app.url, 'content-type': 'application/json', ...init?.headers } });

	it('shows the table; clicking a failing cell shows its uncovered buildings on the map', async () => {
		await page.goto(`${app.url}/coverage`);
		await page.waitForSelector('[data-testid="coverage-table"]');
		const failing = page.locator('[data-testid="coverage-table"] button[data-status="fail"][data-rule="culture_500"]').first();
		const community = await failing.getAttribute('data-community');
		await failing.click();
		await page.waitForSelector('[data-testid="coverage-cell"]');
		await waitForMap(page);
		const text = await page.locator('[data-testid="uncovered-count"]').innerText();
		const uncovered = Number(text.match(/\d+/)![0]);
		expect(uncovered).toBeGreaterThan(0);
		expect(new URL(page.url()).searchParams.get('cell')).toBe(`${community}:culture_500`);
		// The uncovered buildings are drawn: find them among the rendered features.
		const rendered = await page.evaluate(() => {
			const m = (window as any).gridatlasMap;
			return m.queryRenderedFeatures({ layers: ['coverage-building-fill'] }).map((f: any) => ({ id: f.properties.id, covered: f.properties.covered }));
		});
		const drawnUncovered = new Set(rendered.filter((f: any) => !f.covered).map((f: any) => f.id));
		expect(drawnUncovered.size).toBe(uncovered);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-cell.png` });

		// Click an uncovered building: the panel names its nearest-facility distance.
		const detail = await (await api(`/api/coverage/cell?community=${community}&rule=culture_500`)).json();
		const target = detail.buildings.features.find((f: any) => !f.properties.covered && f.properties.distance_m !== null);
		if (target) {
			const pt = await screenPoint(page, [target.properties.lon, target.properties.lat]);
			const here = await featuresAt(page, pt, ['coverage-building-fill']);
			if (here.length) {
				await page.mouse.click(pt.x, pt.y);
				await page.waitForSelector('[data-testid="selected-building"]');
				expect(await page.locator('[data-testid="selected-building"]').innerText()).toMatch(/\d+ 米/);
			}
		}
	}, 120_000);

	// Issue 22: the panel no longer floats over the map, and a suggested site says where it is.
	it('puts the cell panel beside the map, not over it; suggested sites have coordinates, a road and are in view', async () => {
		const panel = (await page.getByTestId('coverage-cell').boundingBox())!;
		const map = (await page.getByTestId('coverage-map').boundingBox())!;
		expect(panel.y + panel.height).toBeLessThanOrEqual(map.y + 1);
		await page.getByTestId('suggest').click();
		await page.waitForSelector('[data-testid="suggestion"]', { timeout: 60_000 });
		await waitForMap(page);
		const coords = await page.getByTestId('suggestion-coords').allInnerTexts();
		expect(coords.length).toBeGreaterThan(0);
		for (const c of coords) expect(c).toMatch(/^\d+\.\d{6}°N, \d+\.\d{6}°E$/);
		const roads = await page.getByTestId('suggestion-road').allInnerTexts();
		expect(
			roads.some((r) => /^近.+（\d+ 米）$/.test(r)),
			roads.join(' | ')
		).toBe(true);
		// Every suggested site is drawn inside the visible map.
		const community = new URL(page.url()).searchParams.get('cell')!.split(':')[0];
		const res = await api('/api/coverage/suggest', { method: 'POST', body: JSON.stringify({ community, rule: 'kindergarten_300', k: 3 }) });
		const { suggestions } = await res.json();
		expect(suggestions[0].road === null || typeof suggestions[0].road.name === 'string').toBe(true);
		for (const s of suggestions) {
			const pt = await screenPoint(page, [s.lon, s.lat]);
			expect(pt.x).toBeGreaterThanOrEqual(map.x);
			expect(pt.x).toBeLessThanOrEqual(map.x + map.width);
			expect(pt.y).toBeGreaterThanOrEqual(map.y);
			expect(pt.y).toBeLessThanOrEqual(map.y + map.height);
		}
		await page.screenshot({ path: '/tmp/gridatlas-coverage-suggestions.png' });

		// Issue 21: the optimal choice — proven optimal (or the best within the time and its gap), and what the greedy leaves
		const greedyCount = coords.length;
		await page.getByTestId('method-mclp').check();
		await page.getByTestId('suggest').click();
		await page.waitForSelector('[data-testid="optimal-status"]', { timeout: 60_000 });
		expect(await page.getByTestId('optimal-status').innerText()).toMatch(/已证明最优|时限内最好解，差距 \d+\.\d%/);
		expect(await page.getByTestId('greedy-compare').innerText()).toMatch(/贪心方案少覆盖 [\d,]+ 户|贪心方案同样好/);
		expect((await page.getByTestId('suggestion').count()) <= 3 && greedyCount > 0).toBe(true);
		await page.getByTestId('coverage-cell').screenshot({ path: `${SHOTS ?? '/tmp'}/gridatlas-coverage-optimal.png` });
		await page.getByTestId('method-lscp').check();
		await page.getByTestId('suggest').click();
		await page.waitForSelector('[data-testid="greedy-compare"]:has-text("贪心方案需")', { timeout: 60_000 });
		await page.getByTestId('method-greedy').check();
	}, 180_000);

	it('groups the rules by level, keeps the community column in place and has a compact view; filters offer subdistricts with data', async () => {
		const table = page.getByTestId('coverage-table');
		const groups = await table.locator('[data-testid="rule-group"]').evaluateAll((ths) => ths.map((t) => t.getAttribute('data-level')));
		expect(groups.length).toBeGreaterThan(1);
		expect(new Set(groups).size).toBe(groups.length); // each level once: its rules side by side
		const scroller = table.locator('xpath=..');
		const first = table.locator('tbody th.sticky').first();
		const x0 = (await first.boundingBox())!.x;
		await scroller.evaluate((e) => (e.scrollLeft = 400));
		await page.waitForTimeout(100);
		expect((await first.boundingBox())!.x).toBeCloseTo(x0, 0);
		await scroller.evaluate((e) => (e.scrollLeft = 0));
		const wide = await table.evaluate((e) => e.scrollWidth);
		await page.getByTestId('coverage-compact').check();
		const narrow = await table.evaluate((e) => e.scrollWidth);
		expect(narrow).toBeLessThan(wide * 0.75);
		// Compact at 1600 px: every rule column fits without scrolling sideways.
		expect(await scroller.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
		await page.screenshot({ path: '/tmp/gridatlas-coverage-compact.png' });
		await page.getByTestId('coverage-compact').uncheck();
		const report = await (await api('/api/coverage')).json();
		const withData = new Set(report.cells.filter((c: any) => c.buildings > 0).map((c: any) => c.community));
		const expected = new Set(report.communities.filter((c: any) => withData.has(c.code)).map((c: any) => c.subdistrictCode));
		const offered = await page
			.locator('[data-testid="filter-subdistrict"] option')
			.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
		expect(new Set(offered)).toEqual(expected);
		expect(offered.length).toBeLessThan(new Set(report.communities.map((c: any) => c.subdistrictCode)).size);
	}, 60_000);

	it('what-if: a proposed facility in the failing community raises its share in the table', async () => {
		const cell = page.locator('[data-testid="cell-status"]');
		const before = await cell.innerText();
		await page.locator('[data-testid="whatif"]').check();
		await page.waitForFunction(() => !document.querySelector('[data-testid="whatif-note"]')?.textContent?.includes('准备'));
		const community = new URL(page.url()).searchParams.get('cell')!.split(':')[0];
		const detail = await (await api(`/api/coverage/cell?community=${community}&rule=culture_500`)).json();
		const target = detail.buildings.features.find((f: any) => !f.properties.covered);
		const pt = await screenPoint(page, [target.properties.lon, target.properties.lat]);
		await page.mouse.click(pt.x, pt.y);
		await page.waitForFunction((b) => document.querySelector('[data-testid="cell-status"]')?.textContent !== b, before);
		const changed = page.locator(`[data-testid="coverage-table"] td.changed button[data-community="${community}"][data-rule="culture_500"]`);
		await expect(changed.count()).resolves.toBe(1);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-whatif.png` });
	}, 60_000);

	it('rules API: create, refuse bad ones with a message, edit, delete', async () => {
		const bad = await api('/api/rules', {
			method: 'POST',
			body: JSON.stringify({
				id: 'x_bad',
				nameZh: '坏',
				nameEn: 'Bad',
				level: '15min',
				source: 's',
				status: 'P',
				category: 'school',
				maxDistanceM: -10,
				requiredSharePct: 150
			})
		});
		expect(bad.status).toBe(400);
		const body = await bad.json();
		expect(body.errors.map((e: any) => e.field).sort()).toEqual(['maxDistanceM', 'requiredSharePct']);
		expect(body.message).toContain('0–100%');
		const unknown = await api('/api/rules', {
			method: 'POST',
			body: JSON.stringify({ id: 'x_bad', nameZh: '坏', nameEn: 'Bad', level: '15min', source: 's', status: 'P', category: 'ufo', maxDistanceM: 10 })
		});
		expect((await unknown.json()).errors[0].field).toBe('category');
		expect((await api('/api/rules', { method: 'POST', body: '{' })).status).toBe(400);
		const created = await api('/api/rules', {
			method: 'POST',
			body: JSON.stringify({
				id: 'x_school',
				nameZh: '学校 800 米',
				nameEn: 'School 800 m',
				level: '15min',
				source: '测试',
				status: 'P',
				category: 'school',
				maxDistanceM: 800
			})
		});
		expect(created.status).toBe(201);
		const patched = await api('/api/rules/x_school', { method: 'PATCH', body: JSON.stringify({ requiredSharePct: 85 }) });
		expect((await patched.json()).requiredSharePct).toBe(85);
		const report = await (await api('/api/coverage')).json();
		expect(report.rules.some((r: any) => r.id === 'x_school')).toBe(true);
		expect((await api('/api/rules/x_school', { method: 'DELETE' })).status).toBe(204);
		expect((await api('/api/rules/x_school')).status).toBe(404);
	});

	it('the rules editor refuses an invalid rule with the reason, and saves a valid edit', async () => {
		await page.goto(`${app.url}/coverage/rules`);
		const form = page.locator('form[data-rule="new"]');
		await form.locator('input[name="id"]').fill('ui_rule');
		await form.locator('input[name="nameZh"]').fill('界面规则');
		await form.locator('input[name="nameEn"]').fill('UI rule');
		await form.locator('input[name="reach"]').fill('-3');
		await form.locator('input[name="source"]').fill('测试');
		await form.locator('button[type="submit"]').click();
		await page.waitForSelector('[data-testid="rule-errors"]');
		expect(await page.locator('[data-testid="rule-errors"]').innerText()).toContain('最大距离须为正数');
		// What was typed is still there to correct.
		expect(await form.locator('input[name="nameZh"]').inputValue()).toBe('界面规则');
		expect(await form.locator('input[name="id"]').inputValue()).toBe('ui_rule');
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-rules.png`, fullPage: false });
		await form.locator('input[name="reach"]').fill('400');
		await form.locator('button[type="submit"]').click();
		await page.waitForSelector('text=规则 ui_rule 已保存');
		expect((await api('/api/rules/ui_rule')).status).toBe(200);
	}, 60_000);

	it('capacity rules (千人指标): added in the editor, shortfall in the rule unit in the table, facilities in the panel', async () => {
		// Kindergartens with seats at buildings of six communities (the demo has none).
		const answer = await importKindergartensOverHttp(app, '托育园', [10, 200, 15, 40, 5, 25]);
		expect(answer.type, JSON.stringify(answer)).toBe('success');
		expect(answer.data).toContain('kindergartens.geojson');
		// The editor: a new rule of the capacity kind, status D (draft).
		await page.goto(`${app.url}/coverage/rules`, { waitUntil: 'networkidle' });
		const editor = page.locator('form[data-rule="new"]');
		await page.locator('[data-testid="rule-kind"]').selectOption('capacity');
		await editor.locator('select[name="capacityAttribute"]').waitFor();
		await editor.locator('input[name="id"]').fill('ui_places');
		await editor.locator('input[name="nameZh"]').fill('界面托位');
		await editor.locator('input[name="nameEn"]').fill('UI places');
		await editor.locator('select[name="category"]').selectOption('kindergarten');
		await editor.locator('input[name="reach"]').fill('800');
		await editor.locator('input[name="capacityPer"]').fill('10');
		await editor.locator('input[name="capacityUnitZh"]').fill('托位');
		await editor.locator('input[name="capacityUnitEn"]').fill('places');
		await editor.locator('input[name="source"]').fill('测试依据 第 1 条');
		await editor.locator('select[name="status"]').selectOption('D');
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-rules-capacity.png` });
		await editor.locator('button[type="submit"]').click();
		await page.waitForSelector('text=规则 ui_places 已保存');
		const rule = await (await api('/api/rules/ui_places')).json();
		expect([rule.kind, rule.capacityAttribute, rule.capacityPer, rule.demandPer, rule.status]).toEqual(['capacity', 'seats', 10, 1000, 'D']);
		// The table: a failing capacity cell gives its shortfall in places, as the API computes it.
		const cells = (await (await api('/api/coverage')).json()).cells.filter((c: any) => c.rule === 'ui_places');
		const failing = cells.find((c: any) => c.status === 'fail' && c.capacity.supply > 0);
		expect(failing).toBeTruthy();
		expect(failing.capacity.shortfall).toBe(Math.ceil(failing.capacity.required - failing.capacity.supply - 1e-6));
		await page.goto(`${app.url}/coverage`);
		const button = page.locator(`[data-testid="coverage-table"] button[data-rule="ui_places"][data-community="${failing.community}"]`);
		expect(await button.locator('[data-testid="capacity-short"]').innerText()).toBe(`−${failing.capacity.shortfall} 托位`);
		await button.click();
		await page.waitForSelector('[data-testid="capacity-cell"]');
		expect(await page.locator('[data-testid="capacity-shortfall"]').innerText()).toBe(`缺 ${failing.capacity.shortfall} 托位`);
		expect(await page.locator('[data-testid="capacity-cell"] tbody tr').count()).toBeGreaterThan(0);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-capacity.png` });
		// The report names it on the community's page.
		await page.goto(`${app.url}/coverage/report?community=${failing.community}`);
		expect(await page.locator('tr[data-rule="ui_places"]').innerText()).toContain(`缺 ${failing.capacity.shortfall} 托位`);
		expect(record.errors).toEqual([]);
	}, 120_000);

	it('exports parse, filters apply, and the printable report has one page per community', async () => {
		const csv = await (await api('/api/coverage?format=csv&level=5min')).text();
		const lines = csv.trim().split('\n');
		expect(lines[0]).toContain('community_code');
		expect(lines.slice(1).every((l) => l.includes('5min'))).toBe(true);
		expect((await api('/api/coverage?format=xml')).status).toBe(400);
		expect((await api('/api/coverage?level=year')).status).toBe(400);
		const report = await (await api('/api/coverage')).json();
		const sd = report.communities.find((c: any) => report.cells.some((x: any) => x.community === c.code && x.buildings > 0)).subdistrictCode;
		await page.goto(`${app.url}/coverage/report?subdistrict=${sd}`);
		const sheets = await page.locator('section.sheet').count();
		const mapped = new Set(report.cells.filter((c: any) => c.buildings > 0).map((c: any) => c.community));
		expect(sheets).toBe(report.communities.filter((c: any) => c.subdistrictCode === sd && mapped.has(c.code)).length);
		expect(sheets).toBeGreaterThan(0);
		expect(await page.locator('section.sheet svg path').count()).toBeGreaterThan(0);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/coverage-report.png` });
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.length).toBeGreaterThan(1000);
		// One A4 page per community: the printed PDF has exactly as many pages as sheets.
		expect(pdfPageCount(pdf)).toBe(sheets);
		// The whole city (every mapped community, 24 in the demo) prints one page each too.
		await page.goto(`${app.url}/coverage/report`);
		const all = await page.locator('section.sheet').count();
		expect(all).toBe(mapped.size);
		expect(pdfPageCount(await page.pdf({ format: 'A4' }))).toBe(all);
		// Buildings are drawn by how many judged rules they miss, with a legend whose counts add up.
		const first = page.locator('section.sheet').first();
		const legend = await first.locator('[data-testid="report-legend"] .n').allInnerTexts();
		expect(legend).toHaveLength(4);
		const buildings = (await api(`/api/coverage/cell?community=${await first.getAttribute('data-community')}&rule=culture_500`).then((r) => r.json())).buildings
			.features.length;
		expect(legend.reduce((s, n) => s + Number(n), 0)).toBe(buildings);
		expect(await first.locator('path[data-missed]').count()).toBe(4);
		// 依据 names the standard and clause from the catalogue, not the threshold.
		const rules = (await (await api('/api/rules')).json()).rules as { id: string; source: string }[];
		const culture = rules.find((r) => r.id === 'culture_500')!;
		expect(await first.locator('tr[data-rule="culture_500"] [data-testid="report-source"]').innerText()).toContain(culture.source);
		expect(culture.source).toMatch(/GB 50180-2018 附录C 表C\.0\.2/);
		// A category with no facility in the data says so.
		const noFacility = first.locator('tr.no_facilities').first();
		if (await noFacility.count()) expect(await noFacility.innerText()).toContain('数据中无此类设施');
		expect(offHostRequests(record.requests)).toEqual([]);
		expect(record.errors).toEqual([]);
	}, 60_000);

	it('life circles: the table, the summary against 85 %, and the community panel card', async () => {
		await page.goto(`${app.url}/coverage/life-circle`);
		await page.waitForSelector('[data-testid="life-circle-summary"] tbody tr');
		const rows = await page.locator('[data-testid="life-circle-table"] tbody tr').count();
		expect(rows).toBeGreaterThan(10);
		expect(await page.locator('[data-testid="life-circle-summary"]').innerText()).toMatch(/\d+(\.\d)?%/);
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/life-circle.png` });
		const api15 = await (await api('/api/life-circle?community=320102002002')).json();
		expect(api15.communities).toHaveLength(1);
		expect((await api('/api/life-circle?speed=-1')).status).toBe(400);
		await openMap(page, `${app.url}/?unit=320102002002`);
		await page.waitForSelector('[data-testid="life-circle-card"] strong');
		expect(await page.locator('[data-testid="life-circle-card"]').innerText()).toMatch(/%/);
	}, 90_000);

	it('walking isochrones on the map: 5/10/15 minutes drawn, with the walkable share of the circle', async () => {
		await openMap(page, `${app.url}/?unit=320102002002`);
		await page.locator('[data-testid="isochrone-toggle"]').check();
		// The middle of the map, a little right of the floating panels on the left.
		const box = (await page.locator('[data-testid="map"]').boundingBox())!;
		const pt = { x: box.x + box.width * 0.55, y: box.y + box.height / 2 };
		await page.mouse.click(pt.x, pt.y);
		await page.waitForSelector('[data-testid="isochrone-result"] li');
		const items = await page.locator('[data-testid="isochrone-result"] li').allInnerTexts();
		expect(items).toHaveLength(3);
		for (const t of items) expect(t).toMatch(/\d+%/);
		await waitForMap(page);
		const drawn = await page.evaluate(() =>
			(window as any).gridatlasMap.queryRenderedFeatures({ layers: ['isochrone-fill'] }).map((f: any) => f.properties.minutes)
		);
		expect(new Set(drawn)).toEqual(new Set([5, 10, 15]));
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/isochrone.png` });
		expect(record.errors).toEqual([]);
	}, 90_000);
});

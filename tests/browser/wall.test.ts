// The wall screen (issue 8) in a real browser against the production build with the demo city:
// screenshots at 1920×1080, 3840×1080, 3840×2160 and a 2×2 tiled wall, each checked for overflow,
// scrollbars, text outside its panel, panels across a bezel, and a blank map; a case posted through
// the API changes the KPIs and the latest list without a reload; a soak with cases posted at 10/s
// prints the JS heap growth and the DOM node count (the node count must stay flat).
import { signIn } from './helpers/session';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage } from './helpers/browser';
import { canvasImage, waitForMap } from './helpers/map-page';

const SHOTS = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'gridatlas-wall-shots');
const SUBDISTRICT = '320104007'; // 洪武路街道, six communities
const SOAK_S = Number(process.env.WALL_SOAK_SECONDS) || 60;

interface LayoutReport {
	scroll: { w: number; h: number; vw: number; vh: number; bodyW: number; bodyH: number };
	panels: string[];
	problems: string[];
}

/** Everything the layout checks need, measured in the page. */
async function layoutReport(page: Page, cols: number, rows: number): Promise<LayoutReport> {
	return page.evaluate(
		({ cols, rows }) => {
			const problems: string[] = [];
			const vw = window.innerWidth,
				vh = window.innerHeight;
			const de = document.documentElement;
			const scroll = { w: de.scrollWidth, h: de.scrollHeight, vw, vh, bodyW: document.body.scrollWidth, bodyH: document.body.scrollHeight };
			const panels = [
				...document.querySelectorAll<HTMLElement>('[data-panel], [data-testid="wall-header"], [data-testid^="kpi-"]:not([data-testid$="-value"])')
			];
			const inside = (r: DOMRect, box: DOMRect, slack = 1) =>
				r.left >= box.left - slack && r.right <= box.right + slack && r.top >= box.top - slack && r.bottom <= box.bottom + slack;
			const name = (el: Element) => el.getAttribute('data-panel') ?? el.getAttribute('data-testid') ?? el.tagName;
			const seamsX = Array.from({ length: cols - 1 }, (_, i) => ((i + 1) * vw) / cols);
			const seamsY = Array.from({ length: rows - 1 }, (_, i) => ((i + 1) * vh) / rows);
			for (const panel of panels) {
				const box = panel.getBoundingClientRect();
				if (!inside(box, new DOMRect(0, 0, vw, vh), 0.5)) problems.push(`${name(panel)} leaves the viewport`);
				// Off the bezels (the map may span them): no panel box crosses a seam of the wall.
				if (name(panel) !== 'map') {
					for (const x of seamsX) if (box.left < x - 2 && box.right > x + 2) problems.push(`${name(panel)} crosses the bezel at x=${x}`);
					for (const y of seamsY) if (box.top < y - 2 && box.bottom > y + 2) problems.push(`${name(panel)} crosses the bezel at y=${y}`);
				}
				// Every visible piece of text lies inside its panel (text cut off with an ellipsis counts as
				// its element's box; SVG text by its element).
				const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
				for (let n = walker.nextNode(); n; n = walker.nextNode()) {
					const text = n.textContent?.trim();
					const el = n.parentElement;
					if (!text || !el || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
					let r: DOMRect;
					if (el instanceof SVGElement) {
						r = (el.closest('text') ?? el).getBoundingClientRect();
						const svg = el.ownerSVGElement?.getBoundingClientRect();
						if (svg && !inside(r, svg)) problems.push(`chart text "${text.slice(0, 30)}" cut off by its chart in ${name(panel)}`);
					} else {
						const cs = getComputedStyle(el);
						if (cs.textOverflow === 'ellipsis' && cs.overflow !== 'visible') r = el.getBoundingClientRect();
						else {
							const range = document.createRange();
							range.selectNodeContents(n);
							r = range.getBoundingClientRect();
						}
					}
					if (r.width === 0 && r.height === 0) continue;
					// Text clipped by an ancestor list that hides what does not fit is hidden, not clipped:
					if (!inside(r, box))
						problems.push(
							`text "${text.slice(0, 30)}" outside ${name(panel)}: ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} vs ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`
						);
				}
			}
			return { scroll, panels: panels.map(name), problems };
		},
		{ cols, rows }
	);
}

/** Distinct colours among sampled canvas pixels: a blank (or single-colour) map has one or two. */
async function mapColours(page: Page): Promise<number> {
	const { img } = await canvasImage(page);
	const seen = new Set<number>();
	const step = Math.max(1, Math.floor(Math.min(img.width, img.height) / 120));
	for (let y = 0; y < img.height; y += step) {
		for (let x = 0; x < img.width; x += step) {
			const i = (y * img.width + x) * 4;
			seen.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
		}
	}
	return seen.size;
}

describe.skipIf(!hasChromium)('wall screen', () => {
	let app: AppServer;
	let browser: Browser;
	let seq = 0;
	let points: { code: string; lon: number; lat: number }[] = [];

	const post = (items: object[]) =>
		app.fetch(`${app.url}/api/cases`, { method: 'POST', headers: { origin: app.url, 'content-type': 'application/json' }, body: JSON.stringify(items) });
	const CATS = ['dispute', 'safety_hazard', 'environment', 'livelihood', 'public_health', 'facility_damage', 'other'];
	const caseAt = (p: { lon: number; lat: number }, hoursAgo: number, extra: object = {}) => ({
		id: `wall-${++seq}`,
		category: CATS[seq % CATS.length],
		lon: p.lon + ((seq % 5) - 2) * 0.00015,
		lat: p.lat + ((Math.floor(seq / 5) % 5) - 2) * 0.00015,
		reported_at: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
		description: `测试事件 ${seq}：楼道堆物`,
		...extra
	});

	async function open(width: number, height: number, url: string): Promise<Page> {
		const page = await browser.newPage({ viewport: { width, height } });
		await signIn(page, app.url);
		await page.goto(`${app.url}${url}`);
		await waitForMap(page, 120_000);
		// The case overlay's first aggregates (every page opens after cases were posted), drawn.
		await page.waitForSelector('[data-testid="wall"]:not([data-overlay-cells="0"])', { timeout: 30_000 });
		await waitForMap(page, 60_000);
		await page.waitForTimeout(1000);
		return page;
	}

	async function checkLayout(page: Page, shot: string, cols = 1, rows = 1) {
		await page.screenshot({ path: path.join(SHOTS, shot) });
		const rep = await layoutReport(page, cols, rows);
		expect(rep.scroll.w).toBe(rep.scroll.vw);
		expect(rep.scroll.h).toBe(rep.scroll.vh);
		expect(rep.scroll.bodyW).toBeLessThanOrEqual(rep.scroll.vw);
		expect(rep.scroll.bodyH).toBeLessThanOrEqual(rep.scroll.vh);
		for (const p of ['map', 'base', 'coverage', 'category', 'trends', 'hot', 'latest']) expect(rep.panels).toContain(p);
		expect(rep.problems).toEqual([]);
		expect(await mapColours(page)).toBeGreaterThan(12);
		// Native resolution: nothing on the page is scaled by a transform.
		const transformed = await page.evaluate(
			() => [...document.querySelectorAll('[data-testid="wall"], [data-testid="wall"] > *')].filter((e) => getComputedStyle(e).transform !== 'none').length
		);
		expect(transformed).toBe(0);
		return rep;
	}

	beforeAll(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		const labels = await (await app.fetch(`${app.url}/api/layers/communities?labels=1`)).json();
		points = labels.features.map((f: any) => ({ code: f.properties.code, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
		// A day's worth of cases clustered in every community (hexagons above k), older ones for the
		// trends, some closed and some past due.
		const items: object[] = [];
		for (const [i, p] of points.entries()) {
			const n = p.code.startsWith(SUBDISTRICT) ? 12 : 5 + (i % 4);
			for (let k = 0; k < n; k++) items.push(caseAt(p, 0.2 + (k % 10) * 0.8));
			for (let k = 0; k < 4; k++) {
				const ago = 24 * (1 + ((i + k) % 6)) + 3;
				const closed = k % 2 === 0;
				items.push(
					caseAt(p, ago, {
						due_at: new Date(Date.now() - (ago - 20) * 3600_000).toISOString(),
						...(closed ? { status: 'closed', status_at: new Date(Date.now() - (ago - 10) * 3600_000).toISOString() } : {})
					})
				);
			}
			for (let m = 1; m <= 3; m++)
				items.push(caseAt(p, 24 * 31 * m + i, { status: 'closed', status_at: new Date(Date.now() - (24 * 31 * m + i - 30) * 3600_000).toISOString() }));
		}
		const res = await post(items);
		expect(res.status, await res.clone().text()).toBe(200);
	}, 400_000);
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('1920×1080, one subdistrict: everything fits, map drawn', async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}`);
		const errors = recordPage(page).errors;
		await checkLayout(page, 'wall-1920x1080.png');
		expect(await page.locator('[data-testid="wall-unit"]').innerText()).toBe('洪武路街道');
		const kpi = async (id: string) => Number((await page.locator(`[data-testid="kpi-${id}-value"]`).innerText()).replace(/,/g, ''));
		expect(await kpi('today')).toBeGreaterThan(0);
		// The coverage and life-circle KPIs agree with their own APIs (rules without any facility are not judged).
		const coverage = await (await app.fetch(`${app.url}/api/coverage?subdistrict=${SUBDISTRICT}`)).json();
		const mapped = new Set(points.filter((p) => p.code.startsWith(SUBDISTRICT)).map((p) => p.code));
		const passingAll = coverage.communities.filter(
			(c: any) =>
				mapped.has(c.code) && coverage.cells.filter((x: any) => x.community === c.code && x.status !== 'no_facilities').every((x: any) => x.status === 'pass')
		).length;
		expect(await kpi('coverage')).toBe(passingAll);
		const life = await (await app.fetch(`${app.url}/api/life-circle?subdistrict=${SUBDISTRICT}`)).json();
		const complete = life.communities.reduce((n: number, c: any) => {
			const l = c.levels.find((x: any) => x.level === '15min');
			return n + (l?.completeShare != null ? Math.round(l.completeShare * c.households) : 0);
		}, 0);
		console.log(
			`wall: ${passingAll} communities meet all rules; ${complete} households in a complete 15-minute circle (subdistrict share ${life.subdistricts[0]?.complete15Share})`
		);
		expect(await kpi('life-circle')).toBe(complete);
		expect(errors).toEqual([]);
		await page.close();
	}, 180_000);

	it('3840×1080 (whole city): panels in two columns per side, everything fits', async () => {
		const page = await open(3840, 1080, '/wall');
		await checkLayout(page, 'wall-3840x1080.png');
		// The wide layout puts each side's panels side by side.
		const [base, coverage] = await Promise.all(['base', 'coverage'].map((p) => page.locator(`[data-panel="${p}"]`).boundingBox()));
		expect(coverage!.x).toBeGreaterThan(base!.x + base!.width - 1);
		await page.close();
	}, 180_000);

	it('3840×2160 (one subdistrict): everything fits', async () => {
		const page = await open(3840, 2160, `/wall/${SUBDISTRICT}`);
		await checkLayout(page, 'wall-3840x2160.png');
		await page.close();
	}, 180_000);

	// The tour is the same at any size; at 1920×1080 a flight is drawn in a fraction of the time a
	// 4K frame takes on a CPU renderer.
	it('the tour flies to a community and names it', async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}?tour=1&interval=5`);
		await page.waitForSelector('[data-testid="wall-tour"]', { timeout: 15_000 });
		await waitForMap(page, 60_000);
		expect(await page.locator('[data-testid="wall-tour"]').innerText()).toMatch(/巡览 \d+\/\d+\s*\S+社区/);
		await page.screenshot({ path: path.join(SHOTS, 'wall-tour.png') });
		await page.close();
	}, 180_000);

	it('a 2×2 tiled wall (four 1920×1080 screens): no panel on a bezel', async () => {
		const page = await open(3840, 2160, `/wall/${SUBDISTRICT}?cols=2&rows=2`);
		const rep = await checkLayout(page, 'wall-2x2-3840x2160.png', 2, 2);
		expect(rep.panels.filter((p) => p === 'wall-header')).toHaveLength(2);
		await page.close();
	}, 180_000);

	it("optional layers: each community's 15-minute walking circle and the communities short of coverage rules", async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}?layers=circles,shortfalls`);
		const coverage = await (await app.fetch(`${app.url}/api/coverage?subdistrict=${SUBDISTRICT}`)).json();
		const mapped = new Set(points.filter((p) => p.code.startsWith(SUBDISTRICT)).map((p) => p.code));
		const short = coverage.communities.filter(
			(c: any) => mapped.has(c.code) && coverage.cells.some((x: any) => x.community === c.code && x.status === 'fail')
		).length;
		const legend = page.locator('[data-testid="wall-analysis-legend"]');
		// Circles load one community after another: wait for all of them.
		await expect.poll(async () => Number(/（(\d+) 个社区）/.exec(await legend.innerText())?.[1] ?? 0), { timeout: 60_000 }).toBe(mapped.size);
		expect(await legend.innerText()).toContain(`设施覆盖不达标社区（${short}）`);
		await waitForMap(page, 60_000);
		await checkLayout(page, 'wall-layers-1920x1080.png');
		await page.close();
	}, 180_000);

	it('the case overlay lets the basemap through and explains its colours; every rate names its denominator; English is not cut', async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}?lang=en`);
		const legend = page.locator('[data-testid="case-ramp-legend"]');
		await legend.waitFor({ timeout: 60_000 });
		expect(await legend.getAttribute('data-view')).toBe('hex');
		expect(await legend.innerText()).toContain('Cases per hexagon');
		expect(Number(await page.locator('[data-testid="case-ramp-high"]').innerText())).toBeGreaterThan(0);
		// The test data has cases past their due time: both rates say of how many.
		expect(await page.locator('[data-testid="kpi-closure-rate"]').innerText()).toMatch(/\d+ of \d+ due cases closed/);
		expect(await page.locator('[data-testid="kpi-on-time-rate"]').innerText()).toMatch(/\d+ of \d+ due cases closed on time/);
		// No KPI label, and no category or status of the latest cases, loses its end (a label may take two lines).
		const cut = await page.evaluate(() => {
			const out: string[] = [];
			for (const e of document.querySelectorAll<HTMLElement>(
				'.kpi > .label, [data-testid="wall-latest-list"] li > .c, [data-testid="wall-latest-list"] li > .s'
			)) {
				const range = document.createRange();
				range.selectNodeContents(e);
				const text = range.getBoundingClientRect();
				const box = e.getBoundingClientRect();
				// A clamped line would stick out by a whole line; the glyphs' own ascent and descent do by a few pixels.
				const halfLine = parseFloat(getComputedStyle(e).fontSize) / 2;
				if (text.right > box.right + 1 || text.bottom > box.bottom + halfLine || e.scrollWidth > e.clientWidth + 1) out.push(e.textContent ?? '');
			}
			return out;
		});
		expect(cut).toEqual([]);
		await page.screenshot({ path: path.join(SHOTS, 'wall-en-1920x1080.png') });
		await page.close();

		const heat = await open(1920, 1080, `/wall/${SUBDISTRICT}?cases=heat`);
		await heat.locator('[data-testid="case-ramp-legend"][data-view="heat"]').waitFor({ timeout: 60_000 });
		await waitForMap(heat, 60_000);
		await heat.screenshot({ path: path.join(SHOTS, 'wall-heat-1920x1080.png') });
		await heat.close();
	}, 180_000);

	it('a case posted through the API changes the KPIs and the latest list without a reload', async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}`);
		const value = async () => Number((await page.locator('[data-testid="kpi-today-value"]').innerText()).replace(/,/g, ''));
		const before = await value();
		const p = points.find((x) => x.code.startsWith(SUBDISTRICT))!;
		const t0 = Date.now();
		expect((await post([caseAt(p, 0, { description: '新上报：消防通道堵塞 <b>x</b>' })])).status).toBe(200);
		await page.waitForFunction(() => document.querySelector('[data-testid="wall-latest-list"]')?.textContent?.includes('消防通道堵塞'), null, {
			timeout: 30_000
		});
		const listMs = Date.now() - t0;
		await page.waitForFunction((b) => Number(document.querySelector('[data-testid="kpi-today-value"]')?.textContent?.replace(/,/g, '')) === b + 1, before, {
			timeout: 30_000
		});
		const kpiMs = Date.now() - t0;
		console.log(`wall: list updated after ${listMs} ms, KPI after ${kpiMs} ms`);
		// Plain text, never HTML.
		expect(await page.locator('[data-testid="wall-latest-list"]').innerText()).toContain('<b>x</b>');
		expect(await value()).toBe(before + 1);
		await page.close();
	}, 120_000);

	// Issue 22: a wall for a code that does not exist, and the admin pages around the wall.
	it('a missing wall answers a styled page with the way back, never internals', async () => {
		const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
		try {
			await signIn(page, app.url);
			const errors = recordPage(page).errors;
			const res = await page.goto(`${app.url}/wall/999999999`);
			expect(res?.status()).toBe(404);
			const card = page.getByTestId('error-page');
			await expect(card.locator('h1').innerText()).resolves.toBe('找不到这个页面');
			await expect(page.getByTestId('error-message').innerText()).resolves.toContain('999999999');
			await expect(page.getByTestId('error-back-wall').getAttribute('href')).resolves.toBe('/wall');
			await expect(page.getByTestId('error-back-map').getAttribute('href')).resolves.toBe('/');
			// Styled: the card is a card (not the browser's default black on white at the top left).
			const look = await card.evaluate((e) => ({
				bg: getComputedStyle(e).backgroundColor,
				shadow: getComputedStyle(e).boxShadow,
				left: e.getBoundingClientRect().left
			}));
			expect(look.bg).toBe('rgb(255, 255, 255)');
			expect(look.shadow).not.toBe('none');
			expect(look.left).toBeGreaterThan(400);
			expect(await page.content()).not.toMatch(/at .*\.js:\d+|node_modules|Error:/);
			await page.screenshot({ path: path.join(SHOTS, 'wall-missing.png') });
			await page.getByTestId('error-back-wall').click();
			await page.waitForSelector('[data-testid="wall"]');
			expect(errors).toEqual([]);
		} finally {
			await page.close();
		}
	}, 90_000);

	it("the audit log speaks the catalogue's words in Beijing time; the empty tokens table says so", async () => {
		const changed = await app.fetch(`${app.url}/api/cases/wall-1`, {
			method: 'PATCH',
			headers: { origin: app.url, 'content-type': 'application/json' },
			body: JSON.stringify({ status: 'registered' })
		});
		expect(changed.status, await changed.clone().text()).toBe(200);
		const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
		try {
			await signIn(page, app.url);
			await page.goto(`${app.url}/audit?entity=cases`);
			const table = page.getByTestId('audit');
			await table.waitFor();
			const text = await table.innerText();
			for (const word of ['insert', 'update', 'cases', 'reported', 'registered']) expect(text).not.toMatch(new RegExp(`\\b${word}\\b`));
			// Case reports are not audited one by one (a feed would flood the log); their status changes are.
			expect(text).toMatch(/修改\s+事件\s+wall-1[\s\S]*status: 已上报 →\s?已立案/);
			await expect(page.locator('thead th').first().innerText()).resolves.toContain('UTC+8');
			// The newest entry's time is the API's UTC time + 8 h.
			const newest = (await (await app.fetch(`${app.url}/api/audit?entity=cases&limit=1`)).json()).entries[0];
			const shown = await page.getByTestId('audit-at').first().innerText();
			const beijing = new Date(Date.parse(newest.at) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
			expect(shown).toBe(beijing);
			const filters = await page.locator('[data-testid="audit-filter"] select option').allInnerTexts();
			expect(filters).toEqual(expect.arrayContaining(['令牌', '事件', '新增', '修改']));
			await page.screenshot({ path: path.join(SHOTS, 'audit.png') });

			await page.goto(`${app.url}/admin/tokens`);
			await expect(page.getByTestId('tokens-empty').innerText()).resolves.toMatch(/还没有令牌/);
			await page.screenshot({ path: path.join(SHOTS, 'tokens-empty.png') });
		} finally {
			await page.close();
		}
	}, 90_000);

	it(
		`soak: ${SOAK_S} s with cases posted at 10/s — the DOM stays flat, the heap grows little`,
		async () => {
			const page = await open(1920, 1080, `/wall/${SUBDISTRICT}`);
			const cdp = await page.context().newCDPSession(page);
			await cdp.send('Performance.enable');
			const measure = async () => {
				await cdp.send('HeapProfiler.collectGarbage');
				const { metrics } = await cdp.send('Performance.getMetrics');
				const m = Object.fromEntries(metrics.map((x: { name: string; value: number }) => [x.name, x.value]));
				const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
				return { heapMB: m.JSHeapUsedSize / 2 ** 20, dom, nodes: m.Nodes };
			};
			const inside = points.filter((x) => x.code.startsWith(SUBDISTRICT));
			// Warm up: the first cases fill the lists to their length.
			for (let i = 0; i < 30; i++) await post([caseAt(inside[i % inside.length], 0)]);
			await page.waitForTimeout(4000);
			// Frame rate: animation frames counted in the page, first idle, then with the feed running.
			const frames = () => page.evaluate(() => (window as unknown as { __frames: number }).__frames);
			await page.evaluate(() => {
				const w = window as unknown as { __frames: number };
				w.__frames = 0;
				const tick = () => {
					w.__frames++;
					requestAnimationFrame(tick);
				};
				requestAnimationFrame(tick);
			});
			const idle0 = await frames();
			await page.waitForTimeout(5000);
			const idleFps = ((await frames()) - idle0) / 5;
			const before = await measure();
			const feed0 = await frames();
			const feedStart = Date.now();
			const until = Date.now() + SOAK_S * 1000;
			let sent = 0,
				failed = 0;
			while (Date.now() < until) {
				const tick = Date.now();
				const res = await post([caseAt(inside[sent % inside.length], 0)]);
				if (res.ok) sent++;
				else failed++;
				await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))));
			}
			const feedFps = ((await frames()) - feed0) / ((Date.now() - feedStart) / 1000);
			await page.waitForTimeout(5000);
			const after = await measure();
			const growth = after.heapMB - before.heapMB;
			console.log(
				`wall soak ${SOAK_S} s: ${sent} cases posted (${failed} failed); JS heap ${before.heapMB.toFixed(1)} → ${after.heapMB.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB); ` +
					`DOM elements ${before.dom} → ${after.dom}; DOM nodes (CDP) ${before.nodes} → ${after.nodes}; ` +
					`frame rate ${idleFps.toFixed(1)} fps idle → ${feedFps.toFixed(1)} fps with the feed (${((feedFps / idleFps) * 100).toFixed(0)} %)`
			);
			// The feed must not starve rendering (headless software GL: the ratio, not the absolute rate).
			expect(feedFps).toBeGreaterThan(idleFps * 0.5);
			expect(sent).toBeGreaterThan(SOAK_S * 5);
			expect(Math.abs(after.dom - before.dom) / before.dom).toBeLessThanOrEqual(0.05);
			expect(growth).toBeLessThan(20);
			// Still live at the end: the list shows the last case.
			expect(await page.locator('[data-testid="wall-latest-list"]').innerText()).toContain(`测试事件 ${seq}`);
			await page.close();
		},
		SOAK_S * 1000 + 120_000
	);

	it('shows "连接中断 自 hh:mm" while the server is down and clears it when the server is back', async () => {
		const page = await open(1920, 1080, `/wall/${SUBDISTRICT}`);
		expect(await page.locator('[data-testid="wall-lost"]').count()).toBe(0);
		const { port } = new URL(app.url);
		const dataDir = app.dataDir;
		await app.stop({ keepData: true });
		await page.waitForSelector('[data-testid="wall-lost"]', { timeout: 20_000 });
		expect(await page.locator('[data-testid="wall-lost"]').innerText()).toMatch(/^连接中断 自 \d\d:\d\d$/);
		await page.screenshot({ path: path.join(SHOTS, 'wall-connection-lost.png') });
		// The same address again (a restart): the wall reconnects by itself, no reload, no click.
		app = await startApp({ port: Number(port), dataDir });
		await page.waitForSelector('[data-testid="wall-lost"]', { state: 'detached', timeout: 60_000 });
		// And it is live again: a new case reaches the list.
		const p = points.find((x) => x.code.startsWith(SUBDISTRICT))!;
		expect((await post([caseAt(p, 0, { description: '重连后的新事件' })])).status).toBe(200);
		await page.waitForFunction(() => document.querySelector('[data-testid="wall-latest-list"]')?.textContent?.includes('重连后的新事件'), null, {
			timeout: 15_000
		});
		await page.close();
	}, 400_000);
});

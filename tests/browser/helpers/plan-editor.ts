// The grid-planning editor in a real browser against the production build with the Nanjing demo, for
// the tests/browser/plan-*.test.ts files: a server and Chromium signed in as the admin, set up before
// the tests of the calling describe block and stopped after them, and the editor's moves (the chart's
// bars, the validation, framing the map, clicking a place, the grids the editor holds).
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureBuild, startApp, type AppServer } from './app-server';
import { launchChromium, recordPage, type PageRecord } from './browser';
import { screenPoint, waitForMap } from './map-page';
import { sessionCookie, signIn } from './session';

export const SHOTS = process.env.SCREENSHOT_DIR;
/** 淮海路社区 in the demo: 7 grids, 79 buildings. */
export const COMMUNITY = '320104006002';
/** A community with a boundary inside the demo planner's jurisdiction (the first subdistrict, 320102002). */
export const PLANNER_COMMUNITY = '320102002002';

export interface PlanEditor {
	app: AppServer;
	browser: Browser;
	/** The admin's page (1600 × 950). */
	page: Page;
	record: PageRecord;
	/** The admin's session cookie. */
	cookie: string;
	/** fetch() as the admin, JSON. */
	api(path: string, init?: RequestInit): Promise<Response>;
	/** The hard problems the validation counts. */
	hardCount(): Promise<number>;
	/** The chart's bars: households per grid code. */
	bars(): Promise<Record<string, number>>;
	/** Waits until the validation counts n hard problems. */
	waitHard(n: number): Promise<unknown>;
	/** Frames a lon/lat box on the map, clear of the toolbar over its top. */
	frame(b: number[]): Promise<void>;
	/** Moves to a lon/lat on the map and clicks there. */
	clickAt(p: number[]): Promise<void>;
	/** The grids the editor holds (code and geometry). */
	editorGrids(): Promise<{ code: string; geometry: any }[]>;
	/** Opens a community's editor: the page, its map and the drawn grids there. */
	open(community: string): Promise<void>;
	/** Saves the community's plan as it is, as a draft (a revision to compare with), through the API. */
	saveDraft(community: string, note: string): Promise<void>;
}

export function planEditor(): PlanEditor {
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

	return {
		get app() {
			return app;
		},
		get browser() {
			return browser;
		},
		get page() {
			return page;
		},
		get record() {
			return record;
		},
		get cookie() {
			return cookie;
		},
		api,
		hardCount: async () => Number(await page.locator('[data-testid="plan-validation"]').getAttribute('data-hard')),
		bars: () =>
			page
				.locator('[data-testid="plan-chart"] rect.bar')
				.evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-code')!, Number(e.getAttribute('data-households'))]))),
		waitHard: (n: number) =>
			page.waitForFunction((n) => Number(document.querySelector('[data-testid="plan-validation"]')?.getAttribute('data-hard')) === n, n, { timeout: 15_000 }),
		async frame(b: number[]) {
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
		},
		async clickAt(p: number[]) {
			const s = await screenPoint(page, p as [number, number]);
			await page.mouse.move(s.x, s.y, { steps: 3 });
			await page.mouse.click(s.x, s.y);
			await page.waitForTimeout(120);
		},
		editorGrids: async () =>
			(await page.evaluate(() => (window as any).gridatlasDraw.getSnapshot().map((f: any) => ({ code: f.properties.code, geometry: f.geometry })))) as {
				code: string;
				geometry: any;
			}[],
		async open(community: string) {
			await page.goto(`${app.url}/plan/${community}`);
			await page.waitForSelector('[data-testid="plan-page"]');
			await waitForMap(page);
			await page.waitForFunction(() => (window as any).gridatlasDraw?.getSnapshot().length > 0);
		},
		async saveDraft(community: string, note: string) {
			const plan = await (await api(`/api/plans/${community}`)).json();
			const saved = await api(`/api/plans/${community}`, {
				method: 'POST',
				body: JSON.stringify({ grids: plan.grids, note, status: 'draft', baseRevision: plan.latestRevision })
			});
			if (saved.status !== 201) throw new Error(`saving a draft of ${community}: ${saved.status} ${await saved.text()}`);
		}
	};
}

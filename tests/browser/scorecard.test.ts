// The scorecard page in a real browser on the demo city: a leader registers, dispatches, handles and
// closes cases through the steps API (a worker handles), then reads the month's scorecard — every
// rate with its numerator/denominator, the definitions, the CSV beside it — and prints it on A4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sessionCookie, signIn } from './helpers/session';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';

describe.skipIf(!hasChromium)('case scorecards', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let rec: PageRecord;

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		const as = async (role: 'admin' | 'worker', path: string, body: unknown) => {
			const res = await fetch(`${app.url}${path}`, {
				method: 'POST',
				headers: { cookie: await sessionCookie(app.url, role), origin: app.url, 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
			return res.json();
		};
		// Cases in the demo worker's grid: its label point.
		const who = await (await fetch(`${app.url}/api/session`, { headers: { cookie: await sessionCookie(app.url, 'worker') } })).json();
		const grid: string = who.principal.units[0];
		const grids = await (await app.fetch(`${app.url}/api/layers/grids?labels=1`)).json();
		const [lon, lat] = grids.features.find((f: { properties: { code: string } }) => f.properties.code === grid).geometry.coordinates;
		await as(
			'admin',
			'/api/cases',
			Array.from({ length: 6 }, (_, i) => ({ id: `SC-${i}`, category: ['environment', 'facility_damage', 'dispute'][i % 3], lon, lat }))
		);
		for (let i = 0; i < 6; i++) {
			await as('admin', `/api/cases/SC-${i}/steps`, { action: 'register' });
			if (i === 5) {
				await as('admin', `/api/cases/SC-${i}/steps`, { action: 'void', reason: '重复上报' });
				continue;
			}
			await as('admin', `/api/cases/SC-${i}/steps`, { action: 'dispatch' });
			if (i === 4) continue; // still being handled
			await as('worker', `/api/cases/SC-${i}/steps`, { action: 'handle' });
			if (i === 3) await as('admin', `/api/cases/SC-${i}/steps`, { action: 'verify_fail', reason: '未处置到位' });
			else {
				await as('admin', `/api/cases/SC-${i}/steps`, { action: 'verify_pass' });
				await as('admin', `/api/cases/SC-${i}/steps`, { action: 'close' });
			}
		}
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(page, app.url, 'leader');
		rec = recordPage(page);
	}, 900_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('shows the month by grid with each rate’s denominator, the definitions and the scheme’s source', async () => {
		await page.goto(`${app.url}/cases/scorecard?level=grid`);
		await expect(page.locator('header.bar nav a[href="/cases/scorecard"]').count()).resolves.toBe(1);
		const table = await page.getByTestId('scorecard').innerText();
		// 6 registered, 1 voided; 3 closed (closed before their deadline: due), 2 still within their limits.
		expect(table).toMatch(/合计\s+6\s+3\s+3\s+0/);
		expect(table).toContain('3/3'); // closure: closed / due
		expect(table).toContain('1/4'); // rework: one of four handled
		expect(table).toContain('紧急按期结案率'); // the urgent cases' own figures (none urgent here: 0 of 0, "—")
		expect(table).toContain('紧急案件超期数');
		const text = await page.locator('main').innerText();
		expect(text).toContain('按期结案率 = 按期结案数 ÷（应结案数 − 缓办数）');
		expect(text).toContain('紧急按期结案率 = 紧急按期结案数 ÷（紧急应结案数 − 紧急缓办数）');
		expect(text).toContain('金华市区数字化城市管理工作考核细则');
		await page.screenshot({ path: '/tmp/gridatlas-scorecard.png', fullPage: true });
		await page.emulateMedia({ media: 'print' });
		await page.screenshot({ path: '/tmp/gridatlas-scorecard-print.png', fullPage: true });
		await page.emulateMedia({ media: 'screen' });
		expect(rec.errors).toEqual([]);
	});

	it('by department and by worker; English; the CSV beside it', async () => {
		await page.goto(`${app.url}/cases/scorecard?level=department&lang=en`);
		const table = await page.getByTestId('scorecard').innerText();
		expect(table).toContain('Sanitation');
		await page.screenshot({ path: '/tmp/gridatlas-scorecard-en.png', fullPage: true });
		const href = await page.getByTestId('scorecard-csv').getAttribute('href');
		const bytes = Buffer.from(await (await fetch(`${app.url}${href}`, { headers: { cookie: await sessionCookie(app.url, 'leader') } })).arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs (text() would drop it)
		const csv = bytes.toString('utf8');
		expect(csv.startsWith('\ufeff排名 / rank,')).toBe(true);
		expect(csv).toContain('合计 / total');
		expect(csv).toContain('紧急案件超期数 / urgent overdue');
		await page.goto(`${app.url}/cases/scorecard?level=worker&lang=zh`);
		expect(await page.getByTestId('scorecard').innerText()).toMatch(/合计/);
	});

	it('the working calendar: a leader reads the year; an admin adds a holiday by clicking its day, and a day listed twice is refused', async () => {
		await page.goto(`${app.url}/cases/calendar?year=2026`);
		await page.waitForSelector('html[data-hydrated]');
		// Seeded: National Day off, and the Saturday after it worked (调休).
		expect(await page.locator('[data-day="2026-10-01"]').getAttribute('data-kind')).toBe('holiday');
		expect(await page.locator('[data-day="2026-10-10"]').getAttribute('data-kind')).toBe('makeup');
		expect(await page.locator('[data-day="2026-12-25"]').getAttribute('data-kind')).toBe('work');
		expect(await page.getByTestId('calendar-form').count()).toBe(0); // a leader does not edit it

		const admin = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(admin, app.url, 'admin');
		try {
			await admin.goto(`${app.url}/cases/calendar?year=2026`);
			await admin.waitForSelector('html[data-hydrated]');
			const before = (await (await app.fetch(`${app.url}/api/cases/calendar/2026`)).json()).days;
			// The editor's row holding a date ('' : a spare one); its inputs are bound, so read their values.
			const rowOf = async (day: string) => {
				const rows = admin.getByTestId('calendar-row');
				for (let i = 0; i < (await rows.count()); i++) if ((await rows.nth(i).locator('input[name="day"]').inputValue()) === day) return rows.nth(i);
				throw new Error(`no row for "${day}"`);
			};
			await admin.locator('[data-day="2026-12-25"]').click();
			await (await rowOf('2026-12-25')).locator('input[name="name"]').fill('测试放假');
			await admin.getByTestId('calendar-save').click();
			await admin.getByTestId('calendar-saved').waitFor();
			await admin.reload();
			expect(await admin.locator('[data-day="2026-12-25"]').getAttribute('data-kind')).toBe('holiday');
			const after = (await (await app.fetch(`${app.url}/api/cases/calendar/2026`)).json()).days;
			expect(after).toEqual([...before, { day: '2026-12-25', kind: 'holiday', name: '测试放假' }].sort((a, b) => a.day.localeCompare(b.day)));
			await admin.screenshot({ path: '/tmp/gridatlas-calendar.png', fullPage: true });

			// The same day twice: refused, named, nothing written.
			await admin.waitForSelector('html[data-hydrated]');
			await (await rowOf('')).locator('input[name="day"]').fill('2026-10-01');
			await admin.getByTestId('calendar-save').click();
			await expect(admin.getByTestId('calendar-error').innerText()).resolves.toContain('2026-10-01 出现了两次');
			expect((await (await app.fetch(`${app.url}/api/cases/calendar/2026`)).json()).days).toEqual(after);
		} finally {
			await admin.close();
		}
	});

	it("the case taxonomy: an admin changes a subclass's handling limit; a limit of 0 is refused by the server too", async () => {
		const admin = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(admin, app.url, 'admin');
		try {
			await admin.goto(`${app.url}/cases/taxonomy`);
			await admin.waitForSelector('html[data-hydrated]');
			await admin.locator('[data-testid="subclass-E0102"] summary').click();
			const form = admin.getByTestId('subclass-form-E0102');
			await form.locator('input[name="normal.handle.amount"]').fill('3');
			await form.locator('select[name="normal.handle.unit"]').selectOption('work_day');
			await admin.getByTestId('subclass-save-E0102').click();
			await expect(admin.getByTestId('taxonomy-saved').innerText()).resolves.toContain('E0102');
			await expect(admin.getByTestId('limits-E0102').innerText()).resolves.toMatch(/^1 工作小时 · 1 工作小时 · 3 工作日 ·/);
			const tax = await (await app.fetch(`${app.url}/api/cases/taxonomy`)).json();
			expect(tax.subclasses.find((x: { code: string }) => x.code === 'E0102').limits.normal.handle).toEqual({ amount: 3, unit: 'work_day' });
			await admin.screenshot({ path: '/tmp/gridatlas-taxonomy.png', fullPage: false });

			// The browser stops a 0 (min 0.1); the action checks again for a client that does not.
			const body = new URLSearchParams({ code: 'E0102', department: 'sanitation' });
			for (const kind of ['normal', 'urgent'])
				for (const stage of ['register', 'dispatch', 'handle', 'verify', 'close']) {
					body.set(`${kind}.${stage}.amount`, stage === 'handle' && kind === 'normal' ? '0' : '1');
					body.set(`${kind}.${stage}.unit`, 'work_hour');
				}
			const res = await app.fetch(`${app.url}/cases/taxonomy?/save`, {
				method: 'POST',
				headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
				body
			});
			expect(await res.text()).toContain('一般时限“处置”须为大于 0');
			const again = await (await app.fetch(`${app.url}/api/cases/taxonomy`)).json();
			expect(again.subclasses.find((x: { code: string }) => x.code === 'E0102').limits.normal.handle).toEqual({ amount: 3, unit: 'work_day' });
		} finally {
			await admin.close();
		}
	});
});

// Editing the taxonomy in a real browser on the demo city: an administrator maps a case category onto
// another subclass and adds, renames and tries to delete departments on /cases/taxonomy (a department
// still used is refused by name, a duplicate code too); a viewer reads the same page without a form
// and is refused when posting to its actions anyway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sessionCookie, signIn } from './helpers/session';
import { ensureBuild, startApp, type AppServer } from './helpers/app-server';
import { hasChromium, launchChromium, recordPage, type PageRecord } from './helpers/browser';

describe.skipIf(!hasChromium)('case taxonomy editing', () => {
	let app: AppServer;
	let browser: Browser;
	let page: Page;
	let rec: PageRecord;
	const taxonomy = async () => (await app.fetch(`${app.url}/api/cases/taxonomy`)).json();
	// The page's status line (saved / refused) once the action's answer has replaced the previous one.
	const said = (id: 'taxonomy-saved' | 'taxonomy-error') =>
		expect.poll(() =>
			page
				.getByTestId(id)
				.textContent({ timeout: 500 })
				.catch(() => '')
		);

	beforeAll(async () => {
		ensureBuild();
		app = await startApp();
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(page, app.url, 'admin');
		rec = recordPage(page);
	}, 900_000);

	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});

	it('an admin changes a category’s subclass and adds, renames and (refused while used) deletes departments', async () => {
		await page.goto(`${app.url}/cases/taxonomy`);
		await page.waitForSelector('html[data-hydrated]');
		await page.getByTestId('mapping-dispute').selectOption('E0699');
		await page.getByTestId('mapping-save').click();
		await said('taxonomy-saved').toContain('1 个类别有变化');
		expect((await taxonomy()).categories.find((c: { code: string }) => c.code === 'dispute').subclass_code).toBe('E0699');

		const add = page.getByTestId('department-add');
		await add.locator('input[name="code"]').fill('river');
		await add.locator('input[name="name_zh"]').fill('河道管理处');
		await add.locator('input[name="name_en"]').fill('River management');
		await page.getByTestId('department-add-button').click();
		await said('taxonomy-saved').toContain('部门 river 已保存');
		await page.getByTestId('department-river').waitFor();
		await page.getByTestId('department-river').locator('input[name="name_zh"]').fill('河湖管理处');
		await page.getByTestId('department-rename-river').click();
		await expect
			.poll(async () => (await taxonomy()).departments.find((d: { code: string }) => d.code === 'river'))
			.toEqual({
				code: 'river',
				name_zh: '河湖管理处',
				name_en: 'River management'
			});
		await said('taxonomy-saved').toContain('部门 river 已保存');
		// The new department is offered for subclasses at once.
		expect(await page.locator('[data-testid="subclass-form-E0102"] select[name="department"] option[value="river"]').count()).toBe(1);

		// Refusals: a code taken, and a department subclasses are still dispatched to.
		await add.locator('input[name="code"]').fill('water');
		await add.locator('input[name="name_zh"]').fill('水务');
		await add.locator('input[name="name_en"]').fill('Water');
		await page.getByTestId('department-add-button').click();
		await said('taxonomy-error').toContain('部门编码“water”已存在');
		await expect(add.locator('input[name="code"]').inputValue()).resolves.toBe('water'); // what was typed stays
		await page.getByTestId('department-delete-sanitation').click();
		await said('taxonomy-error').toMatch(/部门“sanitation”仍是小类 .*E0102/);
		await page.screenshot({ path: '/tmp/gridatlas-taxonomy-edit.png', fullPage: true });

		await page.getByTestId('department-delete-river').click();
		await said('taxonomy-saved').toContain('部门 river 已删除');
		expect((await taxonomy()).departments.some((d: { code: string }) => d.code === 'river')).toBe(false);
		expect(rec.errors).toEqual([]);
	});

	it('a viewer reads the mapping and departments without a form, and posting anyway is refused', async () => {
		const viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		await signIn(viewer, app.url, 'viewer');
		try {
			await viewer.goto(`${app.url}/cases/taxonomy`);
			await viewer.waitForSelector('html[data-hydrated]');
			await expect(viewer.getByTestId('mapping-dispute').innerText()).resolves.toContain('E0699');
			await expect(viewer.getByTestId('department-sanitation').innerText()).resolves.toContain('E0102');
			expect(await viewer.locator('main form, main select').count()).toBe(0);
			await viewer.screenshot({ path: '/tmp/gridatlas-taxonomy-viewer.png', fullPage: false });
			const post = async (action: string, body: Record<string, string>) =>
				fetch(`${app.url}/cases/taxonomy?/${action}`, {
					method: 'POST',
					headers: {
						cookie: await sessionCookie(app.url, 'viewer'),
						origin: app.url,
						'content-type': 'application/x-www-form-urlencoded',
						'x-sveltekit-action': 'true'
					},
					body: new URLSearchParams(body)
				});
			expect((await post('department', { op: 'add', code: 'sneaky', name_zh: '偷偷', name_en: 'Sneaky' })).status).toBe(403);
			expect((await post('mapping', { category: 'dispute', subclass: 'E0601' })).status).toBe(403);
			const tax = await taxonomy();
			expect(tax.departments.some((d: { code: string }) => d.code === 'sneaky')).toBe(false);
			expect(tax.categories.find((c: { code: string }) => c.code === 'dispute').subclass_code).toBe('E0699');
		} finally {
			await viewer.close();
		}
	});
});

// Editing the taxonomy's departments and the category → subclass mapping (/cases/taxonomy), on both
// engines: every refusal names what was typed (zh first, then en), every success is one transaction
// and lands in the audit log with the acting party; the subclass edit is audited the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { loadTaxonomy, TaxonomyError, updateSubclass } from '../src/lib/server/cases/taxonomy';
import { checkDepartment, checkMapping, deleteDepartment, saveDepartment, updateMappings } from '../src/lib/server/cases/taxonomy-edit';
import { runAs } from '../src/lib/server/auth/actor';
import { listAudit } from '../src/lib/server/audit';
import { testEngines } from './helpers/engines';

for (const engine of testEngines()) {
	describe(`taxonomy edits on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
		}, 120_000);
		afterAll(() => engine.cleanup());

		const refusal = (fn: () => unknown, code: string, zh: RegExp, en: RegExp) => {
			try {
				fn();
			} catch (err) {
				expect(err).toBeInstanceOf(TaxonomyError);
				expect(err).toMatchObject({ code });
				expect((err as TaxonomyError).zh).toMatch(zh);
				expect((err as TaxonomyError).en).toMatch(en);
				return;
			}
			throw new Error('not refused');
		};

		it('refuses a bad, duplicate or unknown department code and empty names, naming them', async () => {
			const tax = await loadTaxonomy(db);
			refusal(
				() => checkDepartment(tax, { code: 'Water Bureau', name_zh: '水务', name_en: 'Water' }, 'add'),
				'bad_department',
				/部门编码“Water Bureau”无效/,
				/invalid/
			);
			refusal(
				() => checkDepartment(tax, { code: 'water', name_zh: '水务', name_en: 'Water' }, 'add'),
				'duplicate_department',
				/“water”已存在/,
				/already exists/
			);
			refusal(
				() => checkDepartment(tax, { code: 'nasa', name_zh: '航天', name_en: 'Space' }, 'rename'),
				'unknown_department',
				/没有部门“nasa”/,
				/no department "nasa"/
			);
			refusal(
				() => checkDepartment(tax, { code: 'river', name_zh: '  ', name_en: 'River' }, 'add'),
				'bad_department',
				/中文名称不能为空/,
				/Chinese name must not be empty/
			);
			refusal(() => checkDepartment(tax, { code: 'water', name_zh: '水务局', name_en: '' }, 'rename'), 'bad_department', /英文名称不能为空/, /English name/);
			expect(new TaxonomyError('duplicate_department', 'x', 'y').status).toBe(409);
		});

		it('adds and renames a department (trimmed, listed last), audited with the acting party', async () => {
			const add = checkDepartment(await loadTaxonomy(db), { code: ' river ', name_zh: ' 河道管理处 ', name_en: 'River management' }, 'add');
			await runAs('user:admin1', () => db.transaction((tx) => saveDepartment(tx, add, 'add')));
			let tax = await loadTaxonomy(db);
			expect(tax.departments.at(-1)).toEqual({ code: 'river', name_zh: '河道管理处', name_en: 'River management' });
			const rename = checkDepartment(tax, { code: 'river', name_zh: '河湖管理处', name_en: 'Rivers & lakes' }, 'rename');
			await runAs('user:admin1', () => db.transaction((tx) => saveDepartment(tx, rename, 'rename')));
			tax = await loadTaxonomy(db);
			expect(tax.departments.find((d) => d.code === 'river')).toMatchObject({ name_zh: '河湖管理处' });
			const audit = await listAudit(db, { entity: 'case_departments', units: ['*'] });
			expect(audit.entries.map((r) => [r.action, r.actor, r.entity_id, r.after?.name_zh])).toEqual([
				['update', 'user:admin1', 'river', '河湖管理处'],
				['insert', 'user:admin1', 'river', '河道管理处']
			]);
		});

		it('deletes a department no subclass or case uses; refuses one still used, naming the subclasses', async () => {
			await expect(db.transaction((tx) => deleteDepartment(tx, 'nasa'))).rejects.toMatchObject({ code: 'unknown_department' });
			await expect(db.transaction((tx) => deleteDepartment(tx, 'sanitation'))).rejects.toMatchObject({
				code: 'department_in_use',
				zh: expect.stringMatching(/仍是小类 .*E0102.* 的责任部门/)
			});
			// Moved onto the new department, a subclass holds it; moved back, the department can go.
			const tax = await loadTaxonomy(db);
			const sub = tax.subclasses.find((s) => s.code === 'E0102')!;
			const change = { department: 'river', urgentDefault: sub.urgent_default, limits: sub.limits };
			await runAs('user:admin1', () => db.transaction((tx) => updateSubclass(tx, 'E0102', change)));
			await expect(db.transaction((tx) => deleteDepartment(tx, 'river'))).rejects.toMatchObject({ code: 'department_in_use', en: /E0102/ });
			await runAs('user:admin1', () => db.transaction((tx) => updateSubclass(tx, 'E0102', { ...change, department: sub.department_code })));
			const subclassAudit = await listAudit(db, { entity: 'case_subclasses', units: ['*'] });
			expect(subclassAudit.entries.map((r) => [r.entity_id, r.before?.department_code, r.after?.department_code])).toEqual([
				['E0102', 'river', 'sanitation'],
				['E0102', 'sanitation', 'river']
			]);
			await runAs('user:admin1', () => db.transaction((tx) => deleteDepartment(tx, 'river')));
			expect((await loadTaxonomy(db)).departments.some((d) => d.code === 'river')).toBe(false);
			expect((await listAudit(db, { entity: 'case_departments', units: ['*'] })).entries[0]).toMatchObject({ action: 'delete', entity_id: 'river' });
		});

		it('refuses a department a case was handled by, even with no subclass left on it', async () => {
			await db.exec(`
				INSERT INTO case_departments (code, name_zh, name_en) VALUES ('old_dept', '旧部门', 'Old department');
				INSERT INTO cases (source_id, category, status, reported_at, geom) VALUES ('TX-1', 'environment', 'registered', now(), ST_SetSRID(ST_MakePoint(118, 32), 4326));
				INSERT INTO case_ops (case_id, subclass_code, urgent, department_code, registered_at, register_due_at, stage_started_at, stage_due_at, stage_unit)
				SELECT id, 'E0102', false, 'old_dept', now(), now(), now(), now(), 'work_hour' FROM cases WHERE source_id = 'TX-1';
			`);
			await expect(db.transaction((tx) => deleteDepartment(tx, 'old_dept'))).rejects.toMatchObject({
				code: 'department_in_use',
				zh: expect.stringContaining('已处置过 1 件案件')
			});
		});

		it('maps categories onto subclasses: unknown ones refused by name, all in one transaction, audited', async () => {
			const tax = await loadTaxonomy(db);
			refusal(() => checkMapping(tax, 'weather', 'E0102'), 'unknown_category', /没有事件类别“weather”/, /no case category "weather"/);
			refusal(() => checkMapping(tax, 'dispute', 'E9999'), 'unknown_subclass', /“dispute”：没有小类“E9999”/, /no subclass "E9999"/);
			refusal(() => checkMapping(tax, 'dispute', ''), 'unknown_subclass', /没有小类“”/, /pick one/);
			const changed = await runAs('user:admin1', () =>
				db.transaction((tx) =>
					updateMappings(tx, [
						checkMapping(tax, 'dispute', 'E0699'),
						checkMapping(tax, 'environment', tax.categories.find((c) => c.code === 'environment')!.subclass_code!)
					])
				)
			);
			expect(changed).toBe(1); // environment unchanged: not written
			expect((await loadTaxonomy(db)).categories.find((c) => c.code === 'dispute')!.subclass_code).toBe('E0699');
			const audit = await listAudit(db, { entity: 'case_categories', units: ['*'] });
			expect(audit.entries.map((r) => [r.actor, r.entity_id, r.before?.subclass_code, r.after?.subclass_code])).toEqual([
				['user:admin1', 'dispute', 'E0601', 'E0699']
			]);
			// A refusal part-way leaves every mapping as it was (one transaction).
			await expect(
				db.transaction(async (tx) => {
					await updateMappings(tx, [checkMapping(tax, 'dispute', 'E0601')]);
					checkMapping(tax, 'weather', 'E0601');
				})
			).rejects.toMatchObject({ code: 'unknown_category' });
			expect((await loadTaxonomy(db)).categories.find((c) => c.code === 'dispute')!.subclass_code).toBe('E0699');
		});
	});
}

// The case taxonomy (大类 / 小类, CJ/T 214's structure): every subclass with its responsible department,
// whether it is urgent by default and its time limit per stage (立案, 派遣, 处置, 核查, 结案), normal and
// urgent. Administrators ('cases:configure', checked by the route policy for every POST) change a
// subclass, add, rename or delete a department, and map each case category onto a subclass here;
// cases already registered keep the due times and subclass they were given. Each change is one
// transaction, audited by the tables' triggers.
import { requireDb } from '$lib/server/runtime';
import { checkSubclassChange, loadTaxonomy, updateSubclass } from '$lib/server/cases/taxonomy';
import { checkDepartment, checkMapping, deleteDepartment, saveDepartment, updateMappings } from '$lib/server/cases/taxonomy-edit';
import { failFrom } from '$lib/server/http/api-errors';
import { resolveLang } from '$lib/i18n/server';
import { can } from '$lib/auth/capabilities';
import { TIMED_STAGES } from '$geo/cases/ops';
import type { LimitUnit } from '$geo/cases/worktime';
import type { StageLimits } from '$lib/cases/types';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => ({
	lang: resolveLang(url, cookies),
	taxonomy: await loadTaxonomy(requireDb()),
	canEdit: can(locals.user, 'cases:configure')
});

export const actions: Actions = {
	save: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const code = String(form.get('code') ?? '');
		const limits = (kind: 'normal' | 'urgent') =>
			Object.fromEntries(
				TIMED_STAGES.map((stage) => {
					const amount = String(form.get(`${kind}.${stage}.amount`) ?? '').trim();
					return [stage, { amount: amount === '' ? Number.NaN : Number(amount), unit: String(form.get(`${kind}.${stage}.unit`) ?? '') as LimitUnit }];
				})
			) as StageLimits;
		try {
			const db = requireDb();
			const change = checkSubclassChange(await loadTaxonomy(db), code, {
				department: String(form.get('department') ?? ''),
				urgentDefault: form.get('urgent') === 'on',
				limits: { normal: limits('normal'), urgent: limits('urgent') }
			});
			await db.transaction((tx) => updateSubclass(tx, code, change));
			return { saved: code };
		} catch (err) {
			// 400 for every refusal here: limits typed out of range are the request's fault, though the same
			// error about limits read from the database (TaxonomyError 'bad_limits') is 500 on the JSON routes.
			return failFrom(err, resolveLang(url, cookies), { status: 400, fields: { code } });
		}
	},
	/** Adds (op=add), renames (op=rename) or deletes (op=delete) a department. */
	department: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const op = String(form.get('op') ?? '');
		const input = { code: String(form.get('code') ?? ''), name_zh: String(form.get('name_zh') ?? ''), name_en: String(form.get('name_en') ?? '') };
		try {
			const db = requireDb();
			if (op === 'delete') {
				await db.transaction((tx) => deleteDepartment(tx, input.code));
				return { departmentDeleted: input.code };
			}
			const mode = op === 'add' ? 'add' : 'rename';
			await db.transaction(async (tx) => saveDepartment(tx, checkDepartment(await loadTaxonomy(tx), input, mode), mode));
			return { departmentSaved: input.code.trim() };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { fields: { department: input, op } });
		}
	},
	/** The category → subclass mapping, every category at once (one `category` and one `subclass` field per row). */
	mapping: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const categories = form.getAll('category').map(String);
		const subclasses = form.getAll('subclass').map(String);
		try {
			const db = requireDb();
			const changed = await db.transaction(async (tx) => {
				const tax = await loadTaxonomy(tx);
				return updateMappings(
					tx,
					categories.map((c, i) => checkMapping(tax, c, subclasses[i] ?? ''))
				);
			});
			return { mappingSaved: changed };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { fields: { mapping: true } });
		}
	}
};

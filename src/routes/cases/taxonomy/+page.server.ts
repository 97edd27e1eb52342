// The case taxonomy (大类 / 小类, CJ/T 214's structure): every subclass with its responsible department,
// whether it is urgent by default and its time limit per stage (立案, 派遣, 处置, 核查, 结案), normal and
// urgent. Administrators ('cases:configure') change a subclass here; cases already registered keep the
// due times they were given.
import { requireDb } from '$lib/server/runtime';
import { checkSubclassChange, loadTaxonomy, updateSubclass } from '$lib/server/cases/taxonomy';
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
	}
};

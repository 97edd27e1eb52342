// The rule catalogue editor: list, and form actions to save (create or update) and delete a rule.
// Refused rules come back with the per-field reasons and the values typed, nothing saved.
import { requireDb } from '$lib/server/runtime';
import { createRule, deleteRule, listRules, updateRule, RuleValidationError, type RuleFieldError, type RuleInput } from '$lib/server/coverage/rules';
import { listCategories } from '$lib/server/layers/facilities';
import { failFrom } from '$lib/server/http/api-errors';
import type { GridAtlasError } from '$geo/errors';
import { resolveLang } from '$lib/i18n/server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const db = requireDb();
	return { lang: resolveLang(url, cookies), rules: await listRules(db), categories: await listCategories(db) };
};

const num = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(String(v).trim()));

function ruleFromForm(form: FormData): RuleInput {
	const kind = String(form.get('kind') ?? 'distance') as RuleInput['kind'];
	const base: RuleInput = {
		id: String(form.get('id') ?? '').trim(),
		kind,
		nameZh: String(form.get('nameZh') ?? ''),
		nameEn: String(form.get('nameEn') ?? ''),
		level: String(form.get('level') ?? '') as RuleInput['level'],
		requiredSharePct: num(form.get('requiredSharePct')) ?? Number.NaN,
		source: String(form.get('source') ?? ''),
		status: String(form.get('status') ?? '') as RuleInput['status'],
		note: String(form.get('note') ?? ''),
		enabled: form.get('enabled') === 'on'
	};
	if (kind === 'service_space') return { ...base, spacePer100HouseholdsM2: num(form.get('spacePer100HouseholdsM2')) };
	const unit = String(form.get('unit') ?? 'm');
	const capacity: RuleInput =
		kind === 'capacity'
			? {
					capacityAttribute: String(form.get('capacityAttribute') ?? '') as RuleInput['capacityAttribute'],
					demandBasis: String(form.get('demandBasis') ?? 'population') as RuleInput['demandBasis'],
					demandPer: num(form.get('demandPer')),
					capacityPer: num(form.get('capacityPer')) ?? Number.NaN,
					capacityUnitZh: String(form.get('capacityUnitZh') ?? ''),
					capacityUnitEn: String(form.get('capacityUnitEn') ?? ''),
					personsPerHousehold: num(form.get('personsPerHousehold')),
					decay: String(form.get('decay') ?? 'none') as RuleInput['decay'],
					decayBeta: num(form.get('decayBeta'))
				}
			: {};
	return {
		...base,
		...capacity,
		category: String(form.get('category') ?? ''),
		metric: String(form.get('metric') ?? 'straight') as RuleInput['metric'],
		maxDistanceM: unit === 'm' ? (num(form.get('reach')) ?? Number.NaN) : null,
		maxMinutes: unit === 'min' ? (num(form.get('reach')) ?? Number.NaN) : null,
		walkSpeedMPerMin: unit === 'min' ? num(form.get('walkSpeedMPerMin')) : null
	};
}

/** The per-field reasons the rule form shows: a refused rule's own, or the error's text on the id field. */
const fieldErrors = (err: GridAtlasError): RuleFieldError[] =>
	err instanceof RuleValidationError ? err.errors : [{ field: 'id', zh: err.message, en: err.message }];

export const actions: Actions = {
	save: async ({ request, url, cookies }) => {
		const form = await request.formData();
		const isNew = form.get('isNew') === '1';
		const input = ruleFromForm(form);
		try {
			const db = requireDb();
			const rule = await db.transaction((tx) => (isNew ? createRule(tx, input) : updateRule(tx, String(input.id), input)));
			return { saved: rule.id };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { fields: (e) => ({ ruleId: input.id ?? '', isNew, errors: fieldErrors(e), values: input }) });
		}
	},
	delete: async ({ request, url, cookies }) => {
		const id = String((await request.formData()).get('id') ?? '');
		try {
			await deleteRule(requireDb(), id);
			return { deleted: id };
		} catch (err) {
			return failFrom(err, resolveLang(url, cookies), { fields: (e) => ({ ruleId: id, isNew: false, errors: fieldErrors(e) }) });
		}
	}
};

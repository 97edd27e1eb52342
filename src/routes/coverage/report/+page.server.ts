// The printable report: one A4 page per community (map snapshot, rules table, shortfalls), for a
// subdistrict, a level, or one community (?community=…).
import { requireDb } from '$lib/server/runtime';
import { getCoverage } from '$lib/server/coverage';
import { reportPages } from '$lib/server/coverage/views';
import { categoriesByCode } from '$lib/server/layers/facilities';
import { RULE_LEVELS } from '$lib/server/coverage/rules';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const p = url.searchParams;
	const level = p.get('level');
	const db = requireDb();
	const result = await reportPages(db, {
		subdistrict: /^[0-9]{9}$/.test(p.get('subdistrict') ?? '') ? p.get('subdistrict') : null,
		community: /^[0-9]{12}$/.test(p.get('community') ?? '') ? p.get('community') : null,
		level: level && (RULE_LEVELS as readonly string[]).includes(level) ? level : null
	});
	const missingFacilities = await categoriesByCode(db, (await getCoverage(db)).report.missingCategories);
	return { lang: resolveLang(url, cookies), ...result, missingFacilities };
};

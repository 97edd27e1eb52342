// The compliance table: communities × enabled rules for the chosen subdistrict and level. The map
// detail of a cell is fetched by the browser from /api/coverage/cell.
import { requireDb } from '$lib/server/runtime';
import { filterReport, getCoverage } from '$lib/server/coverage';
import { RULE_LEVELS } from '$lib/server/coverage/rules';
import { dataExtent } from '$lib/server/map/geojson';
import { resolveLang } from '$lib/i18n/server';
import { categoriesByCode } from '$lib/server/layers/facilities';
import { subdistrictsWithData } from '$lib/coverage/with-data';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const lang = resolveLang(url, cookies);
	const db = requireDb();
	const { report } = await getCoverage(db);
	// Only subdistricts with buildings mapped: a code list names far more, all "no data".
	const subdistricts = subdistrictsWithData(report);
	const askedSubdistrict = url.searchParams.get('subdistrict');
	const subdistrict = subdistricts.some((s) => s.code === askedSubdistrict) ? askedSubdistrict : null;
	const askedLevel = url.searchParams.get('level');
	const level = askedLevel && (RULE_LEVELS as readonly string[]).includes(askedLevel) ? askedLevel : null;
	const levels = RULE_LEVELS.filter((l) => report.rules.some((r) => r.level === l));
	return {
		lang,
		report: filterReport(report, { subdistrict, level }),
		subdistricts,
		levels,
		subdistrict,
		level,
		cell: url.searchParams.get('cell'),
		extent: await dataExtent(db),
		missingFacilities: await categoriesByCode(db, report.missingCategories)
	};
};

// /m: the grid worker's phone page. Everything it needs to work offline once loaded comes with the
// page: the worker's own grid(s) with their outlines and the case taxonomy (classes, subclasses).
import { requireDb } from '$lib/server/runtime';
import { resolveLang } from '$lib/i18n/server';
import { loadTaxonomy } from '$lib/server/cases/taxonomy';
import { ownGrids } from '$lib/server/worker/grids';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const db = requireDb();
	const tax = await loadTaxonomy(db);
	return {
		lang: resolveLang(url, cookies),
		grids: await ownGrids(db, locals.user!),
		taxonomy: {
			classes: tax.classes,
			subclasses: tax.subclasses.map((s) => ({
				code: s.code,
				class_code: s.class_code,
				name_zh: s.name_zh,
				name_en: s.name_en,
				urgent_default: s.urgent_default
			})),
			categories: tax.categories
		},
		patrolIntervalS: Math.max(5, Number(process.env.GRIDATLAS_PATROL_INTERVAL_S) || 30)
	};
};

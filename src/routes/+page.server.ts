// The map page: the data extent to open on, and what the legend lists. The layers themselves are
// fetched by the browser from /api/layers.
import { requireDb } from '$lib/server/runtime';
import { dataExtent, facilityLegend, layerCounts } from '$lib/server/mapdata';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const lang = resolveLang(url, cookies);
	const db = requireDb();
	const extent = await dataExtent(db);
	const categories = await facilityLegend(db);
	const counts = await layerCounts(db);
	return { lang, extent, categories, counts };
};

// The map page: the view asked for in the URL, what the legend lists, the basemaps the server is
// configured for, and the selected unit's facts (so the panel is there on first paint). The layers
// themselves are fetched by the browser from /api/layers. The case count is the reader's jurisdiction's.
import { requireDb } from '$lib/server/runtime';
import { readerMapSummary } from '$lib/server/map/geojson';
import { readScope } from '$lib/server/auth/scope';
import { caseCategories } from '$lib/server/cases/analysis';
import { versionsFor } from '$lib/server/db/versions';
import { availableBasemaps } from '$lib/server/map/basemaps';
import { CITY_CODE, unitFacts } from '$lib/server/map/units';
import { resolveLang } from '$lib/i18n/server';
import { parseViewState } from '$lib/map/view-state';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const lang = resolveLang(url, cookies);
	const db = requireDb();
	const view = parseViewState(url.searchParams);
	const { extent, categories, counts } = await readerMapSummary(db, await versionsFor(db), readScope(locals.user));
	// An unknown code in a link opens the city rather than an error page, and the page says so.
	const asked = url.searchParams.get('unit');
	const found = view.unit ? await unitFacts(db, view.unit) : null;
	const unit = found ?? (await unitFacts(db, CITY_CODE));
	const unknownUnit = asked && asked !== CITY_CODE && !found ? asked.slice(0, 40) : null;
	return { lang, extent, categories, counts, basemaps: availableBasemaps(), view, unit, unknownUnit, caseCategories: await caseCategories(db) };
};

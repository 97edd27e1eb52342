// The monthly (or daily, or any range's) scorecard as a page that prints on A4, with its CSV beside it.
import { error } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { buildScorecard, scorecardQuery, SchemeError } from '$lib/server/cases/scorecard';
import { wallScope } from '$lib/server/wall';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const db = requireDb();
	const scope = readScope(locals.user);
	try {
		const card = await buildScorecard(db, scorecardQuery(url.searchParams), scope);
		return { lang: resolveLang(url, cookies), card, scopeUnits: await wallScope(db, null, scope) };
	} catch (err) {
		if (err instanceof SchemeError) error(400, err.message);
		throw err;
	}
};

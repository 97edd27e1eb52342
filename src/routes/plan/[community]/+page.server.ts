// The planner's editor for one community: the plan it opens (grids, buildings, boundary, band,
// neighbours, roads, revisions) and the buildings whose household count looks wrong. Everything
// after that goes through /api/plans/<community>.
import { error } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { beijingToday, loadPlan, PlanInputError } from '$lib/server/plans';
import { resolveLang } from '$lib/i18n/server';
import { implausibleHouseholds } from '$lib/server/readiness/household-checks';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, cookies }) => {
	const lang = resolveLang(url, cookies);
	try {
		const db = requireDb();
		const plan = await loadPlan(db, params.community);
		return { lang, plan, today: beijingToday(), doubtful: await implausibleHouseholds(db, { community: params.community }) };
	} catch (err) {
		if (err instanceof PlanInputError) error(err.status, err.message);
		throw err;
	}
};

// Network scenarios: the saved scenarios and where the walking network lies (the map's start); saving,
// comparing and deleting go through /api/scenarios.
import { requireDb } from '$lib/server/runtime';
import { listScenarios } from '$lib/server/scenarios';
import { getWalkGraph } from '$lib/server/map/walk-network';
import { graphBounds } from '$geo/network/graph';
import { resolveLang } from '$lib/i18n/server';
import { can } from '$lib/auth/capabilities';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const db = requireDb();
	return {
		lang: resolveLang(url, cookies),
		scenarios: await listScenarios(db),
		bounds: graphBounds(await getWalkGraph(db)),
		canEdit: can(locals.user, 'plans:write')
	};
};

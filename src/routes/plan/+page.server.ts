// The planning index (the header's 网格规划): the communities the reader may open in the editor,
// those it may change marked. Reading is allowed inside the jurisdiction (and above it, where there
// is no community to plan), so only communities inside are listed.
import { requireDb } from '$lib/server/runtime';
import { communitiesForPlanning } from '$lib/server/map/units';
import { readScope } from '$lib/server/auth/scope';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => ({
	lang: resolveLang(url, cookies),
	communities: await communitiesForPlanning(requireDb(), readScope(locals.user))
});

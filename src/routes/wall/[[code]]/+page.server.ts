// The wall screen (大屏, issue 8): /wall for the whole city, /wall/<subdistrict code> for one
// subdistrict. Everything on first paint: the unit's base data, coverage compliance, life circle and
// the live KPIs; the page then follows the case stream. ?cols=&rows= tiles the layout over a video
// wall, ?tour=1&interval=30 tours the communities. Case figures are of the reader's jurisdiction
// only; `scope` names it when it is narrower than the wall's unit (the page says so).
import { error, redirect } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { isWallUnit, wallBase, wallLive, wallScope } from '$lib/server/wall';
import { readScope } from '$lib/server/auth/scope';
import { resolveLang } from '$lib/i18n/server';
import { parseWallOptions } from '$lib/wall/options';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, cookies, locals }) => {
	const lang = resolveLang(url, cookies);
	const code = params.code ?? null;
	// The city wall is for whole-city accounts; others go to the wall of their (first) unit's
	// subdistrict, whose case figures then cover their jurisdiction only.
	const scope = readScope(locals.user);
	if (code === null && scope !== null) {
		if (scope.length) redirect(303, `/wall/${scope[0].slice(0, 9)}${url.search}`);
		error(403, '您没有辖区，无法查看大屏 / you have no jurisdiction, so no wall to show');
	}
	if (code !== null && !isWallUnit(code)) error(404, `大屏只支持街道编码（9 位）/ the wall takes a 9-digit subdistrict code: ${code}`);
	const db = requireDb();
	const [base, live, scopeUnits] = await Promise.all([wallBase(db, code), wallLive(db, code, scope), wallScope(db, code, scope)]);
	if (!base) error(404, `未找到街道 ${code} / no subdistrict ${code}`);
	return { lang, code, base, live, scope: scopeUnits, options: parseWallOptions(url.searchParams) };
};

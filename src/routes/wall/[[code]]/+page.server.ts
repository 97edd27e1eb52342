// The wall screen (大屏, issue 8): /wall for the whole city, /wall/<subdistrict code> for one
// subdistrict. Everything on first paint: the unit's base data, coverage compliance, life circle and
// the live KPIs; the page then follows the case stream. ?cols=&rows= tiles the layout over a video
// wall, ?tour=1&interval=30 tours the communities.
import { error, redirect } from '@sveltejs/kit';
import { wholeCity } from '$lib/auth/capabilities';
import { requireDb } from '$lib/server/runtime';
import { isWallUnit, wallBase, wallLive } from '$lib/server/wall';
import { resolveLang } from '$lib/i18n/server';
import { parseWallOptions } from '$lib/wall/options';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, cookies, locals }) => {
	const lang = resolveLang(url, cookies);
	const code = params.code ?? null;
	// The city wall is for whole-city accounts; others go to the wall of their (first) subdistrict.
	const units = locals.user?.units ?? [];
	if (code === null && !wholeCity(units)) {
		const sub = units.find((u) => u.length === 9);
		if (sub) redirect(303, `/wall/${sub}${url.search}`);
		error(403, '大屏按街道显示，您的辖区不是整个街道 / wall screens show whole subdistricts; your jurisdiction is smaller');
	}
	if (code !== null && !isWallUnit(code)) error(404, `大屏只支持街道编码（9 位）/ the wall takes a 9-digit subdistrict code: ${code}`);
	const db = requireDb();
	const [base, live] = await Promise.all([wallBase(db, code), wallLive(db, code)]);
	if (!base) error(404, `未找到街道 ${code} / no subdistrict ${code}`);
	return { lang, code, base, live, options: parseWallOptions(url.searchParams) };
};

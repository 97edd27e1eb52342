// The wall screen (大屏, issue 8): /wall for the whole city, /wall/<subdistrict code> for one
// subdistrict. Everything on first paint: the unit's base data, coverage compliance, life circle and
// the live KPIs; the page then follows the case stream. ?cols=&rows= tiles the layout over a video
// wall, ?tour=1&interval=30 tours the communities.
import { error } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { isWallUnit, wallBase, wallLive } from '$lib/server/wall';
import { resolveLang } from '$lib/i18n/server';
import { parseWallOptions } from '$lib/wall/options';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, cookies }) => {
	const lang = resolveLang(url, cookies);
	const code = params.code ?? null;
	if (code !== null && !isWallUnit(code)) error(404, `大屏只支持街道编码（9 位）/ the wall takes a 9-digit subdistrict code: ${code}`);
	const db = requireDb();
	const [base, live] = await Promise.all([wallBase(db, code), wallLive(db, code)]);
	if (!base) error(404, `未找到街道 ${code} / no subdistrict ${code}`);
	return { lang, code, base, live, options: parseWallOptions(url.searchParams) };
};

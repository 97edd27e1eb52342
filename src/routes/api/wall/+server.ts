// GET /api/wall[?unit=<9-digit subdistrict code>] → the wall screen's live part: KPIs (today, in
// progress, overdue, closure and on-time rates, by category, 7 days, 12 months) and the unit's latest
// cases, of the reader's jurisdiction only (a community's leader on its subdistrict's wall sees its own
// cases). The wall asks again (debounced) whenever the case stream reports new cases.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError } from '$lib/server/http/api-errors';
import { isWallUnit, wallLive } from '$lib/server/wall';
import { readScope } from '$lib/server/auth/scope';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const unit = url.searchParams.get('unit') || null;
	if (unit && !isWallUnit(unit)) return apiError(400, '单元编码应为 9 位街道编码 / unit must be a 9-digit subdistrict code', { code: 'bad_unit' });
	return json(await wallLive(requireDb(), unit, readScope(locals.user)), { headers: { 'cache-control': 'no-store' } });
};

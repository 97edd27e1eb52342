// GET /api/coverage/cell?community=<12 digits>&rule=<id> → the map detail of one table cell: the
// category's facilities that reach the community, its buildings (covered or not, distance, nearest
// facility) and the per-grid results.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { cellDetail } from '$lib/server/coverage';
import { apiError, apiErrorFrom } from '$lib/server/api-errors';
import { requiredUnitCode } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const community = requiredUnitCode(url.searchParams.get('community'), 'community', ['community']);
	const rule = url.searchParams.get('rule') ?? '';
	if (!rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	try {
		return json(await cellDetail(requireDb(), community, rule), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

// GET /api/coverage/cell?community=<12 digits>&rule=<id> → the map detail of one table cell: the
// category's facilities that reach the community, its buildings (covered or not, distance, nearest
// facility) and the per-grid results; for a capacity rule, its facilities' capacity against the
// demand within their reach.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { cellDetail } from '$lib/server/coverage';
import { capacityCellDetail } from '$lib/server/coverage/views';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { requiredUnitCode } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const community = requiredUnitCode(url.searchParams.get('community'), 'community', ['community']);
	const rule = url.searchParams.get('rule') ?? '';
	if (!rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	try {
		const db = requireDb();
		// A capacity rule's cell: its facilities against the demand within their reach (kind: 'capacity').
		const detail = (await capacityCellDetail(db, community, rule)) ?? (await cellDetail(db, community, rule));
		return json(detail, { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

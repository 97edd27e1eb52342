// GET /api/coverage/whatif?rule=<id> → the data a browser what-if needs for a straight-line rule's
// category (every building as columns, communities, the category's facilities and rules); the
// browser then adds, removes or moves facilities with geo/coverage's CoverageWhatIf and re-checks only
// buildings within reach.
// POST /api/coverage/whatif { rule, community, added: [{lon, lat}], removed: [facility ids] } → for a
// walking rule, the exact network answer: the cells that change, and the community's buildings'
// new walking distances.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { whatIfData, whatIfWalk } from '$lib/server/coverage';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { requiredUnitCode } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const rule = url.searchParams.get('rule');
	if (!rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	try {
		return json(await whatIfData(requireDb(), rule), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

const MAX_CHANGES = 200;

export const POST: RequestHandler = async ({ request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	const b = (read.body ?? {}) as { rule?: unknown; community?: unknown; added?: unknown; removed?: unknown };
	if (typeof b.rule !== 'string' || !b.rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	const community = requiredUnitCode(typeof b.community === 'string' ? b.community : null, 'community', ['community']);
	const added = b.added ?? [];
	const removed = b.removed ?? [];
	if (!Array.isArray(added) || !Array.isArray(removed) || added.length + removed.length > MAX_CHANGES) {
		return apiError(400, `added、removed 应为列表，合计不超过 ${MAX_CHANGES} 项 / added and removed must be lists of at most ${MAX_CHANGES} changes`, {
			code: 'bad_changes'
		});
	}
	const bad = added.findIndex((p) => !p || typeof p.lon !== 'number' || typeof p.lat !== 'number' || Math.abs(p.lon) > 180 || Math.abs(p.lat) > 90);
	if (bad >= 0) return apiError(400, `第 ${bad + 1} 个新增设施坐标无效 / added facility ${bad + 1} has invalid coordinates`, { code: 'bad_changes' });
	try {
		return json(await whatIfWalk(requireDb(), { rule: b.rule, community, added, removed: removed.map(String) }));
	} catch (err) {
		return apiErrorFrom(err);
	}
};

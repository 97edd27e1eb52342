// POST /api/coverage/suggest { community, rule, k?, candidates?: [{lon, lat, id?}] } → k new sites
// chosen greedily to cover the most uncovered households of that community, with households gained
// per site, each with the nearest named road (to find it on the ground). Without candidates, the
// community's buildings are the candidate sites.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { suggestForCell } from '$lib/server/coverage';
import { nearestRoadNames } from '$lib/server/layers/roads';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { requiredUnitCode } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

const MAX_CANDIDATES = 20000;

export const POST: RequestHandler = async ({ request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	const body = (read.body ?? {}) as { community?: unknown; rule?: unknown; k?: unknown; candidates?: unknown };
	const community = requiredUnitCode(typeof body.community === 'string' ? body.community : null, 'community', ['community']);
	if (typeof body.rule !== 'string' || !body.rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	let candidates: { lon: number; lat: number; id?: string }[] | undefined;
	if (body.candidates !== undefined) {
		if (!Array.isArray(body.candidates) || body.candidates.length === 0 || body.candidates.length > MAX_CANDIDATES) {
			return apiError(400, `候选地点应为 1–${MAX_CANDIDATES} 个 {lon, lat} / candidates must be a list of 1–${MAX_CANDIDATES} {lon, lat}`, {
				code: 'bad_candidates'
			});
		}
		const bad = body.candidates.findIndex((c) => !c || typeof c.lon !== 'number' || typeof c.lat !== 'number' || Math.abs(c.lon) > 180 || Math.abs(c.lat) > 90);
		if (bad >= 0) return apiError(400, `第 ${bad + 1} 个候选地点坐标无效 / candidate ${bad + 1} has invalid coordinates`, { code: 'bad_candidates' });
		candidates = body.candidates.map((c, i) => ({ lon: c.lon, lat: c.lat, id: c.id === undefined ? `candidate-${i + 1}` : String(c.id) }));
	}
	const k = body.k === undefined ? 3 : Number(body.k);
	try {
		const db = requireDb();
		const result = await suggestForCell(db, community, body.rule, k, candidates);
		const roads = await nearestRoadNames(db, result.suggestions);
		return json({ ...result, suggestions: result.suggestions.map((s, i) => ({ ...s, road: roads[i] })) });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

// POST /api/coverage/suggest { community, rule, k?, candidates?: [{lon, lat, id?, capacity?}], method?, timeLimitS? }
// → new sites for that community's uncovered households, each with households gained and the nearest
// named road (to find it on the ground). method 'greedy' (default): k sites chosen one by one; 'mclp':
// the k sites covering the most households, proven optimal within timeLimitS (1–30 s, default 5) or
// the best found with its gap; 'lscp': the fewest sites covering every household a candidate reaches.
// The optimal methods answer `optimal` too: status, gap, bound and what the greedy leaves on the table.
// Without candidates, the community's buildings are the candidate sites.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { MAX_TIME_LIMIT_S, suggestForCell, type SiteInput, type SuggestMethod } from '$lib/server/coverage';
import { nearestRoadNames } from '$lib/server/layers/roads';
import { apiError, apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { requiredUnitCode } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

const MAX_CANDIDATES = 20000;
const METHODS: SuggestMethod[] = ['greedy', 'mclp', 'lscp'];

type Body = { community?: unknown; rule?: unknown; k?: unknown; candidates?: unknown; method?: unknown; timeLimitS?: unknown };

/** The candidate sites of the body (undefined: the community's buildings), or the refusal. */
function readCandidates(value: unknown): { candidates?: SiteInput[] } | { error: Response } {
	if (value === undefined) return {};
	const refuse = (message: string) => ({ error: apiError(400, message, { code: 'bad_candidates' }) });
	if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CANDIDATES) {
		return refuse(`候选地点应为 1–${MAX_CANDIDATES} 个 {lon, lat} / candidates must be a list of 1–${MAX_CANDIDATES} {lon, lat}`);
	}
	const bad = value.findIndex((c) => !c || typeof c.lon !== 'number' || typeof c.lat !== 'number' || Math.abs(c.lon) > 180 || Math.abs(c.lat) > 90);
	if (bad >= 0) return refuse(`第 ${bad + 1} 个候选地点坐标无效 / candidate ${bad + 1} has invalid coordinates`);
	const badCap = value.findIndex((c) => c.capacity !== undefined && !(typeof c.capacity === 'number' && Number.isFinite(c.capacity) && c.capacity >= 0));
	if (badCap >= 0) return refuse(`第 ${badCap + 1} 个候选地点的容量须为非负数 / candidate ${badCap + 1} must have a non-negative capacity`);
	return {
		candidates: value.map((c, i) => ({
			lon: c.lon,
			lat: c.lat,
			id: c.id === undefined ? `candidate-${i + 1}` : String(c.id),
			...(c.capacity !== undefined ? { capacity: c.capacity } : {})
		}))
	};
}

export const POST: RequestHandler = async ({ request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	const body = (read.body ?? {}) as Body;
	const community = requiredUnitCode(typeof body.community === 'string' ? body.community : null, 'community', ['community']);
	if (typeof body.rule !== 'string' || !body.rule) return apiError(400, '缺少规则编号 / rule is required', { code: 'bad_rule' });
	const method = (body.method ?? 'greedy') as SuggestMethod;
	if (!METHODS.includes(method)) {
		return apiError(400, `求解方式须为 ${METHODS.join(' / ')} 之一 / method must be one of ${METHODS.join(', ')}`, { code: 'bad_method' });
	}
	const timeLimitS = body.timeLimitS === undefined ? undefined : Number(body.timeLimitS);
	if (timeLimitS !== undefined && !(typeof body.timeLimitS === 'number' && timeLimitS >= 1 && timeLimitS <= MAX_TIME_LIMIT_S)) {
		return apiError(400, `求解时限须为 1–${MAX_TIME_LIMIT_S} 秒 / timeLimitS must be 1–${MAX_TIME_LIMIT_S} seconds`, { code: 'bad_time_limit' });
	}
	const sites = readCandidates(body.candidates);
	if ('error' in sites) return sites.error;
	const k = body.k === undefined ? 3 : Number(body.k);
	try {
		const db = requireDb();
		const result = await suggestForCell(db, community, body.rule, k, sites.candidates, { method, timeLimitS });
		const roads = await nearestRoadNames(db, result.suggestions);
		return json({ ...result, suggestions: result.suggestions.map((s, i) => ({ ...s, road: roads[i] })) });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

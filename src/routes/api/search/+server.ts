// GET /api/search?q=<name or code>[&limit=10] → { query, hits: [{kind, code, name, parentName, hasBoundary}], truncated }.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { SEARCH_DEFAULT_LIMIT, searchUnits } from '$lib/server/map/search';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const q = url.searchParams.get('q') ?? '';
	const limit = Number(url.searchParams.get('limit') ?? SEARCH_DEFAULT_LIMIT);
	const result = await searchUnits(requireDb(), q, Number.isFinite(limit) ? limit : SEARCH_DEFAULT_LIMIT);
	return json(result, { headers: { 'cache-control': 'no-store' } });
};

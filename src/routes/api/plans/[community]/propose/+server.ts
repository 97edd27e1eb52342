// POST /api/plans/<community>/propose {mode?: propose|rebalance, target?, band?, grids?} → a draft
// proposal (not saved): grids, households per grid, balance statistics, feasibility with the reason,
// and its validation.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiErrorFrom, readJson } from '$lib/server/http/api-errors';
import { proposePlan } from '$lib/server/plans';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request }) => {
	const read = await readJson(request);
	if ('error' in read) return read.error;
	try {
		return json(await proposePlan(requireDb(), params.community, (read.body ?? {}) as Record<string, unknown>), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

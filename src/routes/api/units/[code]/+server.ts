// GET /api/units/<code> → the facts of one unit: "city" for the totals, or a 9-digit subdistrict,
// 12-digit community or 15-digit grid code (see UnitFacts in $lib/server/map/units).
import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http/api-errors';
import { requireDb } from '$lib/server/runtime';
import { unitFacts, unitKindOf } from '$lib/server/map/units';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	if (!unitKindOf(params.code)) {
		return apiError(400, `编码格式错误 / bad code "${params.code.slice(0, 40)}": expected "city" or a 9-, 12- or 15-digit code`, { code: 'bad_code' });
	}
	const facts = await unitFacts(requireDb(), params.code);
	if (!facts) return apiError(404, `未找到 / no unit with code ${params.code}`, { code: 'unknown_unit' });
	return json(facts, { headers: { 'cache-control': 'no-store' } });
};

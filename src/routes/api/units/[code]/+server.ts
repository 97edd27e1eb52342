// GET /api/units/<code> → the facts of one unit: "city" for the totals, or a 9-digit subdistrict,
// 12-digit community or 15-digit grid code (see UnitFacts in $lib/server/map/units).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { unitFacts, unitKindOf } from '$lib/server/map/units';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params }) => {
	if (!unitKindOf(params.code)) {
		return json({ message: `编码格式错误 / bad code "${params.code}": expected "city" or a 9-, 12- or 15-digit code` }, { status: 400 });
	}
	const facts = await unitFacts(requireDb(), params.code);
	if (!facts) return json({ message: `未找到 / no unit with code ${params.code}` }, { status: 404 });
	return json(facts, { headers: { 'cache-control': 'no-store' } });
};

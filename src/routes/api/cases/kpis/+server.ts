// GET /api/cases/kpis[?unit=<subdistrict or community code>] → cases today, in progress, overdue,
// closure rate (closed ÷ due), on-time closure rate, by category, grid, day (7) and month (12).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { caseKpis } from '$lib/server/case-analysis';
import { readScope } from '$lib/server/auth/scope';
import { apiError } from '$lib/server/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const unit = url.searchParams.get('unit');
	if (unit && !/^[0-9]{9}([0-9]{3})?$/.test(unit)) return apiError(400, '单元编码应为 9 位街道或 12 位社区编码 / unit must be a 9-digit subdistrict or 12-digit community code', { code: 'bad_unit' });
	return json(await caseKpis(requireDb(), new Date(), unit, readScope(locals.user)), { headers: { 'cache-control': 'no-store' } });
};

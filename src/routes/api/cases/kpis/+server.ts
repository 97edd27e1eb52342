// GET /api/cases/kpis[?unit=<subdistrict or community code>] → cases today, in progress, overdue,
// closure rate (closed ÷ due), on-time closure rate, by category, grid, day (7) and month (12).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { caseKpis } from '$lib/server/cases/analysis';
import { readScope } from '$lib/server/auth/scope';
import { unitCodeParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const unit = unitCodeParam(url.searchParams.get('unit'), 'unit', ['subdistrict', 'community']);
	return json(await caseKpis(requireDb(), new Date(), unit, readScope(locals.user)), { headers: { 'cache-control': 'no-store' } });
};

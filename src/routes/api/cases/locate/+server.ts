// GET /api/cases/locate?lon=&lat=&reported=&category= → {id} of the case a point of the map's points
// view stands for (the binary columns carry no ids: a point is its position, reported second and
// category). 400 a missing or bad parameter; 404 no such case of the reader's (one outside the
// jurisdiction reads as none).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { findCaseAt } from '$lib/server/cases/lookup';
import { apiError } from '$lib/server/http/api-errors';
import { degreesParam, timeParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const p = url.searchParams;
	const lon = degreesParam(p.get('lon'), 'lon', 180);
	const lat = degreesParam(p.get('lat'), 'lat', 90);
	const reportedAt = timeParam(p.get('reported'), 'reported');
	const category = p.get('category')?.trim() ?? '';
	if (!reportedAt || !category || category.length > 100)
		return apiError(400, '需要 reported（上报时间）和 category（类别）/ reported (time) and category are required', { code: 'bad_point' });
	const id = await findCaseAt(requireDb(), { lon, lat, reportedAt, category }, readScope(locals.user));
	return id ? json({ id }, { headers: { 'cache-control': 'no-store' } }) : apiError(404, '此处没有该案件 / no such case here', { code: 'unknown_case' });
};

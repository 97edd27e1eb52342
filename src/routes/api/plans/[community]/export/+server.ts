// GET /api/plans/<community>/export?format=geojson|csv[&revision=<id>] → the community's grids in
// force (or a revision's) with codes and households, as a download.
import { requireDb } from '$lib/server/runtime';
import { apiError } from '$lib/server/api-errors';
import { exportPlan } from '$lib/server/plans';
import { planErrorResponse, positiveInt } from '$lib/server/plans-http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const format = url.searchParams.get('format') ?? 'geojson';
	if (format !== 'geojson' && format !== 'csv')
		return apiError(400, `格式须为 geojson 或 csv（暂不支持 Shapefile），收到 “${format}” / format must be geojson or csv (no Shapefile yet), got "${format}"`, { code: 'bad_format' });
	const asked = url.searchParams.get('revision');
	const revision = asked === null || asked === '' ? null : positiveInt(asked);
	if (asked && revision === null) return apiError(400, `版本编号应为正整数，收到 “${asked}” / a revision id is a positive whole number, got "${asked}"`, { code: 'bad_revision' });
	try {
		const file = await exportPlan(requireDb(), params.community, format, revision);
		return new Response(file.body, {
			headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.fileName}"`, 'cache-control': 'no-store' }
		});
	} catch (err) {
		return planErrorResponse(err);
	}
};

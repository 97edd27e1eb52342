// GET /api/plans/<community>/export?format=geojson|csv|shp[&revision=<id>] → the community's grids in
// force (or a revision's) with codes and households, as a download (shp: a zipped Shapefile).
import { requireDb } from '$lib/server/runtime';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { exportPlan } from '$lib/server/plans';
import { positiveInt } from '$lib/server/plans/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const format = url.searchParams.get('format') ?? 'geojson';
	if (format !== 'geojson' && format !== 'csv' && format !== 'shp')
		return apiError(400, `格式须为 geojson、csv 或 shp，收到 “${format}” / format must be geojson, csv or shp, got "${format}"`, { code: 'bad_format' });
	const asked = url.searchParams.get('revision');
	const revision = asked === null || asked === '' ? null : positiveInt(asked);
	if (asked && revision === null)
		return apiError(400, `版本编号应为正整数，收到 “${asked}” / a revision id is a positive whole number, got "${asked}"`, { code: 'bad_revision' });
	try {
		const file = await exportPlan(requireDb(), params.community, format, revision);
		return new Response(file.body as BodyInit, {
			headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.fileName}"`, 'cache-control': 'no-store' }
		});
	} catch (err) {
		return apiErrorFrom(err);
	}
};

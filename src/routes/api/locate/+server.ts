import { error, json, type RequestHandler } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { locatePoint } from '$lib/server/layers/hierarchy';

/** GET /api/locate?lon=118.78&lat=32.04 → the subdistrict, community and grid holding the point (WGS-84). */
export const GET: RequestHandler = async ({ url }) => {
	const lon = Number(url.searchParams.get('lon'));
	const lat = Number(url.searchParams.get('lat'));
	if (!url.searchParams.has('lon') || !url.searchParams.has('lat') || !Number.isFinite(lon) || !Number.isFinite(lat)) {
		error(400, { message: '需要数字参数 lon 和 lat（WGS-84）/ lon and lat (WGS-84 numbers) are required', code: 'bad_coordinates' });
	}
	if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
		error(400, {
			message: `坐标超出范围 / coordinates out of range: lon ${lon}, lat ${lat}${Math.abs(lat) > 90 && Math.abs(lon) <= 90 ? ' — 经纬度可能写反了 / lon and lat look swapped' : ''}`,
			code: 'bad_coordinates'
		});
	}
	return json(await locatePoint(requireDb(), lon, lat));
};

// GET /api/layers/<layer>[?bbox=minx,miny,maxx,maxy][&labels=1][&code=<unit code>] → GeoJSON
// FeatureCollection (code: one subdistrict, community or grid). The cases layer holds the reader's
// jurisdiction's cases only.
import { requireDb } from '$lib/server/runtime';
import { MAP_LAYERS, isMapLayer, layerGeoJSON, parseBBox } from '$lib/server/map/geojson';
import { readScope } from '$lib/server/auth/scope';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';
import { streamedJson } from '$lib/server/http/json-stream';

export const GET: RequestHandler = async ({ params, url, locals }) => {
	if (!isMapLayer(params.layer)) {
		return apiError(404, `未知图层 / unknown layer "${params.layer.slice(0, 40)}"; known: ${MAP_LAYERS.join(', ')}`, { code: 'unknown_layer' });
	}
	const bboxText = url.searchParams.get('bbox');
	const bbox = bboxText === null ? undefined : parseBBox(bboxText);
	if (bbox === null) {
		return apiError(400, `bbox 格式错误 / bad bbox "${String(bboxText).slice(0, 80)}": expected minLon,minLat,maxLon,maxLat in WGS-84`, { code: 'bad_bbox' });
	}
	const labels = url.searchParams.get('labels') === '1';
	const code = url.searchParams.get('code') ?? undefined;
	try {
		const collection = await layerGeoJSON(requireDb(), params.layer, { bbox, labels, code, scope: readScope(locals.user) });
		return streamedJson(collection, { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

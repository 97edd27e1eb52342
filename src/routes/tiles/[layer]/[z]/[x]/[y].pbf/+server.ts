// GET /tiles/{layer}/{z}/{x}/{y}.pbf[?crs=gcj02] → Mapbox Vector Tile (see $lib/server/map/tiles for both engines;
// gcj02: shifted to line up with a Chinese basemap).
import { requireDb } from '$lib/server/runtime';
import { serveTile } from '$lib/server/map/tiles';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, request, url }) => {
	const r = await serveTile(requireDb(), params, request.headers.get('if-none-match'), url.searchParams.get('crs'));
	return new Response(r.body as BodyInit | null, { status: r.status, headers: r.headers });
};

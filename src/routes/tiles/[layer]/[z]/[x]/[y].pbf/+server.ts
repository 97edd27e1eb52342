// GET /tiles/{layer}/{z}/{x}/{y}.pbf → Mapbox Vector Tile (see $lib/server/tiles for both engines).
import { requireDb } from '$lib/server/runtime';
import { serveTile } from '$lib/server/tiles';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, request }) => {
	const r = await serveTile(requireDb(), params, request.headers.get('if-none-match'));
	return new Response(r.body as BodyInit | null, { status: r.status, headers: r.headers });
};

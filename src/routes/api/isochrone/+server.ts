// GET /api/isochrone?lon=&lat= (or ?community=<code> | ?building=<id> | ?facility=<id>)&minutes=5,10,15&speed=65
// (or &profile=slow) → walking isochrones as a
// GeoJSON FeatureCollection (one polygon per number of minutes, smallest first, with the area, the
// straight-line circle's area and their ratio). Bad input → 400, no walking network yet → 409, both
// as {"code", "message"} (the one API error shape) with a Chinese / English message.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { serveIsochrone } from '$lib/server/map/walk-network';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const { status, body } = await serveIsochrone(requireDb(), url.searchParams);
	return json(body, { status, headers: { 'cache-control': 'no-store' } });
};

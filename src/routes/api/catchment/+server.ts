// GET /api/catchment?facility=<id>&minutes=15[&speed=65|&profile=slow] → what one facility serves on
// foot: its isochrone (area, walkable share of the circle) and the buildings and households it reaches.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { getCoverage } from '$lib/server/coverage';
import { facilityServes } from '$lib/server/coverage/walk';
import { WALK_PROFILES } from '$lib/server/map/walk-network';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const p = url.searchParams;
	const facility = p.get('facility');
	if (!facility) return apiError(400, '缺少设施编号 facility / facility is required', { code: 'bad_facility' });
	const minutes = Number(p.get('minutes') ?? 15);
	const profile = p.get('profile');
	if (profile !== null && !(profile in WALK_PROFILES))
		return apiError(400, `未知步行档位 ${profile} / unknown walking profile ${profile}`, { code: 'bad_speed' });
	const speed = p.has('speed') ? Number(p.get('speed')) : WALK_PROFILES[profile ?? 'default'];
	try {
		const db = requireDb();
		const { buildings } = await getCoverage(db);
		return json(await facilityServes(db, buildings, facility, minutes, speed), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

// GET /api/life-circle[?speed=65][&community=<12 digits>][&subdistrict=<9 digits>] → the 5/10/15-minute
// walking life-circle completeness per community (categories reached, share of households, missing
// categories) and the per-subdistrict share of households with a complete 15-minute circle.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { lifeCircles } from '$lib/server/coverage/life-circle';
import { apiError, apiErrorFrom } from '$lib/server/http/api-errors';
import { unitCodeParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url }) => {
	const p = url.searchParams;
	const speed = p.has('speed') ? Number(p.get('speed')) : undefined;
	const community = unitCodeParam(p.get('community'), 'community', ['community']);
	const subdistrict = unitCodeParam(p.get('subdistrict'), 'subdistrict', ['subdistrict']);
	try {
		const report = await lifeCircles(requireDb(), speed);
		const communities = report.communities.filter((c) => (!community || c.code === community) && (!subdistrict || c.subdistrictCode === subdistrict));
		if (community && communities.length === 0) return apiError(404, `未找到社区 ${community} / no community ${community}`, { code: 'unknown_community' });
		const subdistricts = report.subdistricts.filter((s) => (!subdistrict || s.code === subdistrict) && (!community || community.startsWith(s.code)));
		return json({ ...report, communities, subdistricts }, { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		return apiErrorFrom(err);
	}
};

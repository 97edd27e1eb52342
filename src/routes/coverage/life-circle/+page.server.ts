// The life-circle completeness table (walking 5/10/15 minutes) and the subdistrict summary.
import { requireDb } from '$lib/server/runtime';
import { lifeCircles, LifeCircleError } from '$lib/server/coverage/life-circle';
import { resolveLang } from '$lib/i18n/server';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const lang = resolveLang(url, cookies);
	const asked = Number(url.searchParams.get('speed') ?? WALK_SPEED_M_PER_MIN);
	const speed = asked > 0 && asked <= 200 ? asked : WALK_SPEED_M_PER_MIN;
	try {
		return { lang, speed, report: await lifeCircles(requireDb(), speed), error: null };
	} catch (err) {
		if (err instanceof LifeCircleError) return { lang, speed, report: null, error: err.message };
		throw err;
	}
};

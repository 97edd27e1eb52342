// The life-circle completeness table (walking 5/10/15 minutes) and the subdistrict summary.
import { requireDb } from '$lib/server/runtime';
import { lifeCircles, LifeCircleError } from '$lib/server/life-circle';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies }) => {
	const lang = resolveLang(url, cookies);
	const asked = Number(url.searchParams.get('speed') ?? 75);
	const speed = asked > 0 && asked <= 200 ? asked : 75;
	try {
		return { lang, speed, report: await lifeCircles(requireDb(), speed), error: null };
	} catch (err) {
		if (err instanceof LifeCircleError) return { lang, speed, report: null, error: err.message };
		throw err;
	}
};

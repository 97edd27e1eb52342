// /patrol: leaders' and admins' view of the grid workers' patrols — a day's figures for every worker
// of the jurisdiction, and one worker's track on the map with the days patrolled. Tracks are
// personal: only workers whose units lie inside the reader's jurisdiction are listed or shown.
import { error } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { resolveLang } from '$lib/i18n/server';
import { listPatrols, patrolDays, readTrack } from '$lib/server/worker/patrol';
import { gridsOf } from '$lib/server/worker/grids';
import { FieldError } from '$lib/server/worker/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const db = requireDb();
	const principal = locals.user!;
	const overview = await listPatrols(db, principal, url.searchParams.get('day'));
	const user = url.searchParams.get('user');
	let selected = null;
	if (user) {
		try {
			const track = await readTrack(db, principal, user, overview.day);
			const units = overview.workers.find((w) => w.user === user)?.units ?? [];
			selected = { track, days: await patrolDays(db, principal, user), grids: await gridsOf(db, units) };
		} catch (err) {
			if (err instanceof FieldError) error(404, err.message);
			throw err;
		}
	}
	// Without a worker chosen: every listed worker's track of the day on one map, over their grids.
	let all = null;
	if (!selected) {
		const tracks = [];
		for (const w of overview.workers.filter((x) => x.points > 0))
			tracks.push((await readTrack(db, principal, w.user, overview.day)).points.map((p) => [p.lon, p.lat] as [number, number]));
		all = {
			tracks,
			grids: await gridsOf(
				db,
				[...new Set(overview.workers.flatMap((w) => w.units))].filter((u) => u !== '*')
			)
		};
	}
	return { lang: resolveLang(url, cookies), ...overview, selected, all };
};

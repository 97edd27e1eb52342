// GET /api/cases/grids?from=&to=&categories= → per grid: cases in the window and the rate per 1,000
// households (null when fewer than k: suppressed), and the grids spiking today.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { gridDensity, parseWindow, SUPPRESSION_K } from '$lib/server/cases/analysis';
import { readScope } from '$lib/server/auth/scope';
import { can } from '$lib/auth/capabilities';
import { answerOrError } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => {
		const w = { ...parseWindow(url.searchParams), units: readScope(locals.user) };
		const k = can(locals.user, 'cases:detail') ? 1 : SUPPRESSION_K;
		return json(await gridDensity(requireDb(), w, new Date(), k), { headers: { 'cache-control': 'no-store' } });
	});

// GET /api/cases/density?from=&to=&categories=&res=9 → H3 cell counts of the window's cases; cells
// with fewer than k cases are left out (k-suppression), and how many were is reported.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { hexDensity, parseWindow, SUPPRESSION_K } from '$lib/server/cases/analysis';
import { readScope } from '$lib/server/auth/scope';
import { can } from '$lib/auth/capabilities';
import { answerOrError } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

// Leaders and admins (cases:detail) see every cell; everyone else only cells of at least k cases.
export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => {
		const w = { ...parseWindow(url.searchParams), units: readScope(locals.user) };
		const k = can(locals.user, 'cases:detail') ? 1 : SUPPRESSION_K;
		return json(await hexDensity(requireDb(), w, Number(url.searchParams.get('res') ?? 9), k), { headers: { 'cache-control': 'no-store' } });
	});

// GET /api/cases/density?from=&to=&categories=&res=9 → H3 cell counts of the window's cases; cells
// with fewer than k cases are left out (k-suppression), and how many were is reported.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { hexDensity, parseWindow } from '$lib/server/case-analysis';
import { answer } from '$lib/server/case-analysis-http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) =>
	answer(async () => json(await hexDensity(requireDb(), parseWindow(url.searchParams), Number(url.searchParams.get('res') ?? 9)), { headers: { 'cache-control': 'no-store' } }));

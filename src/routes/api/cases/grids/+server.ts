// GET /api/cases/grids?from=&to=&categories= → per grid: cases in the window and the rate per 1,000
// households (null when fewer than k: suppressed), and the grids spiking today.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { gridDensity, parseWindow } from '$lib/server/case-analysis';
import { answer } from '$lib/server/case-analysis-http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) =>
	answer(async () => json(await gridDensity(requireDb(), parseWindow(url.searchParams)), { headers: { 'cache-control': 'no-store' } }));

// GET /api/cases/columns?from=&to=&categories= → the window's cases as binary columns
// (application/octet-stream, 16 bytes a case: Float32 lon/lat, Uint32 time, Uint8 category and
// status, Uint16 grid — see geo/density/columns), with the code tables in the X-Case-Codes header
// (JSON: categories, statuses) and the grid list at /api/cases/columns?grids=1.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { caseColumns, parseWindow } from '$lib/server/cases/analysis';
import { readScope } from '$lib/server/auth/scope';
import { answerOrError } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => {
		const cols = await caseColumns(requireDb(), { ...parseWindow(url.searchParams), units: readScope(locals.user) });
		if (url.searchParams.get('grids') === '1') return json({ grids: cols.grids, categories: cols.categories, statuses: cols.statuses });
		return new Response(cols.buffer, {
			headers: {
				'content-type': 'application/octet-stream',
				'x-case-codes': JSON.stringify({ categories: cols.categories, statuses: cols.statuses }),
				'cache-control': 'no-store'
			}
		});
	});

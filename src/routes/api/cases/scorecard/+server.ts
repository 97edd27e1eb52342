// GET /api/cases/scorecard?level=grid|community|subdistrict|department|worker&month=YYYY-MM|day=YYYY-MM-DD|
// from=&to=&scheme=&format=csv → the KPI scorecard of the reader's jurisdiction: counts, rates with their
// numerators and denominators, score, rank and the trend against the previous period.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { buildScorecard, scorecardCsv, scorecardQuery } from '$lib/server/cases/scorecard';
import { answerOrError } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => {
		const card = await buildScorecard(requireDb(), scorecardQuery(url.searchParams), readScope(locals.user));
		if (url.searchParams.get('format') === 'csv') {
			return new Response(scorecardCsv(card), {
				headers: {
					'content-type': 'text/csv; charset=utf-8',
					'content-disposition': `attachment; filename="scorecard-${card.level}-${card.period.label.replace(/[^0-9.-]/g, '')}.csv"`,
					'cache-control': 'no-store'
				}
			});
		}
		return json(card, { headers: { 'cache-control': 'no-store' } });
	});

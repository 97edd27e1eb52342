// GET /api/access?rule=<capacity rule id>[&decay=none|linear|exponential|gaussian|gravity][&profile=all|slow]
//   [&level=community|h3|building][&community=<12 digits>, required for level building] → demand-weighted
// access (E2SFCA) per community, H3 cell or building of one community, with its score against the
// rule's standard — inside the reader's jurisdiction only. Computed by a job worker, kept per data
// versions (docs/coverage.md#demand-weighted-access).
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { readScope } from '$lib/server/auth/scope';
import { accessAnswer } from '$lib/server/coverage/access';
import { answerOrError } from '$lib/server/http/api-errors';
import { unitCodeParam } from '$lib/server/http/params';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => {
		const p = url.searchParams;
		const community = unitCodeParam(p.get('community'), 'community', ['community']);
		const answer = await accessAnswer(
			requireDb(),
			{ rule: p.get('rule') ?? '', decay: p.get('decay'), profile: p.get('profile'), level: p.get('level'), community },
			readScope(locals.user)
		);
		return json(answer, { headers: { 'cache-control': 'no-store' } });
	});

// GET /api/audit?entity=&actor=&action=&unit=&from=&to=&before=&limit= → audit entries, newest first.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { answerOrError } from '$lib/server/http/api-errors';
import { listAudit } from '$lib/server/audit';
import { auditFilterFrom } from '$lib/server/audit/query';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, locals }) =>
	answerOrError(async () => json(await listAudit(requireDb(), auditFilterFrom(url.searchParams, locals.user)), { headers: { 'cache-control': 'no-store' } }));

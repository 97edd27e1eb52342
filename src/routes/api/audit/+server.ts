// GET /api/audit?entity=&actor=&action=&unit=&from=&to=&before=&limit= → audit entries, newest first.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { apiError } from '$lib/server/api-errors';
import { AuditFilterError, listAudit } from '$lib/server/audit';
import { auditFilterFrom } from '$lib/server/audit-query';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		return json(await listAudit(requireDb(), auditFilterFrom(url.searchParams, locals.user)), { headers: { 'cache-control': 'no-store' } });
	} catch (err) {
		if (err instanceof AuditFilterError) return apiError(400, err.message, { code: err.code });
		throw err;
	}
};

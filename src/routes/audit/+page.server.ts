// The audit log, filtered by entity, actor, action, unit and time; paged backwards by id.
import { error } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { AUDIT_ENTITIES, AuditFilterError, listAudit } from '$lib/server/audit';
import { auditFilterFrom } from '$lib/server/audit/query';
import { resolveLang } from '$lib/i18n/server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
	const filter = auditFilterFrom(url.searchParams, locals.user);
	try {
		const page = await listAudit(requireDb(), filter);
		return { lang: resolveLang(url, cookies), ...page, filter: { ...filter, units: undefined }, entities: AUDIT_ENTITIES };
	} catch (err) {
		if (err instanceof AuditFilterError) error(400, err.message);
		throw err;
	}
};

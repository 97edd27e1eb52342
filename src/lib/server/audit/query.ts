// Reads the audit filter from a URL, limited to the reader's jurisdiction (page and API share it).
import type { Principal } from '../../auth/capabilities';
import type { AuditFilter } from '.';

export function auditFilterFrom(params: URLSearchParams, principal: Principal | null): AuditFilter {
	const text = (name: string) => params.get(name)?.trim() || undefined;
	const before = text('before');
	const limit = text('limit');
	return {
		entity: text('entity'),
		actor: text('actor'),
		action: text('action'),
		unit: text('unit'),
		from: text('from'),
		to: text('to'),
		beforeId: before ? Number(before) || undefined : undefined,
		limit: limit ? Number(limit) : 100,
		units: principal?.units ?? []
	};
}

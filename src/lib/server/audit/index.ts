// The audit log: rows come from database triggers (migrations/008_accounts.sql) stamped with the
// acting party; bulk loads add one summary row here. Read-only through the app: nothing here
// changes or deletes a row, and the table refuses it anyway.
import { GridAtlasError } from '$geo/errors';
import type { Queryable } from '../db';
import { actingParty } from '../auth/actor';
import { wholeCity } from '../../auth/capabilities';
import { likePatterns } from '../auth/scope';

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	action: string;
	entity: string;
	entity_id: string | null;
	unit_code: string | null;
	before: Record<string, unknown> | null;
	after: Record<string, unknown> | null;
}

export interface AuditFilter {
	entity?: string;
	actor?: string;
	action?: string;
	/** unit code prefix or entity id */
	unit?: string;
	from?: string;
	to?: string;
	/** Only rows about these units (the reader's jurisdiction); '*' = all. */
	units?: string[];
	beforeId?: number;
	limit?: number;
}

export const AUDIT_ENTITIES = [
	'subdistricts',
	'communities',
	'grids',
	'coverage_rules',
	'users',
	'user_jurisdictions',
	'api_tokens',
	'cases',
	'plan_revisions',
	'case_departments',
	'case_subclasses',
	'case_categories',
	'bulk_load'
];

export class AuditFilterError extends GridAtlasError {
	declare readonly code: 'bad_filter';
	constructor(message: string) {
		super(message, { code: 'bad_filter' });
	}
}

export async function recordAudit(
	q: Queryable,
	row: { action: string; entity: string; entityId?: string | null; unitCode?: string | null; after?: unknown }
): Promise<void> {
	await q.query('INSERT INTO audit_log (actor, action, entity, entity_id, unit_code, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [
		actingParty()?.actor ?? 'system',
		row.action,
		row.entity,
		row.entityId ?? null,
		row.unitCode ?? null,
		row.after === undefined ? null : JSON.stringify(row.after)
	]);
}

function time(value: string | undefined, name: string): string | null {
	if (!value) return null;
	if (Number.isNaN(Date.parse(value))) throw new AuditFilterError(`${name}“${value}”不是有效时间 / ${name} "${value}" is not a time`);
	return new Date(value).toISOString();
}

/** Newest first; page with beforeId. Readers outside the whole city see rows of their units only. */
export async function listAudit(q: Queryable, f: AuditFilter = {}): Promise<{ entries: AuditEntry[]; more: boolean }> {
	const limit = f.limit ?? 100;
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AuditFilterError('limit 应为 1–1000 / limit must be 1–1000');
	if (f.entity && !AUDIT_ENTITIES.includes(f.entity)) throw new AuditFilterError(`未知对象“${f.entity}”/ unknown entity "${f.entity}"`);
	const params: unknown[] = [];
	const where: string[] = [];
	const add = (sql: string, value: unknown) => {
		params.push(value);
		where.push(sql.replaceAll('?', `$${params.length}`));
	};
	if (f.entity) add('entity = ?', f.entity);
	if (f.actor) add('actor ILIKE ?', `%${f.actor.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
	if (f.action) add('action = ?', f.action);
	if (f.unit) add("(unit_code LIKE ? || '%' OR entity_id = ?)", f.unit.replace(/[%_\\]/g, ''));
	const from = time(f.from, 'from');
	const to = time(f.to, 'to');
	if (from) add('at >= ?', from);
	if (to) add('at < ?', to);
	if (f.beforeId) add('id < ?', f.beforeId);
	if (f.units && !wholeCity(f.units)) add('unit_code LIKE ANY (?::text[])', likePatterns(f.units));
	params.push(limit + 1);
	const rows = await q.query<AuditEntry>(
		`SELECT id::float8 AS id, at::text, actor, action, entity, entity_id, unit_code, before, after FROM audit_log
		 ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $${params.length}`,
		params
	);
	return { entries: rows.slice(0, limit), more: rows.length > limit };
}

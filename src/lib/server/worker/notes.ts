// Notes on a case from the handling side (a remark, maybe with photos, or 接单 "taken"), stored by
// the phone's id: sent twice, stored once.
import type { Queryable } from '../db';
import type { Principal } from '../../auth/capabilities';
import { caseScopeSql, readScope } from '../auth/scope';
import { bodyObject, clientId, FieldError, optionalText } from './errors';

export const MAX_NOTE_TEXT = 1000;

/** The case's row id when it lies in the reader's jurisdiction; FieldError unknown_case otherwise. */
export async function caseInScope(q: Queryable, principal: Principal, sourceId: string): Promise<number> {
	const params: unknown[] = [sourceId];
	const [row] = await q.query<{ id: number }>(`SELECT c.id FROM cases c WHERE c.source_id = $1${caseScopeSql(readScope(principal), params, 'c.')}`, params);
	if (!row) throw new FieldError('unknown_case', `案件“${sourceId}”不存在`, `no case "${sourceId}"`);
	return Number(row.id);
}

export interface NoteAnswer {
	id: string;
	kind: 'note' | 'take';
	created: boolean;
}

export async function addNote(q: Queryable, principal: Principal, sourceId: string, body: unknown): Promise<NoteAnswer> {
	const o = bodyObject(body);
	const id = clientId(o.id);
	const kind = o.kind === 'take' ? 'take' : o.kind === 'note' || o.kind === undefined ? 'note' : null;
	if (!kind) throw new FieldError('bad_body', 'kind 应为 note 或 take', 'kind must be note or take');
	const text = optionalText(o.text, 'text', MAX_NOTE_TEXT);
	if (kind === 'note' && !text && o.photos !== true) throw new FieldError('bad_text', '备注不能为空', 'a note needs text');
	const caseId = await caseInScope(q, principal, sourceId);
	const rows = await q.query<{ id: number }>(
		`INSERT INTO case_notes (client_id, case_id, kind, body, actor) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (client_id) DO NOTHING RETURNING id`,
		[id, caseId, kind, text, `${principal.kind}:${principal.name}`]
	);
	if (!rows.length) {
		const [was] = await q.query<{ case_id: number }>('SELECT case_id FROM case_notes WHERE client_id = $1', [id]);
		if (Number(was?.case_id) !== caseId) throw new FieldError('bad_id', `编号“${id}”已用于另一案件的备注`, `id "${id}" is already a note of another case`);
	}
	return { id, kind, created: rows.length > 0 };
}

// "My tasks" on the worker's phone: the cases of the worker's grid(s) — open ones, and those closed
// in the last three days — with the operations (stage, clock on the working calendar, assignees),
// why a case came back (返工 / 退回), who took it, its notes and photos; the most urgent first.
import type { Queryable } from '../db';
import type { Principal } from '../../auth/capabilities';
import { caseScopeSql, readScope } from '../auth/scope';
import { loadCalendar } from '../cases/taxonomy';
import { openClock } from '../cases/ops';
import { stageOf } from '$geo/cases/ops';
import type { Limit } from '$geo/cases/worktime';
import { sortTasks, type WorkerTask } from '../../worker/tasks';

export const MAX_TASKS = 300;

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

export async function listTasks(q: Queryable, principal: Principal, now = new Date()): Promise<WorkerTask[]> {
	const params: unknown[] = [MAX_TASKS];
	const cases = await q.query<{
		cid: number;
		id: string;
		category: string;
		status: string;
		description: string | null;
		reported_at: Date;
		lon: number;
		lat: number;
		grid_code: string | null;
		subclass: string | null;
	}>(
		`SELECT c.id AS cid, c.source_id AS id, c.category, c.status, c.description, c.reported_at, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
			c.grid_code, r.subclass_code AS subclass
		 FROM cases c LEFT JOIN case_reports r ON r.case_id = c.id
		 WHERE (c.status NOT IN ('closed', 'voided') OR c.updated_at > now() - interval '3 days')${caseScopeSql(readScope(principal), params, 'c.')}
		 ORDER BY c.reported_at DESC, c.id DESC LIMIT $1`,
		params
	);
	if (!cases.length) return [];
	const ids = cases.map((c) => Number(c.cid));
	const [ops, steps, notes, photos, calendar] = await Promise.all([
		q.query<{
			case_id: number;
			subclass_code: string;
			sub_zh: string;
			sub_en: string;
			urgent: boolean;
			assignees: string[];
			rework_count: number;
			verified_at: Date | null;
			handled_at: Date | null;
			stage_started_at: Date;
			stage_due_at: Date | null;
			stage_unit: Limit['unit'] | null;
		}>(
			`SELECT o.case_id, o.subclass_code, s.name_zh AS sub_zh, s.name_en AS sub_en, o.urgent, o.assignees, o.rework_count, o.verified_at, o.handled_at,
				o.stage_started_at, o.stage_due_at, o.stage_unit
			 FROM case_ops o JOIN case_subclasses s ON s.code = o.subclass_code WHERE o.case_id = ANY($1::bigint[])`,
			[ids]
		),
		// The last step that sent the case back to handling or dispatch, and the last handling report.
		q.query<{ case_id: number; action: string; reason: string | null; at: Date }>(
			`SELECT DISTINCT ON (case_id) case_id, action, reason, at FROM case_steps
			 WHERE case_id = ANY($1::bigint[]) AND action IN ('verify_fail', 'send_back', 'handle', 'postpone_reject')
			 ORDER BY case_id, id DESC`,
			[ids]
		),
		q.query<{ case_id: number; client_id: string; kind: 'note' | 'take'; body: string | null; actor: string; at: Date }>(
			'SELECT case_id, client_id, kind, body, actor, at FROM case_notes WHERE case_id = ANY($1::bigint[]) ORDER BY id',
			[ids]
		),
		q.query<{ case_id: number; id: string; at: Date; note_client_id: string | null }>(
			'SELECT case_id, id, at, note_client_id FROM case_photos WHERE case_id = ANY($1::bigint[]) ORDER BY at, id',
			[ids]
		),
		loadCalendar(q)
	]);
	const by = <T extends { case_id: number }>(rows: T[]) => {
		const m = new Map<number, T[]>();
		for (const r of rows) m.set(Number(r.case_id), [...(m.get(Number(r.case_id)) ?? []), r]);
		return m;
	};
	const opsBy = new Map(ops.map((o) => [Number(o.case_id), o]));
	const lastStep = new Map(steps.map((s) => [Number(s.case_id), s]));
	const notesBy = by(notes);
	const photosBy = by(photos);
	const tasks = cases.map((c): WorkerTask => {
		const o = opsBy.get(Number(c.cid));
		const stage = stageOf(c.status, !!o?.verified_at && new Date(o.verified_at).getTime() >= (o.handled_at ? new Date(o.handled_at).getTime() : 0));
		const back = lastStep.get(Number(c.cid));
		const caseNotes = notesBy.get(Number(c.cid)) ?? [];
		const take = [...caseNotes].reverse().find((n) => n.kind === 'take');
		return {
			id: c.id,
			category: c.category,
			status: c.status,
			description: c.description,
			reported_at: iso(c.reported_at)!,
			lon: c.lon,
			lat: c.lat,
			grid_code: c.grid_code,
			subclass: c.subclass ?? o?.subclass_code ?? null,
			ops: o
				? {
						stage,
						urgent: o.urgent,
						assignees: o.assignees,
						reworkCount: o.rework_count,
						subclass: { code: o.subclass_code, name_zh: o.sub_zh, name_en: o.sub_en },
						clock: openClock(o, stage, calendar, now)
					}
				: null,
			returned:
				back && back.action !== 'handle' && (stage === 'handle' || stage === 'dispatch')
					? { action: back.action, reason: back.reason, at: iso(back.at)! }
					: null,
			mine: !!o?.assignees.includes(principal.name),
			takenBy: take ? take.actor.replace(/^(user|token):/, '') : null,
			notes: caseNotes.map((n) => ({ id: n.client_id, kind: n.kind, body: n.body, actor: n.actor.replace(/^(user|token):/, ''), at: iso(n.at)! })),
			photos: (photosBy.get(Number(c.cid)) ?? []).map((p) => ({ id: p.id, at: iso(p.at)!, noteId: p.note_client_id }))
		};
	});
	return sortTasks(tasks);
}

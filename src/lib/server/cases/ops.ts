// The operations workflow on the database: each step (立案, 派遣, 改派, 退回, 处置, 缓办, 核查, 结案, 作废)
// in one transaction — the case row locked, the step checked by geo/cases/ops, the due time of the
// stage it starts computed on the working calendar (geo/cases/worktime), the step recorded with its
// actor and reason, the case's status moved and one case_events row written (the live stream and the
// wall follow it). Reads: the case's operations with the open stage's clock.
import type { Db, Queryable } from '../db';
import { caseSides, type Principal } from '../../auth/capabilities';
import { afterCaseCommit, CASE_CHANNEL } from './events';
import { addWorkingTime, clockAt, durationText, type Limit } from '$geo/cases/worktime';
import { CaseStepError, planStep, STAGE_STATUS, stageOf, STAGES, type Action, type Postponement, type Side, type Stage, type TimedStage } from '$geo/cases/ops';
import { limitOf, loadCalendar, loadTaxonomy, TaxonomyError, type CalendarSettings } from './taxonomy';
import type { CaseOpsView, CaseStep, CaseSubclass, Taxonomy } from '../../cases/types';

interface OpsRow {
	case_id: number;
	subclass_code: string;
	urgent: boolean;
	department_code: string;
	assignees: string[];
	registered_at: Date;
	register_due_at: Date;
	dispatch_due_at: Date | null;
	dispatched_at: Date | null;
	handle_due_at: Date | null;
	handled_at: Date | null;
	verified_at: Date | null;
	closed_at: Date | null;
	voided_at: Date | null;
	void_reason: string | null;
	stage_started_at: Date;
	stage_due_at: Date | null;
	stage_unit: Limit['unit'] | null;
	postponement: Postponement;
	postpone_days: number | null;
	rework_count: number;
	reassign_count: number;
	send_back_count: number;
	late: boolean;
}

export interface StepInput {
	action: string;
	reason?: string | null;
	/** register: the subclass (default: the category's) and urgency (default: the subclass's). */
	subclass?: string;
	urgent?: boolean;
	/** dispatch / reassign: another department than the subclass's. */
	department?: string;
	/** postpone_request: working days asked for. */
	days?: number;
}

/** The sides a principal may act for (one rule for the browser's buttons and the server's check). */
export const sidesOf = (p: Pick<Principal, 'capabilities'>): Side[] => caseSides(p);

const ms = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).getTime());

function stepBody(body: unknown): StepInput {
	if (!body || typeof body !== 'object' || Array.isArray(body))
		throw new CaseStepError('bad_step', '请求体应为一个对象，如 {"action":"register"}', 'the body must be one object, e.g. {"action":"register"}', 400);
	const o = body as Record<string, unknown>;
	const text = (v: unknown, name: string, max: number) => {
		if (v === undefined || v === null) return undefined;
		if (typeof v !== 'string' || v.length > max || /\0/.test(v))
			throw new CaseStepError('bad_step', `${name} 应为不超过 ${max} 个字符的文本`, `${name} must be text of at most ${max} characters`, 400);
		return v;
	};
	if (o.urgent !== undefined && typeof o.urgent !== 'boolean')
		throw new CaseStepError('bad_step', 'urgent 应为 true 或 false', 'urgent must be true or false', 400);
	if (o.days !== undefined && (typeof o.days !== 'number' || !(o.days > 0 && o.days <= 30))) {
		throw new CaseStepError(
			'bad_step',
			'days（缓办工作日数）应为 0 到 30 之间的数',
			'days (working days of postponement) must be a number above 0 and at most 30',
			400
		);
	}
	return {
		action: text(o.action, 'action', 40) ?? '',
		reason: text(o.reason, 'reason', 500),
		subclass: text(o.subclass, 'subclass', 10),
		urgent: o.urgent as boolean | undefined,
		department: text(o.department, 'department', 40),
		days: o.days as number | undefined
	};
}

/**
 * Takes one step on case `sourceId` as `principal` at `now`; returns the case's operations after it.
 * Throws CaseStepError (refused, with the rule and what to do) or TaxonomyError.
 */
export async function takeStep(db: Db, sourceId: string, body: unknown, principal: Principal, now = new Date()): Promise<CaseOpsView> {
	const input = stepBody(body);
	const actor = `${principal.kind}:${principal.name}`;
	const [tax, cal] = await Promise.all([loadTaxonomy(db), loadCalendar(db)]);
	await db.transaction(async (tx) => {
		// The case writers' lock first (the order the ingest takes it in), then the case row.
		await tx.query('SELECT pg_advisory_xact_lock(7007)');
		const [c] = await tx.query<{ id: number; status: string; category: string; reported_at: Date; grid_code: string | null }>(
			'SELECT id, status, category, reported_at, grid_code FROM cases WHERE source_id = $1 FOR UPDATE',
			[sourceId]
		);
		if (!c) throw new CaseStepError('bad_step', `案件“${sourceId}”不存在`, `no case "${sourceId}"`, 400);
		const [ops] = await tx.query<OpsRow>('SELECT * FROM case_ops WHERE case_id = $1 FOR UPDATE', [c.id]);
		let stage = stageOf(c.status, !!ops && ms(ops.verified_at)! >= (ms(ops.handled_at) ?? 0));
		// A case registered by a feed (status moved, no operations yet) is registered here first.
		if (!ops && (stage === 'dispatch' || stage === 'register')) stage = 'register';
		else if (!ops && stage !== 'closed' && stage !== 'voided' && input.action !== 'void') {
			throw new CaseStepError(
				'bad_step',
				`案件“${sourceId}”未在本系统立案（没有小类和时限），已${c.status}，不能“${input.action}”`,
				`case "${sourceId}" was never registered here (no subclass, no time limits) and is ${c.status}; "${input.action}" is not possible`
			);
		}
		const to = planStep(sourceId, stage, input.action, { sides: sidesOf(principal), reason: input.reason, postponement: ops?.postponement ?? null });
		await applyStep(tx, { c, ops: ops ?? null, stage, to, input, actor, now, tax, cal });
		// Every step is one event of the live stream ('status' forward, 'update' otherwise).
		{
			const forward = STAGES.indexOf(to) > STAGES.indexOf(stage);
			const status = STAGE_STATUS[to];
			await tx.query(
				`WITH u AS (UPDATE cases SET status = $2, escalation_level = NULL, updated_at = now() WHERE id = $1 RETURNING id),
				 e AS (INSERT INTO case_events (case_id, kind, status, at) SELECT id, $3, $2, $4 FROM u RETURNING id)
				 SELECT pg_notify('${CASE_CHANNEL}', current_schema() || ':' || (SELECT max(id) FROM e))`,
				[c.id, status, forward ? 'status' : 'update', now]
			);
		}
	});
	afterCaseCommit(db);
	return (await caseOps(db, sourceId, now))!;
}

interface StepContext {
	c: { id: number; category: string; reported_at: Date; grid_code: string | null };
	ops: OpsRow | null;
	stage: Stage;
	to: Stage;
	input: StepInput;
	actor: string;
	now: Date;
	tax: Taxonomy;
	cal: CalendarSettings;
}

function subclassOf(tax: Taxonomy, code: string, caseId: string): CaseSubclass {
	const sub = tax.subclasses.find((s) => s.code === code);
	if (!sub)
		throw new TaxonomyError(
			'unknown_subclass',
			`案件“${caseId}”：小类“${code}”不存在（见 /api/cases/taxonomy）`,
			`case "${caseId}": no subclass "${code}" (see /api/cases/taxonomy)`
		);
	return sub;
}

function departmentOf(tax: Taxonomy, code: string, caseId: string): string {
	if (!tax.departments.some((d) => d.code === code)) {
		throw new TaxonomyError(
			'unknown_department',
			`案件“${caseId}”：部门“${code}”不存在（见 /api/cases/taxonomy）`,
			`case "${caseId}": no department "${code}" (see /api/cases/taxonomy)`
		);
	}
	return code;
}

/** Grid workers of the case's grid (active worker accounts whose jurisdiction holds the grid). */
async function gridWorkers(q: Queryable, grid: string | null): Promise<string[]> {
	if (!grid) return [];
	const rows = await q.query<{ username: string }>(
		`SELECT DISTINCT u.username FROM users u JOIN user_jurisdictions j ON j.user_id = u.id
		 WHERE u.role = 'worker' AND NOT u.disabled AND j.unit_code = $1 ORDER BY u.username`,
		[grid]
	);
	return rows.map((r) => r.username);
}

async function applyStep(tx: Queryable, s: StepContext): Promise<void> {
	const { c, input, now, tax } = s;
	const cal = s.cal.calendar;
	const nowMs = now.getTime();
	const caseId = String(c.id);
	const due = (start: number, sub: CaseSubclass, urgent: boolean, stage: TimedStage) => {
		const limit = limitOf(sub, urgent, stage);
		return { at: new Date(addWorkingTime(cal, start, limit)), unit: limit.unit };
	};
	// The stage this step ends was late if its clock ran out before now.
	const endedLate = s.ops?.stage_due_at ? nowMs > ms(s.ops.stage_due_at)! : false;
	const record = (to: Stage, dueAt: Date | null, late: boolean, details: Record<string, unknown> = {}) =>
		tx.query(
			`INSERT INTO case_steps (case_id, action, from_stage, to_stage, actor, reason, at, due_at, late, details)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			[c.id, input.action, s.stage, to, s.actor, input.reason?.trim() || null, now, dueAt, late, JSON.stringify(details)]
		);
	const action = input.action as Action;

	if (action === 'register') {
		const cat = tax.categories.find((k) => k.code === c.category);
		// The 小类 the grid worker chose on /m (case_reports) unless the registration names another.
		const [reported] = input.subclass
			? []
			: await tx.query<{ subclass_code: string | null }>('SELECT subclass_code FROM case_reports WHERE case_id = $1', [c.id]);
		const sub = subclassOf(tax, input.subclass ?? reported?.subclass_code ?? cat?.subclass_code ?? 'E0699', caseId);
		const urgent = input.urgent ?? sub.urgent_default;
		const registerDue = due(new Date(c.reported_at).getTime(), sub, urgent, 'register');
		const next = due(nowMs, sub, urgent, 'dispatch');
		const assignees = await gridWorkers(tx, c.grid_code);
		const late = nowMs > registerDue.at.getTime();
		await tx.query(
			`INSERT INTO case_ops (case_id, subclass_code, urgent, department_code, assignees, registered_at, register_due_at,
				dispatch_due_at, stage_started_at, stage_due_at, stage_unit, late)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6, $8, $9, $10)
			 ON CONFLICT (case_id) DO NOTHING`,
			[c.id, sub.code, urgent, sub.department_code, assignees, now, registerDue.at, next.at, next.unit, late]
		);
		await record('dispatch', next.at, late, { subclass: sub.code, urgent, department: sub.department_code, assignees, register_due_at: registerDue.at });
		return;
	}
	const ops = s.ops!;
	const sub = subclassOf(tax, ops.subclass_code, caseId);
	const set = (sql: string, params: unknown[]) => tx.query(`UPDATE case_ops SET ${sql} WHERE case_id = $1`, [c.id, ...params]);
	switch (action) {
		case 'dispatch': {
			const department = input.department ? departmentOf(tax, input.department, caseId) : ops.department_code;
			const next = due(nowMs, sub, ops.urgent, 'handle');
			await set(
				`department_code = $2, dispatched_at = coalesce(dispatched_at, $3), handle_due_at = coalesce(handle_due_at, $4),
				 stage_started_at = $3, stage_due_at = $4, stage_unit = $5, late = late OR $6`,
				[department, now, next.at, next.unit, endedLate]
			);
			// The wall's and the feeds' due time is the handling deadline the case is judged by.
			await tx.query('UPDATE cases SET due_at = (SELECT handle_due_at FROM case_ops WHERE case_id = $1) WHERE id = $1', [c.id]);
			await record('handle', next.at, endedLate, { department, assignees: ops.assignees });
			return;
		}
		case 'reassign': {
			const department = departmentOf(tax, input.department ?? ops.department_code, caseId);
			const next = due(nowMs, sub, ops.urgent, 'handle');
			await set('department_code = $2, reassign_count = reassign_count + 1, stage_started_at = $3, stage_due_at = $4, stage_unit = $5', [
				department,
				now,
				next.at,
				next.unit
			]);
			await record('handle', next.at, false, { department, previous: ops.department_code });
			return;
		}
		case 'send_back': {
			const next = due(nowMs, sub, ops.urgent, 'dispatch');
			await set('send_back_count = send_back_count + 1, stage_started_at = $2, stage_due_at = $3, stage_unit = $4', [now, next.at, next.unit]);
			await record('dispatch', next.at, false, { department: ops.department_code });
			return;
		}
		case 'handle': {
			const next = due(nowMs, sub, ops.urgent, 'verify');
			await set('handled_at = $2, stage_started_at = $2, stage_due_at = $3, stage_unit = $4, late = late OR $5', [now, next.at, next.unit, endedLate]);
			await record('verify', next.at, endedLate);
			return;
		}
		case 'postpone_request':
			await set('postponement = $2, postpone_days = $3', ['requested', input.days ?? 1]);
			await record(s.stage, null, false, { days: input.days ?? 1 });
			return;
		case 'postpone_approve': {
			const days = ops.postpone_days ?? 1;
			const extend = (d: Date | null) => (d ? new Date(addWorkingTime(cal, d.getTime(), { amount: days, unit: 'work_day' })) : null);
			const handleDue = extend(ops.handle_due_at);
			const stageDue = extend(ops.stage_due_at);
			await set('postponement = $2, handle_due_at = $3, stage_due_at = $4', ['approved', handleDue, stageDue]);
			await tx.query('UPDATE cases SET due_at = $2 WHERE id = $1', [c.id, handleDue]);
			await record(s.stage, stageDue, false, { days, handle_due_at: handleDue });
			return;
		}
		case 'postpone_reject':
			await set('postponement = $2', ['rejected']);
			await record(s.stage, null, false);
			return;
		case 'verify_pass': {
			const next = due(nowMs, sub, ops.urgent, 'close');
			await set('verified_at = $2, stage_started_at = $2, stage_due_at = $3, stage_unit = $4, late = late OR $5', [now, next.at, next.unit, endedLate]);
			await record('close', next.at, endedLate);
			return;
		}
		case 'verify_fail': {
			const next = due(nowMs, sub, ops.urgent, 'handle');
			await set('verified_at = NULL, rework_count = rework_count + 1, stage_started_at = $2, stage_due_at = $3, stage_unit = $4, late = late OR $5', [
				now,
				next.at,
				next.unit,
				endedLate
			]);
			await record('handle', next.at, endedLate, { rework: ops.rework_count + 1 });
			return;
		}
		case 'close':
			await set('closed_at = $2, stage_started_at = $2, stage_due_at = NULL, stage_unit = NULL, late = late OR $3', [now, endedLate]);
			await record('closed', null, endedLate);
			return;
		case 'void':
			await set('voided_at = $2, void_reason = $3, stage_started_at = $2, stage_due_at = NULL, stage_unit = NULL', [now, input.reason!.trim()]);
			await record('voided', null, false);
			return;
	}
}

/** The open stage's clock of an operations row at `now` (null once closed or voided, or without a due time). */
export function openClock(
	row: Pick<OpsRow, 'stage_started_at' | 'stage_due_at' | 'stage_unit'>,
	stage: Stage,
	{ calendar, warnShare }: CalendarSettings,
	now: Date
): CaseOpsView['clock'] {
	if (!row.stage_due_at || !row.stage_unit || stage === 'closed' || stage === 'voided') return null;
	const c = clockAt(calendar, { startedAt: ms(row.stage_started_at)!, dueAt: ms(row.stage_due_at)!, unit: row.stage_unit }, now.getTime(), warnShare);
	return {
		stage,
		startedAt: new Date(c.startedAt).toISOString(),
		dueAt: new Date(c.dueAt).toISOString(),
		unit: row.stage_unit,
		limitMin: c.limitMin,
		usedMin: Math.round(c.usedMin),
		leftMin: Math.round(c.leftMin),
		share: Math.round(c.share * 1000) / 1000,
		state: c.state,
		left: durationText(calendar, c.leftMin, row.stage_unit)
	};
}

/** A case's operations (null when it was never registered here), with the open stage's clock at `now`. */
export async function caseOps(q: Queryable, sourceId: string, now = new Date()): Promise<CaseOpsView | null> {
	const [row] = await q.query<OpsRow & { status: string; sub_zh: string; sub_en: string; dept_zh: string; dept_en: string }>(
		`SELECT o.*, c.status, s.name_zh AS sub_zh, s.name_en AS sub_en, d.name_zh AS dept_zh, d.name_en AS dept_en
		 FROM cases c JOIN case_ops o ON o.case_id = c.id
		 JOIN case_subclasses s ON s.code = o.subclass_code JOIN case_departments d ON d.code = o.department_code
		 WHERE c.source_id = $1`,
		[sourceId]
	);
	if (!row) return null;
	const steps = await q.query<CaseStep & { at: Date; due_at: Date | null }>(
		'SELECT id, action, from_stage, to_stage, actor, reason, at, due_at, late, details FROM case_steps WHERE case_id = $1 ORDER BY id',
		[row.case_id]
	);
	const stage = stageOf(row.status, !!row.verified_at && ms(row.verified_at)! >= (ms(row.handled_at) ?? 0));
	const clock = openClock(row, stage, await loadCalendar(q), now);
	const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
	return {
		stage,
		subclass: { code: row.subclass_code, name_zh: row.sub_zh, name_en: row.sub_en },
		urgent: row.urgent,
		department: { code: row.department_code, name_zh: row.dept_zh, name_en: row.dept_en },
		assignees: row.assignees,
		postponement: row.postponement,
		postponeDays: row.postpone_days,
		reworkCount: row.rework_count,
		reassignCount: row.reassign_count,
		sendBackCount: row.send_back_count,
		registeredAt: iso(row.registered_at)!,
		handleDueAt: iso(row.handle_due_at),
		late: row.late,
		clock,
		steps: steps.map((st) => ({ ...st, at: iso(st.at)!, due_at: iso(st.due_at) }))
	};
}

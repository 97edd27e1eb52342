// The case taxonomy (大类/小类 of events and components, CJ/T 214 structure) with each subclass's
// department and per-stage time limits (normal and urgent), and the working calendar, read from their
// editable tables (migrations/016_case_operations.sql).
import { GridAtlasError } from '$geo/errors';
import type { Queryable } from '../db';
import { LIMIT_UNITS, makeCalendar, type DayKind, type Limit, type WorkCalendar } from '$geo/cases/worktime';
import { STAGE_LIMIT_NAMES, TIMED_STAGES, type TimedStage } from '$geo/cases/ops';
import type { CaseClass, CaseDepartment, CaseSubclass, StageLimits, Taxonomy } from '../../cases/types';

export class TaxonomyError extends GridAtlasError {
	constructor(
		readonly code:
			| 'bad_limits'
			| 'unknown_subclass'
			| 'unknown_department'
			| 'bad_calendar'
			| 'unknown_category'
			| 'bad_department'
			| 'duplicate_department'
			| 'department_in_use',
		readonly zh: string,
		readonly en: string
	) {
		// Bad time limits are the database's fault (an administrator fixes them), not the request's.
		super(`${zh} / ${en}`, { code, zh, en, status: code === 'bad_limits' ? 500 : code === 'duplicate_department' || code === 'department_in_use' ? 409 : 400 });
		this.name = 'TaxonomyError';
	}
}

function parseLimits(code: string, raw: unknown): { normal: StageLimits; urgent: StageLimits } {
	const read = (kind: 'normal' | 'urgent'): StageLimits => {
		const set = (raw as Record<string, Record<string, Limit>> | null)?.[kind];
		const out = {} as StageLimits;
		for (const stage of TIMED_STAGES) {
			const l = set?.[stage];
			if (!l || typeof l.amount !== 'number' || !(l.amount > 0) || !LIMIT_UNITS.includes(l.unit)) {
				throw new TaxonomyError(
					'bad_limits',
					`小类 ${code} 的${kind === 'normal' ? '一般' : '紧急'}时限缺少或无效：${stage}（须为 {"amount": 正数, "unit": "work_hour"|"work_day"|"hour"}），请在 case_subclasses.limits 中修正`,
					`subclass ${code}: the ${kind} limit of ${stage} is missing or invalid (needs {"amount": a positive number, "unit": "work_hour"|"work_day"|"hour"}); fix it in case_subclasses.limits`
				);
			}
			out[stage] = { amount: l.amount, unit: l.unit };
		}
		return out;
	};
	return { normal: read('normal'), urgent: read('urgent') };
}

export async function loadTaxonomy(q: Queryable): Promise<Taxonomy> {
	const classes = await q.query<CaseClass>('SELECT code, kind, name_zh, name_en FROM case_classes ORDER BY code');
	const rows = await q.query<Omit<CaseSubclass, 'limits'> & { limits: unknown }>(
		'SELECT code, class_code, name_zh, name_en, department_code, urgent_default, limits FROM case_subclasses ORDER BY code'
	);
	const departments = await q.query<CaseDepartment>('SELECT code, name_zh, name_en FROM case_departments ORDER BY sort, code');
	const categories = await q.query<{ code: string; name_zh: string; name_en: string; subclass_code: string | null }>(
		'SELECT code, name_zh, name_en, subclass_code FROM case_categories ORDER BY sort, code'
	);
	return { classes, subclasses: rows.map((r) => ({ ...r, limits: parseLimits(r.code, r.limits) })), departments, categories };
}

/** A subclass's settings as an administrator changes them: its department, urgent by default, and its limits. */
export interface SubclassChange {
	department: string;
	urgentDefault: boolean;
	limits: { normal: StageLimits; urgent: StageLimits };
}

/**
 * Checks a subclass change against the taxonomy: a known subclass and department, every stage's
 * limit in both kinds a positive amount (at most a year's worth) in a known unit. Throws TaxonomyError
 * naming the subclass, the stage and what to enter.
 */
export function checkSubclassChange(tax: Taxonomy, code: string, change: SubclassChange): SubclassChange {
	if (!tax.subclasses.some((s) => s.code === code)) throw new TaxonomyError('unknown_subclass', `没有小类“${code}”`, `no subclass "${code}"`);
	if (!tax.departments.some((d) => d.code === change.department))
		throw new TaxonomyError('unknown_department', `小类 ${code}：没有部门“${change.department}”`, `subclass ${code}: no department "${change.department}"`);
	for (const kind of ['normal', 'urgent'] as const) {
		for (const stage of TIMED_STAGES) {
			const l = change.limits[kind]?.[stage];
			const max = l?.unit === 'work_day' ? 250 : 2000;
			if (!l || !Number.isFinite(l.amount) || !(l.amount > 0) || l.amount > max || !LIMIT_UNITS.includes(l.unit)) {
				throw new TaxonomyError(
					'bad_limits',
					`小类 ${code} 的${kind === 'normal' ? '一般' : '紧急'}时限“${STAGE_LIMIT_NAMES[stage].zh}”须为大于 0、至多 ${max} 的数，单位为工作小时、工作日或自然小时`,
					`subclass ${code}: the ${kind} limit of "${stage}" must be a number above 0 and at most ${max}, in working hours, working days or hours`
				);
			}
		}
	}
	return change;
}

/** Writes a checked subclass change; cases already registered keep the due times they were given. */
export async function updateSubclass(q: Queryable, code: string, change: SubclassChange): Promise<void> {
	await q.query('UPDATE case_subclasses SET department_code = $2, urgent_default = $3, limits = $4::jsonb WHERE code = $1', [
		code,
		change.department,
		change.urgentDefault,
		JSON.stringify(change.limits)
	]);
}

export function limitOf(sub: CaseSubclass, urgent: boolean, stage: TimedStage): Limit {
	return sub.limits[urgent ? 'urgent' : 'normal'][stage];
}

export interface CalendarSettings {
	calendar: WorkCalendar;
	warnShare: number;
}

/** The working calendar: every listed exception day and the working periods. */
export async function loadCalendar(q: Queryable): Promise<CalendarSettings> {
	const [settings] = await q.query<{ periods: [number, number][]; warn_share: number }>('SELECT periods, warn_share FROM work_calendar_settings');
	const days = await q.query<{ day: string; kind: DayKind }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM work_calendar_days`);
	try {
		return {
			calendar: makeCalendar(
				days.map((d) => [d.day, d.kind]),
				settings?.periods
			),
			warnShare: Number(settings?.warn_share ?? 0.8)
		};
	} catch (err) {
		throw new TaxonomyError(
			'bad_calendar',
			`工作时段设置无效（work_calendar_settings.periods）：${(err as Error).message}`,
			`the working periods (work_calendar_settings.periods) are invalid: ${(err as Error).message}`
		);
	}
}

export interface CalendarDay {
	day: string;
	kind: DayKind;
	name: string;
}

export async function calendarYear(q: Queryable, year: number): Promise<CalendarDay[]> {
	return q.query<CalendarDay>(
		`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM work_calendar_days
		 WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
		[year]
	);
}

/** Checks a year's exception days sent by an administrator (the whole year is replaced). */
export function checkYearDays(year: number, body: unknown): CalendarDay[] {
	const list = (body as { days?: unknown })?.days;
	if (!Array.isArray(list) || list.length > 366) {
		throw new TaxonomyError(
			'bad_calendar',
			'请求体应为 {"days": [{"day": "YYYY-MM-DD", "kind": "holiday"|"workday", "name": "…"}]}（至多 366 天）',
			'the body must be {"days": [{"day": "YYYY-MM-DD", "kind": "holiday"|"workday", "name": "…"}]} (at most 366 days)'
		);
	}
	const seen = new Set<string>();
	return list.map((d, i) => {
		const o = (d ?? {}) as Record<string, unknown>;
		const day = typeof o.day === 'string' ? o.day : '';
		const ok = /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
		if (!ok || Number(day.slice(0, 4)) !== year) {
			throw new TaxonomyError('bad_calendar', `第 ${i + 1} 天：日期应为 ${year} 年内的 YYYY-MM-DD`, `day ${i + 1}: the date must be YYYY-MM-DD within ${year}`);
		}
		if (o.kind !== 'holiday' && o.kind !== 'workday') {
			throw new TaxonomyError('bad_calendar', `${day}：kind 应为 holiday（放假）或 workday（调休上班）`, `${day}: kind must be holiday or workday`);
		}
		if (seen.has(day)) throw new TaxonomyError('bad_calendar', `${day} 出现了两次：每天只能有一条`, `${day} is listed twice: one entry per day`);
		seen.add(day);
		const name = typeof o.name === 'string' ? o.name.replace(/\0/g, '').slice(0, 40) : '';
		return { day, kind: o.kind, name };
	});
}

/** Replaces one year's exception days (one transaction). */
export async function replaceYear(q: Queryable, year: number, days: CalendarDay[]): Promise<void> {
	await q.query('DELETE FROM work_calendar_days WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)', [year]);
	if (days.length) {
		await q.query(
			`INSERT INTO work_calendar_days (day, kind, name) SELECT d::date, k, n FROM unnest($1::text[], $2::text[], $3::text[]) AS t(d, k, n)
			 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name`,
			[days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name)]
		);
	}
}

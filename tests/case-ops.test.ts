// Case operations on both engines: the seeded taxonomy and calendar, a case taken through every
// stage across the 2025 National Day holiday (due times, 预警, rework, lateness), postponement with
// approval, void, the one-way rule, sides, and the scorecard (formulas, jurisdiction, CSV; its rollup
// against the direct count after steps and plain SQL).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { ingestCases } from '../src/lib/server/cases';
import { caseOps, takeStep } from '../src/lib/server/cases/ops';
import { loadCalendar, loadTaxonomy } from '../src/lib/server/cases/taxonomy';
import { buildScorecard, scorecardCsv, scoreCounts, scoreCountsDirect } from '../src/lib/server/cases/scorecard';
import { SCORE_LEVELS } from '../src/lib/cases/types';
import { findCaseAt } from '../src/lib/server/cases/lookup';
import { checkSubclassChange, checkYearDays, updateSubclass } from '../src/lib/server/cases/taxonomy';
import { caseKpis } from '../src/lib/server/cases/analysis';
import { ROLE_CAPABILITIES, type Principal, type Role } from '../src/lib/auth/capabilities';
import { elapsed } from '$geo/cases/worktime';
import { testEngines } from './helpers/engines';

const sq = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;
const SD = '320100001';
const C1 = '320100001001';
const C2 = '320100001002';
const G1 = `${C1}001`;
const G2 = `${C2}001`;

const who = (name: string, role: Role): Principal => ({
	kind: 'user',
	id: 1,
	name,
	displayName: name,
	role,
	capabilities: [...ROLE_CAPABILITIES[role]],
	units: ['*']
});
const leader = who('lead', 'leader');
const worker = who('wk1', 'worker');
const at = (local: string) => new Date(`${local}+08:00`);

for (const engine of testEngines()) {
	describe(`case operations on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await db.exec(`
				INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '测试街道', ${sq(118, 32, 118.2, 32.1)});
				INSERT INTO communities (code, subdistrict_code, name, geom) VALUES
					('${C1}', '${SD}', '=东社区', ${sq(118, 32, 118.1, 32.1)}),
					('${C2}', '${SD}', '西社区', ${sq(118.1, 32, 118.2, 32.1)});
				INSERT INTO grids (code, community_code, seq, name, geom) VALUES
					('${G1}', '${C1}', 1, '一网格', ${sq(118, 32, 118.1, 32.1)}),
					('${G2}', '${C2}', 1, '一网格', ${sq(118.1, 32, 118.2, 32.1)});
				INSERT INTO users (username, display_name, role, password_hash) VALUES ('wk1', '王网格员', 'worker', 'x'), ('wk2', '李网格员', 'worker', 'x');
				INSERT INTO user_jurisdictions (user_id, unit_code) SELECT id, '${G1}' FROM users WHERE username = 'wk1';
				INSERT INTO user_jurisdictions (user_id, unit_code) SELECT id, '${G2}' FROM users WHERE username = 'wk2';
			`);
			const item = (id: string, lon: number, category = 'environment') => ({ id, category, lon, lat: 32.05, reported_at: '2025-09-26T15:00:00+08:00' });
			await ingestCases(db, [item('OPS-1', 118.05), item('OPS-2', 118.05, 'facility_damage'), item('OPS-3', 118.05), item('OPS-4', 118.15)]);
		}, 120_000);
		afterAll(() => engine.cleanup());

		it('finds the case a point of the points view stands for (Float32 position, whole second, category), inside the reader only', async () => {
			const key = { lon: Math.fround(118.15), lat: Math.fround(32.05), reportedAt: at('2025-09-26T15:00:00'), category: 'environment' };
			expect(await findCaseAt(db, key, null)).toBe('OPS-4');
			expect(await findCaseAt(db, { ...key, reportedAt: new Date(key.reportedAt.getTime() + 999) }, null)).toBe('OPS-4');
			expect(await findCaseAt(db, { ...key, category: 'dispute' }, null)).toBeNull();
			expect(await findCaseAt(db, { ...key, reportedAt: new Date(key.reportedAt.getTime() + 5000) }, null)).toBeNull();
			expect(await findCaseAt(db, { ...key, lon: 118.1503 }, null)).toBeNull(); // 30 m off
			expect(await findCaseAt(db, key, [G2])).toBe('OPS-4');
			expect(await findCaseAt(db, key, [G1])).toBeNull(); // outside the reader: as if there were none
		});

		it("changes a subclass's department and limits, refusing an unknown one or a limit that is not a positive amount in a known unit", async () => {
			const tax = await loadTaxonomy(db);
			const sub = tax.subclasses.find((x) => x.code === 'E0102')!;
			const change = { department: 'urban_mgmt', urgentDefault: true, limits: structuredClone(sub.limits) };
			change.limits.normal.handle = { amount: 3, unit: 'work_day' };
			expect(() => checkSubclassChange(tax, 'E9999', change)).toThrow(/没有小类“E9999”/);
			expect(() => checkSubclassChange(tax, 'E0102', { ...change, department: 'nasa' })).toThrow(/没有部门“nasa”/);
			const zero = structuredClone(change);
			zero.limits.urgent.verify = { amount: 0, unit: 'hour' };
			expect(() => checkSubclassChange(tax, 'E0102', zero)).toThrow(/紧急时限“核查”须为大于 0/);
			const badUnit = structuredClone(change);
			(badUnit.limits.normal.close as { unit: string }).unit = 'fortnight';
			expect(() => checkSubclassChange(tax, 'E0102', badUnit)).toThrow(/一般时限“结案”/);
			await db.transaction((tx) => updateSubclass(tx, 'E0102', checkSubclassChange(tax, 'E0102', change)));
			const after = (await loadTaxonomy(db)).subclasses.find((x) => x.code === 'E0102')!;
			expect(after).toMatchObject({ department_code: 'urban_mgmt', urgent_default: true });
			expect(after.limits.normal.handle).toEqual({ amount: 3, unit: 'work_day' });
			await db.transaction((tx) => updateSubclass(tx, 'E0102', { department: sub.department_code, urgentDefault: sub.urgent_default, limits: sub.limits }));
		});

		it('refuses a working calendar that lists a day twice or a day outside its year', () => {
			expect(() =>
				checkYearDays(2026, {
					days: [
						{ day: '2026-10-01', kind: 'holiday' },
						{ day: '2026-10-01', kind: 'workday' }
					]
				})
			).toThrow(/2026-10-01 出现了两次/);
			expect(() => checkYearDays(2026, { days: [{ day: '2025-10-01', kind: 'holiday' }] })).toThrow(/2026 年内/);
		});

		it('seeds the taxonomy (CJ/T 214 classes), maps every category onto a subclass, and the calendar', async () => {
			const tax = await loadTaxonomy(db);
			expect(tax.classes.map((c) => c.code)).toEqual(['E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'P01', 'P02', 'P03', 'P04', 'P06']);
			expect(tax.subclasses.length).toBeGreaterThan(30);
			expect(tax.categories.every((c) => tax.subclasses.some((s) => s.code === c.subclass_code))).toBe(true);
			const garbage = tax.subclasses.find((s) => s.code === 'E0102')!;
			expect(garbage).toMatchObject({
				department_code: 'sanitation',
				limits: { normal: { handle: { amount: 1, unit: 'work_day' } }, urgent: { handle: { amount: 2, unit: 'hour' } } }
			});
			const { calendar } = await loadCalendar(db);
			expect(calendar.days.get('2025-10-08')).toBe('holiday');
			expect(calendar.days.get('2025-09-28')).toBe('workday');
			expect(calendar.days.get('2026-10-10')).toBe('workday');
		});

		it('takes a case through every stage across National Day: due times, 预警, rework, lateness, actors', async () => {
			let ops = await takeStep(db, 'OPS-1', { action: 'register' }, leader, at('2025-09-26T15:30:00'));
			expect(ops).toMatchObject({ stage: 'dispatch', subclass: { code: 'E0102' }, department: { code: 'sanitation' }, assignees: ['wk1'], late: false });
			expect(ops.clock).toMatchObject({ dueAt: at('2025-09-26T16:30:00').toISOString(), state: 'ok' });
			// Dispatched after the weekend and the make-up Sunday: late; handling due after the 8-day holiday.
			ops = await takeStep(db, 'OPS-1', { action: 'dispatch' }, leader, at('2025-09-30T10:00:00'));
			expect(ops).toMatchObject({ stage: 'handle', late: true, handleDueAt: at('2025-10-09T10:00:00').toISOString() });
			const during = await caseOps(db, 'OPS-1', at('2025-10-05T12:00:00'));
			expect(during!.clock).toMatchObject({ usedMin: 360, leftMin: 90, share: 0.8, state: 'warning', left: { zh: '1工作小时30分' } });
			expect((await caseOps(db, 'OPS-1', at('2025-10-09T10:30:00')))!.clock).toMatchObject({ leftMin: -30, state: 'overdue' });
			const [row] = await db.query<{ status: string; due_at: Date }>("SELECT status, due_at FROM cases WHERE source_id = 'OPS-1'");
			expect(row.status).toBe('dispatched');
			expect(new Date(row.due_at).toISOString()).toBe(at('2025-10-09T10:00:00').toISOString());

			await takeStep(db, 'OPS-1', { action: 'handle' }, worker, at('2025-10-09T09:00:00'));
			ops = await takeStep(db, 'OPS-1', { action: 'verify_fail', reason: '垃圾未清运干净' }, leader, at('2025-10-09T10:00:00'));
			expect(ops).toMatchObject({ stage: 'handle', reworkCount: 1 });
			expect(ops.clock!.dueAt).toBe(at('2025-10-10T10:00:00').toISOString());
			await takeStep(db, 'OPS-1', { action: 'handle' }, worker, at('2025-10-09T15:00:00'));
			await takeStep(db, 'OPS-1', { action: 'verify_pass' }, leader, at('2025-10-09T15:30:00'));
			ops = await takeStep(db, 'OPS-1', { action: 'close' }, leader, at('2025-10-09T16:00:00'));
			expect(ops.stage).toBe('closed');
			expect(ops.clock).toBeNull();
			expect(ops.steps.map((s) => [s.action, s.actor, s.late])).toEqual([
				['register', 'user:lead', false],
				['dispatch', 'user:lead', true],
				['handle', 'user:wk1', false],
				['verify_fail', 'user:lead', false],
				['handle', 'user:wk1', false],
				['verify_pass', 'user:lead', false],
				['close', 'user:lead', false]
			]);
			expect(ops.steps[3].reason).toBe('垃圾未清运干净');
			const events = await db.query<{ status: string; kind: string }>(
				"SELECT e.status, e.kind FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.source_id = 'OPS-1' ORDER BY e.id"
			);
			expect(events.map((e) => e.status)).toEqual(['reported', 'registered', 'dispatched', 'handled', 'dispatched', 'handled', 'handled', 'closed']);
			expect(events[4].kind).toBe('update'); // rework: back, named
		});

		it('refuses steps out of order, the other side’s steps, and missing reasons — naming the case and what is allowed', async () => {
			await expect(takeStep(db, 'OPS-1', { action: 'handle' }, worker, at('2025-10-10T09:00:00'))).rejects.toThrow(/OPS-1.*已结案/);
			await expect(takeStep(db, 'OPS-2', { action: 'register' }, worker, at('2025-09-26T15:30:00'))).rejects.toMatchObject({
				status: 403,
				code: 'not_your_side'
			});
			await takeStep(db, 'OPS-2', { action: 'register', urgent: false }, leader, at('2025-09-26T15:30:00'));
			await expect(takeStep(db, 'OPS-2', { action: 'close' }, leader, at('2025-09-26T15:40:00'))).rejects.toMatchObject({ code: 'step_not_allowed' });
			await expect(takeStep(db, 'OPS-2', { action: 'register', subclass: 'E9999' }, leader)).rejects.toThrow(/step_not_allowed|不能/);
			await takeStep(db, 'OPS-2', { action: 'dispatch' }, leader, at('2025-09-26T15:45:00'));
			await expect(takeStep(db, 'OPS-2', { action: 'send_back' }, worker, at('2025-09-26T16:00:00'))).rejects.toMatchObject({ code: 'reason_required' });
			const back = await takeStep(db, 'OPS-2', { action: 'send_back', reason: '不属于本部门' }, worker, at('2025-09-26T16:00:00'));
			expect(back).toMatchObject({ stage: 'dispatch', sendBackCount: 1 });
			const again = await takeStep(db, 'OPS-2', { action: 'dispatch', department: 'water' }, leader, at('2025-09-26T16:10:00'));
			expect(again.department.code).toBe('water');
			await expect(takeStep(db, 'OPS-2', { action: 'dispatch', department: 'nope' }, leader)).rejects.toThrow();
		});

		it('缓办: requested by the handler, approved by the command centre, the deadline moved by working days', async () => {
			const before = (await caseOps(db, 'OPS-2'))!.handleDueAt!;
			await expect(takeStep(db, 'OPS-2', { action: 'postpone_approve' }, leader, at('2025-09-29T09:00:00'))).rejects.toMatchObject({ code: 'postponement' });
			await takeStep(db, 'OPS-2', { action: 'postpone_request', reason: '需采购井盖', days: 2 }, worker, at('2025-09-29T09:00:00'));
			const ops = await takeStep(db, 'OPS-2', { action: 'postpone_approve' }, leader, at('2025-09-29T10:00:00'));
			expect(ops.postponement).toBe('approved');
			const { calendar } = await loadCalendar(db);
			expect(elapsed(calendar, Date.parse(before), Date.parse(ops.handleDueAt!), 'work_day')).toBe(2 * 450);
		});

		it('作废 with a reason: the case is voided, out of the KPIs, and no feed revives it', async () => {
			await takeStep(db, 'OPS-3', { action: 'register' }, leader, at('2025-09-26T15:30:00'));
			const ops = await takeStep(db, 'OPS-3', { action: 'void', reason: '重复上报' }, leader, at('2025-09-26T15:35:00'));
			expect(ops.stage).toBe('voided');
			const revived = await ingestCases(db, { id: 'OPS-3', status: 'closed' });
			expect(revived.errors[0].code).toBe('status_backwards');
			const k = await caseKpis(db, at('2025-09-27T12:00:00'), null, null);
			expect(k.total).toBe(3); // OPS-3 is not counted
		});

		it('scorecards by grid, worker and department with the standard formulas; jurisdiction; CSV', async () => {
			await takeStep(db, 'OPS-4', { action: 'register' }, leader, at('2025-09-26T15:10:00'));
			const now = at('2025-10-20T12:00:00');
			const card = await buildScorecard(db, { level: 'grid', month: '2025-09' }, null, now);
			const g1 = card.rows.find((r) => r.key === G1)!;
			expect(g1.name).toBe('=东社区 一网格');
			// OPS-1 closed late (reworked), OPS-2 postponed and unhandled, OPS-3 voided.
			expect(g1.counts).toMatchObject({
				registered: 3,
				registeredOnTime: 3,
				dispatched: 2,
				dispatchedOnTime: 1,
				due: 2,
				closed: 1,
				closedOnTime: 0,
				postponed: 1,
				handled: 1,
				reworked: 1,
				overdue: 2,
				voided: 1
			});
			expect(g1.rates.onTimeClosureRate).toEqual({ value: 0, num: 0, den: 1 });
			expect(g1.rates.closureRate).toEqual({ value: 0.5, num: 1, den: 2 });
			expect(g1.rates.reworkRate).toEqual({ value: 1, num: 1, den: 1 });
			expect(g1.rank).toBeNull(); // fewer due cases than the scheme's minimum (5)
			expect(g1.score).toBe(4.8); // 按期 0 % (70 points short) → 0 of 50; 结案 50 % → 0 of 20; one rework: 5 − 0.2
			expect(card.rows.find((r) => r.key === G2)!.counts).toMatchObject({ registered: 1, due: 0 });
			expect(card.total.counts.registered).toBe(4);
			expect(card.rows[0].trend).not.toBeNull();

			const workers = await buildScorecard(db, { level: 'worker', month: '2025-09' }, null, now);
			expect(workers.rows.map((r) => [r.key, r.name, r.counts.registered])).toEqual([
				['wk1', '王网格员', 3],
				['wk2', '李网格员', 1]
			]);
			const departments = await buildScorecard(db, { level: 'department', month: '2025-09' }, null, now);
			expect(departments.rows.map((r) => r.key).sort()).toEqual(['sanitation', 'water']);

			const scoped = await buildScorecard(db, { level: 'community', month: '2025-09' }, [C2], now);
			expect(scoped.rows.map((r) => r.key)).toEqual([C2]);
			expect(scoped.total.counts.registered).toBe(1);
			const october = await buildScorecard(db, { level: 'grid', month: '2025-10' }, null, now);
			expect(october.rows).toEqual([]);

			const csv = scorecardCsv(card);
			expect(csv.startsWith('\ufeff排名 / rank,')).toBe(true);
			expect(csv).toContain("'=东社区 一网格");
			expect(csv).toContain('按期结案率分母（应结案数 − 缓办数）');
		});

		it('counts from the per-day and per-month rollup exactly as from the cases, after steps, plain SQL, re-attribution and deletes, at any time of evaluation', async () => {
			const item = (id: string, lon: number, reported: string) => ({ id, category: 'environment', lon, lat: 32.05, reported_at: `${reported}+08:00` });
			await ingestCases(db, [
				item('RU-1', 118.05, '2025-10-30T09:00:00'),
				item('RU-2', 118.05, '2025-10-31T23:30:00'),
				item('RU-3', 118.15, '2025-11-03T10:00:00'),
				item('RU-4', 118.15, '2025-11-03T11:00:00'),
				item('RU-5', 118.05, '2025-11-04T08:00:00')
			]);
			const step = (id: string, action: string, local: string, extra: Record<string, unknown> = {}) =>
				takeStep(db, id, { action, reason: '测试', ...extra }, ['handle', 'send_back', 'postpone_request'].includes(action) ? worker : leader, at(local));
			// Registered on the evening of 10-31 Beijing time (still 10-31 UTC+8, 15:40 UTC): the day boundary.
			await step('RU-2', 'register', '2025-10-31T23:40:00', { urgent: true });
			await step('RU-1', 'register', '2025-10-30T09:30:00', { urgent: true });
			await step('RU-1', 'dispatch', '2025-10-30T10:00:00');
			await step('RU-1', 'handle', '2025-10-30T15:00:00');
			await step('RU-1', 'verify_fail', '2025-10-30T16:00:00');
			await step('RU-1', 'handle', '2025-11-03T09:00:00');
			await step('RU-1', 'verify_pass', '2025-11-03T09:30:00');
			await step('RU-1', 'close', '2025-11-03T10:00:00');
			await step('RU-3', 'register', '2025-11-03T10:10:00');
			await step('RU-3', 'dispatch', '2025-11-03T10:20:00');
			await step('RU-3', 'send_back', '2025-11-03T11:00:00');
			await step('RU-3', 'dispatch', '2025-11-03T11:10:00', { department: 'water' });
			await step('RU-3', 'reassign', '2025-11-03T11:20:00', { department: 'municipal' });
			await step('RU-3', 'postpone_request', '2025-11-04T09:00:00', { days: 3 });
			await step('RU-3', 'postpone_approve', '2025-11-04T09:30:00');
			await step('RU-3', 'handle', '2025-11-20T09:00:00');
			await step('RU-4', 'register', '2025-11-03T12:00:00');
			await step('RU-4', 'dispatch', '2025-11-03T12:10:00');
			await step('RU-4', 'void', '2025-11-03T12:20:00');
			await step('RU-5', 'register', '2025-11-04T08:30:00', { urgent: true });
			await step('RU-5', 'dispatch', '2025-11-04T08:40:00');

			const periods = [
				{ from: at('2025-09-01T00:00:00').getTime(), to: at('2026-01-01T00:00:00').getTime() },
				{ from: at('2025-10-31T00:00:00').getTime(), to: at('2025-11-01T00:00:00').getTime() },
				{ from: at('2025-11-01T00:00:00').getTime(), to: at('2025-12-01T00:00:00').getTime() },
				{ from: at('2025-10-15T00:00:00').getTime(), to: at('2025-11-04T00:00:00').getTime() }, // days only
				{ from: at('2025-09-20T00:00:00').getTime(), to: at('2025-11-04T00:00:00').getTime() }, // days, a month, days
				{ from: at('2025-11-03T12:00:00').getTime(), to: at('2025-11-05T00:00:00').getTime() } // not on a day boundary: read directly
			];
			const times = ['2025-10-01T00:00:00', '2025-11-03T09:45:00', '2025-11-05T12:00:00', '2025-12-31T12:00:00'].map(at);
			const same = async (label: string) => {
				for (const level of SCORE_LEVELS)
					for (const period of periods)
						for (const asOf of times)
							for (const scope of [null, [C2], [G1], []]) {
								const direct = await scoreCountsDirect(db, level, period, asOf, scope);
								expect(await scoreCounts(db, level, period, asOf, scope), `${label}: ${level} ${JSON.stringify(scope)} ${asOf.toISOString()}`).toEqual(direct);
							}
				// No drift: the rollup as kept equals the rollup rebuilt from the cases.
				const snapshot = async () => {
					const rows = [];
					for (const table of ['case_score_days', 'case_score_worker_days', 'case_score_months', 'case_score_worker_months'])
						rows.push(await db.query(`SELECT to_jsonb(t) - 'day' || jsonb_build_object('day', day::text, 't', $1::text) AS r FROM ${table} t`, [table]));
					return rows
						.flat()
						.map((x) => JSON.stringify(x.r))
						.sort();
				};
				const kept = await snapshot();
				await db.query('SELECT case_score_days_rebuild()');
				expect(kept, label).toEqual(await snapshot());
			};
			await same('after the steps');
			const card = await buildScorecard(db, { level: 'grid', month: '2025-11' }, null, times[3]);
			expect(card).toEqual(await buildScorecard(db, { level: 'grid', month: '2025-11' }, null, times[3], { direct: true }));

			// Plain SQL: an operator re-attributes a case, edits counted facts, adds a worker, deletes a case.
			await db.exec(`
				UPDATE cases SET grid_code = '${G2}', community_code = '${C2}' WHERE source_id = 'RU-5';
				UPDATE case_ops SET rework_count = 3, assignees = ARRAY['wk1', 'wk2'] WHERE case_id = (SELECT id FROM cases WHERE source_id = 'RU-1');
				UPDATE case_ops SET closed_at = NULL WHERE case_id = (SELECT id FROM cases WHERE source_id = 'OPS-1');
				DELETE FROM cases WHERE source_id = 'RU-2';
				UPDATE cases SET status = 'closed' WHERE source_id = 'OPS-4';
				UPDATE case_ops SET urgent = true WHERE case_id = (SELECT id FROM cases WHERE source_id = 'OPS-1');
				UPDATE case_ops SET urgent = false WHERE case_id = (SELECT id FROM cases WHERE source_id = 'RU-5');
			`);
			await same('after plain SQL');
			await db.exec(`DELETE FROM case_ops WHERE case_id = (SELECT id FROM cases WHERE source_id = 'RU-3')`);
			await same('after a case_ops delete');
			// The migrations run again (forward-only, idempotent) rebuild the same rollup.
			for (const file of ['019_case_score_days.sql', '020_case_urgent_scores.sql'])
				await db.transaction((tx) => tx.exec(fs.readFileSync(path.join(import.meta.dirname, '../migrations', file), 'utf8')));
			await same('after the migrations ran again');
		}, 120_000);

		it('scores urgent cases on their own: counts (rollup = direct), rates with their denominators, a scheme item, the CSV', async () => {
			const item = (id: string) => ({ id, category: 'environment', lon: 118.15, lat: 32.05, reported_at: '2025-12-01T08:50:00+08:00' });
			await ingestCases(db, ['UR-1', 'UR-2', 'UR-3', 'UR-4'].map(item));
			const step = (id: string, action: string, time: string, extra: Record<string, unknown> = {}) =>
				takeStep(db, id, { action, ...extra }, action === 'handle' ? worker : leader, at(`2025-12-01T${time}:00`));
			// UR-1 urgent: handled within its 2 clock hours (E0102), closed. UR-2 urgent: dispatched, never handled.
			// UR-3 normal: handled within its working day, closed. UR-4 normal: registered, never dispatched.
			await step('UR-1', 'register', '09:00', { urgent: true });
			await step('UR-2', 'register', '09:00', { urgent: true });
			await step('UR-3', 'register', '09:00', { urgent: false });
			await step('UR-4', 'register', '09:00', { urgent: false });
			for (const id of ['UR-1', 'UR-2', 'UR-3']) await step(id, 'dispatch', '09:10');
			for (const id of ['UR-1', 'UR-3']) {
				await step(id, 'handle', '09:40');
				await step(id, 'verify_pass', '09:50');
				await step(id, 'close', '10:00');
			}
			const now = at('2025-12-02T12:00:00');
			const card = await buildScorecard(db, { level: 'grid', month: '2025-12' }, null, now);
			const g2 = card.rows.find((r) => r.key === G2)!;
			expect(g2.counts).toMatchObject({
				registered: 4,
				due: 3,
				closed: 2,
				closedOnTime: 2,
				overdue: 2, // UR-2 past its handling deadline, UR-4 past its dispatch limit
				urgentRegistered: 2,
				urgentDue: 2,
				urgentClosed: 1,
				urgentClosedOnTime: 1,
				urgentPostponed: 0,
				urgentOverdue: 1
			});
			expect(g2.rates.urgentOnTimeClosureRate).toEqual({ value: 0.5, num: 1, den: 2 });
			expect(g2.rates.urgentClosureRate).toEqual({ value: 0.5, num: 1, den: 2 });
			expect(g2.rates.onTimeClosureRate).toEqual({ value: 2 / 3, num: 2, den: 3 });
			// The rollup gives the direct count, for every level, before and after the deadline passes.
			const month = { from: at('2025-12-01T00:00:00').getTime(), to: at('2026-01-01T00:00:00').getTime() };
			for (const level of SCORE_LEVELS)
				for (const asOf of [at('2025-12-01T10:30:00'), now])
					expect(await scoreCounts(db, level, month, asOf, null), `${level} ${asOf.toISOString()}`).toEqual(
						await scoreCountsDirect(db, level, month, asOf, null)
					);
			expect(card).toEqual(await buildScorecard(db, { level: 'grid', month: '2025-12' }, null, now, { direct: true }));

			// A scheme with urgent items (an example, not a city's published figures).
			await db.query(
				`INSERT INTO case_score_schemes (id, name_zh, name_en, source, items, min_due) VALUES ('urgent_example', '紧急案件示例', 'Urgent example', '示例', $1::jsonb, 1)`,
				[
					JSON.stringify([
						{ indicator: 'onTimeClosureRate', points: 50, target: 0.7, perPoint: 1 },
						{ indicator: 'urgentOnTimeClosureRate', points: 10, target: 0.9, perPoint: 0.5 },
						{ indicator: 'urgentOverdue', points: 5, perCase: 1 }
					])
				]
			);
			const urgent = await buildScorecard(db, { level: 'grid', month: '2025-12', scheme: 'urgent_example' }, null, now);
			const row = urgent.rows.find((r) => r.key === G2)!;
			// 按期 66.7 % (3.3 points short of 70 %) → 46.67; 紧急按期 50 % (40 points short of 90 %, 0.5 each) → 10 − 20 → 0; one urgent case overdue → 4.
			expect(row.items.map((i) => [i.indicator, i.score])).toEqual([
				['onTimeClosureRate', 46.67],
				['urgentOnTimeClosureRate', 0],
				['urgentOverdue', 4]
			]);
			expect(row.score).toBe(50.67);
			expect(row.rank).toBe(1);

			const csv = scorecardCsv(card);
			const [header, ...lines] = csv.slice(1).split('\n');
			const cols = header.split(',');
			const g2Line = lines.find((l) => l.includes(G2))!.split(',');
			const cell = (name: string) => g2Line[cols.indexOf(name)];
			expect(cell('紧急立案数 / urgent registered')).toBe('2');
			expect(cell('紧急案件超期数 / urgent overdue')).toBe('1');
			expect(cell('紧急案件按期结案率 % / Urgent on-time closure rate %')).toBe('50');
			expect(cell('紧急案件按期结案率分母（紧急应结案数 − 紧急缓办数）/ denominator (urgent due − urgent postponed)')).toBe('2');
		});
	});
}

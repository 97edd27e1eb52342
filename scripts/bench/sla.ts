// npm run bench -- sla [--smoke] [--cases 1000000] [--grids 2000] [--only pglite|postgres]
// Case-operation scorecards at scale (issue 18): N cases over 2025 with realistic step times (立案 within
// 0–90 min, 派遣 0–80 min later, handling 1–5 days with about one in six late, verification and closure, a
// few voided, postponed and reworked; the last weeks partly open), one worker per grid, written set-based;
// (50 grids a community, 10 communities a subdistrict; the per-day rollup kept by its triggers as for any
// bulk write), then the full scorecard (both periods, names, score, rank, trend) of every grid and every
// worker for a month and for the year from the rollup, and in the same run the old direct method (every
// case of the period scanned) with the ratio, on the embedded engine and on PostgreSQL (BENCH_DATABASE_URL
// or DATABASE_URL; own schema, dropped afterwards); the two must give the same scorecards (`same`). Also
// due-time computations per second on the seeded calendar.
// Then the rollup triggers' cost on the write path, in the same database at its full size: cases
// ingested through the API's ingestCases and taken through 立案 → 派遣 → 处置 → 核查 → 结案 by takeStep,
// in rounds alternately with the rollup's triggers enabled and disabled (ALTER TABLE … DISABLE
// TRIGGER, this bench's own database; order with, without, without, with…), the ratio of the means.
// Ends with RESULT {"pglite": {scorecard_month_ms, scorecard_year_ms, scorecard_month_direct_ms,
// scorecard_year_direct_ms, year_speedup, same, step_ms, step_ms_no_rollup, rollup_overhead_ratio,
// ingest_ms_per_1000, ingest_ms_per_1000_no_rollup, ingest_overhead_ratio, …}, "postgres": {…},
// "due_calc_per_s", "rollup_overhead_ratio" (the highest of the engines measured), "same"}.
import { openDb, type Db } from '../../src/lib/server/db';
import { ingestCases } from '../../src/lib/server/cases';
import { takeStep } from '../../src/lib/server/cases/ops';
import { buildScorecard } from '../../src/lib/server/cases/scorecard';
import { ROLE_CAPABILITIES, type Principal } from '../../src/lib/auth/capabilities';
import { loadCalendar } from '../../src/lib/server/cases/taxonomy';
import { addWorkingTime, type LimitUnit } from '$geo/cases/worktime';

const arg = (name: string, fallback: number) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
// --smoke (or GRIDATLAS_BENCH_SIZE=smoke): a few thousand cases, in seconds (tests/benches.test.ts).
const smoke = process.argv.includes('--smoke') || process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const N = arg('cases', smoke ? 5_000 : 1_000_000);
const GRIDS = arg('grids', smoke ? 100 : 2000);
const CHUNK = 100_000;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

/** A pseudo-random share in [0, 1) from the case number and a salt (the same data on both engines). */
const r = (salt: number) => `((((i::bigint * 2654435761 + ${salt * 40503}) % 1000003) + 1000003) % 1000003)::float8 / 1000003`;

async function seed(db: Db) {
	const t0 = performance.now();
	for (let from = 1; from <= N; from += CHUNK) {
		const to = Math.min(N, from + CHUNK - 1);
		await db.query(
			`INSERT INTO cases (source_id, category, status, reported_at, geom, grid_code, community_code, subdistrict_code, updated_at)
			 SELECT 'SLA-' || i, 'environment', 'reported', timestamptz '2025-01-01 00:00+08' + (i::float8 / $3) * interval '365 days',
				ST_SetSRID(ST_MakePoint(118.7 + (i % 997) * 1e-4, 32.0 + (i % 991) * 1e-4), 4326),
				g, left(g, 12), left(g, 9), now()
			 FROM generate_series($1::int, $2::int) AS i,
				LATERAL (SELECT '320100' || lpad(((i % $4) / 500)::text, 3, '0') || lpad((((i % $4) / 50) % 10)::text, 3, '0') || lpad(((i % $4) % 50)::text, 3, '0') AS g) u`,
			[from, to, N, GRIDS]
		);
	}
	await db.query(
		`INSERT INTO case_ops (case_id, subclass_code, urgent, department_code, assignees, registered_at, register_due_at, dispatch_due_at,
			dispatched_at, handle_due_at, handled_at, verified_at, closed_at, voided_at, void_reason, stage_started_at, stage_due_at, stage_unit,
			postponement, rework_count, late)
		 SELECT id, 'E0102', false, CASE WHEN ${r(9)} < 0.5 THEN 'sanitation' ELSE 'urban_mgmt' END, ARRAY['w' || grid_code],
			reg, rep + interval '60 minutes', reg + interval '60 minutes',
			disp, hdue, hand, CASE WHEN open THEN NULL ELSE hand + interval '1 hour' END,
			CASE WHEN open OR void THEN NULL ELSE hand + interval '90 minutes' END,
			CASE WHEN void THEN reg + interval '10 minutes' END, CASE WHEN void THEN '重复上报' END,
			CASE WHEN open THEN disp ELSE hand END, CASE WHEN open THEN hdue END, CASE WHEN open THEN 'work_day' END,
			CASE WHEN ${r(7)} < 0.03 THEN 'approved' END,
			CASE WHEN ${r(8)} < 0.01 THEN 3 WHEN ${r(8)} < 0.08 THEN 1 ELSE 0 END,
			disp > reg + interval '60 minutes' OR hand > hdue
		 FROM (
			SELECT c.id, c.grid_code, c.reported_at AS rep, i,
				c.reported_at + ${r(1)} * interval '90 minutes' AS reg,
				c.reported_at + ${r(1)} * interval '90 minutes' + ${r(2)} * interval '80 minutes' AS disp,
				c.reported_at + interval '3 hours' + (1 + 4 * ${r(3)}) * interval '1 day' AS hdue,
				c.reported_at + interval '3 hours' + (1 + 4 * ${r(3)}) * ${r(4)} * 1.2 * interval '1 day' AS hand,
				c.reported_at > timestamptz '2025-12-10 00:00+08' AND ${r(5)} < 0.4 AS open,
				${r(6)} < 0.01 AS void
			FROM cases c, LATERAL (SELECT substring(c.source_id FROM 5)::bigint AS i) n
			WHERE c.source_id LIKE 'SLA-%'
		 ) s`
	);
	await db.query(
		`UPDATE cases c SET status = CASE WHEN o.voided_at IS NOT NULL THEN 'voided' WHEN o.closed_at IS NOT NULL THEN 'closed' ELSE 'dispatched' END FROM case_ops o WHERE o.case_id = c.id`
	);
	await db.query('ANALYZE cases');
	await db.query('ANALYZE case_ops');
	return performance.now() - t0;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
	const runs: number[] = [];
	for (let k = 0; k < 3; k++) {
		const t = performance.now();
		await fn();
		runs.push(performance.now() - t);
	}
	return Math.round(runs.sort((a, b) => a - b)[1]);
}

async function measure(db: Db, engine: string) {
	const seedMs = await seed(db);
	const now = new Date('2026-01-15T12:00:00+08:00');
	const [{ rows: rollupRows }] = await db.query<{ rows: number }>(
		`SELECT (SELECT count(*) FROM case_score_days) + (SELECT count(*) FROM case_score_worker_days) + (SELECT count(*) FROM case_score_months)
			+ (SELECT count(*) FROM case_score_worker_months) AS rows`
	);
	const out: Record<string, number | boolean> = { seed_s: Math.round(seedMs / 100) / 10, rollup_rows: Number(rollupRows) };
	const month = { month: '2025-06' };
	const year = { from: '2025-01-01', to: '2025-12-31' };
	let same = true;
	for (const level of ['grid', 'worker'] as const) {
		for (const [name, period] of [
			['month', month],
			['year', year]
		] as const) {
			out[`${level}_${name}_ms`] = await timed(() => buildScorecard(db, { level, ...period }, null, now));
			out[`${level}_${name}_direct_ms`] = await timed(() => buildScorecard(db, { level, ...period }, null, now, { direct: true }));
			const card = JSON.stringify(await buildScorecard(db, { level, ...period }, null, now));
			same &&= card === JSON.stringify(await buildScorecard(db, { level, ...period }, null, now, { direct: true }));
		}
	}
	const ms = (k: string) => out[k] as number;
	const card = await buildScorecard(db, { level: 'grid', month: '2025-06' }, null, now);
	out.units_month = card.rows.length;
	out.scorecard_month_ms = Math.max(ms('grid_month_ms'), ms('worker_month_ms'));
	out.scorecard_year_ms = Math.max(ms('grid_year_ms'), ms('worker_year_ms'));
	out.scorecard_month_direct_ms = Math.max(ms('grid_month_direct_ms'), ms('worker_month_direct_ms'));
	out.scorecard_year_direct_ms = Math.max(ms('grid_year_direct_ms'), ms('worker_year_direct_ms'));
	out.year_speedup = Math.round((ms('scorecard_year_direct_ms') / Math.max(1, ms('scorecard_year_ms'))) * 10) / 10;
	out.same = same;
	Object.assign(out, await rollupOverhead(db));
	console.log(
		`${engine}: ${N} cases seeded in ${out.seed_s} s (${out.rollup_rows} rollup rows); rollup: month ${out.scorecard_month_ms} ms, year ${out.scorecard_year_ms} ms ` +
			`(grid ${out.grid_month_ms}/${out.grid_year_ms}, worker ${out.worker_month_ms}/${out.worker_year_ms}); ` +
			`direct: month ${out.scorecard_month_direct_ms} ms, year ${out.scorecard_year_direct_ms} ms ` +
			`(grid ${out.grid_month_direct_ms}/${out.grid_year_direct_ms}, worker ${out.worker_month_direct_ms}/${out.worker_year_direct_ms}); ` +
			`year ×${out.year_speedup} faster; same scorecards: ${same}; ${out.units_month} grids scored; ` +
			`a step ${out.step_ms} ms with the rollup's triggers, ${out.step_ms_no_rollup} ms without (×${out.rollup_overhead_ratio}); ` +
			`ingest ${out.ingest_ms_per_1000} ms per 1,000 cases with, ${out.ingest_ms_per_1000_no_rollup} ms without (×${out.ingest_overhead_ratio})`
	);
	return out;
}

/** The rollup's statement triggers (migrations/019_case_score_days.sql). */
const ROLLUP_TRIGGERS: [table: string, triggers: string[]][] = [
	['case_ops', ['case_ops_counted_insert', 'case_ops_counted_update', 'case_ops_counted_delete', 'case_ops_counted_truncate']],
	['cases', ['cases_ops_counted_insert', 'cases_ops_counted_update', 'cases_ops_counted_delete', 'cases_ops_counted_truncate']]
];
const setRollupTriggers = async (db: Db, on: boolean) => {
	for (const [table, triggers] of ROLLUP_TRIGGERS)
		await db.exec(`ALTER TABLE ${table} ${triggers.map((t) => `${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t}`).join(', ')}`);
};

/**
 * The write path with and without the rollup's triggers: per round, `ingest` cases through ingestCases
 * (batches of 500) and `steps` of them from 立案 to 结案 (five steps each, one worker per grid as
 * assignee), rounds alternating after one not counted. Leaves the triggers enabled; the rollup misses the cases written
 * without them (this database is dropped afterwards).
 */
async function rollupOverhead(db: Db): Promise<Record<string, number>> {
	const rounds = 4;
	const ingest = smoke ? 100 : 2000;
	const steps = smoke ? 4 : 50;
	const grids = 20;
	const admin: Principal = {
		kind: 'user',
		id: 0,
		name: 'bench',
		displayName: 'bench',
		role: 'admin',
		capabilities: [...ROLE_CAPABILITIES.admin],
		units: ['*']
	};
	// Grid workers of the first grids, so registration assigns them (the worker rows of the rollup are written too).
	await db.query(
		`INSERT INTO users (username, display_name, role, password_hash)
		 SELECT 'w' || g, 'w' || g, 'worker', 'x' FROM (SELECT '320100' || lpad((i / 500)::text, 3, '0') || lpad(((i / 50) % 10)::text, 3, '0') || lpad((i % 50)::text, 3, '0') AS g
		 FROM generate_series(0, $1::int - 1) i) x ON CONFLICT DO NOTHING`,
		[grids]
	);
	await db.query(
		`INSERT INTO user_jurisdictions (user_id, unit_code) SELECT id, substring(username FROM 2) FROM users WHERE username LIKE 'w320100%' ON CONFLICT DO NOTHING`
	);
	const time = { with: { step: 0, ingest: 0 }, without: { step: 0, ingest: 0 } };
	const reported = Date.parse('2025-12-20T09:00:00+08:00');
	// Round -1 warms up (plans, caches) and is not counted.
	for (let round = -1; round < rounds; round++) {
		const mode = round < 0 || round % 4 === 0 || round % 4 === 3 ? 'with' : 'without';
		const count = round >= 0;
		await setRollupTriggers(db, mode === 'with');
		try {
			const ids = Array.from({ length: ingest }, (_, k) => `OVH-${round}-${k}`);
			let t = performance.now();
			for (let k = 0; k < ids.length; k += 500) {
				const r = await ingestCases(
					db,
					ids
						.slice(k, k + 500)
						.map((id, j) => ({ id, category: 'environment', lon: 118.7 + j * 1e-4, lat: 32.0, reported_at: new Date(reported).toISOString() }))
				);
				if (r.errors.length) throw new Error(`ingest refused ${r.errors.length} cases: ${JSON.stringify(r.errors[0])}`);
			}
			if (count) time[mode].ingest += performance.now() - t;
			// The cases lie outside the bench's (absent) boundaries: give the stepped ones a grid.
			await db.query(
				`UPDATE cases SET grid_code = g, community_code = left(g, 12), subdistrict_code = left(g, 9)
				 FROM (SELECT k, '320100' || lpad(((k % $3) / 500)::text, 3, '0') || lpad((((k % $3) / 50) % 10)::text, 3, '0') || lpad(((k % $3) % 50)::text, 3, '0') AS g
					FROM generate_series(0, $2::int - 1) k) x
				 WHERE source_id = $1 || k`,
				[`OVH-${round}-`, steps, grids]
			);
			t = performance.now();
			for (let k = 0; k < steps; k++) {
				const id = ids[k];
				const at = (min: number) => new Date(reported + (10 + min) * 60_000);
				await takeStep(db, id, { action: 'register' }, admin, at(0));
				await takeStep(db, id, { action: 'dispatch' }, admin, at(5));
				await takeStep(db, id, { action: 'handle' }, admin, at(60));
				await takeStep(db, id, { action: 'verify_pass' }, admin, at(70));
				await takeStep(db, id, { action: 'close' }, admin, at(80));
			}
			if (count) time[mode].step += performance.now() - t;
		} finally {
			await setRollupTriggers(db, true);
		}
	}
	const half = rounds / 2;
	const stepMs = (m: 'with' | 'without') => Math.round((time[m].step / (half * steps * 5)) * 100) / 100;
	const ingestMs = (m: 'with' | 'without') => Math.round((time[m].ingest / (half * ingest)) * 1000);
	const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 1e-9)) * 100) / 100;
	return {
		step_ms: stepMs('with'),
		step_ms_no_rollup: stepMs('without'),
		rollup_overhead_ratio: ratio(time.with.step, time.without.step),
		ingest_ms_per_1000: ingestMs('with'),
		ingest_ms_per_1000_no_rollup: ingestMs('without'),
		ingest_overhead_ratio: ratio(time.with.ingest, time.without.ingest)
	};
}

async function dueCalcPerSecond(db: Db): Promise<number> {
	const { calendar } = await loadCalendar(db);
	const units: LimitUnit[] = ['work_hour', 'work_day', 'hour'];
	const start = Date.parse('2025-01-01T00:00:00+08:00');
	let sink = 0;
	const n = smoke ? 20_000 : 200_000;
	const t = performance.now();
	for (let i = 0; i < n; i++)
		sink += addWorkingTime(calendar, start + ((i * 7919) % 365) * 86400_000 + (i % 1440) * 60_000, { amount: 1 + (i % 5), unit: units[i % 3] });
	const s = (performance.now() - t) / 1000;
	if (sink === 0) console.log('');
	return Math.round(n / s);
}

const result: Record<string, unknown> = {};
if (only !== 'postgres') {
	const db = await openDb({ dataDir: 'memory://' });
	try {
		result.pglite = await measure(db, 'pglite');
		result.due_calc_per_s = await dueCalcPerSecond(db);
	} finally {
		await db.close();
	}
}
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
if (serverUrl && only !== 'pglite') {
	const schema = `bench_sla_${process.pid}`;
	const admin = await openDb({ databaseUrl: serverUrl, migrate: false });
	await admin.exec(`CREATE EXTENSION IF NOT EXISTS postgis; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
	const sep = serverUrl.includes('?') ? '&' : '?';
	const db = await openDb({ databaseUrl: `${serverUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema},public`)}` });
	try {
		result.postgres = await measure(db, 'postgres');
	} finally {
		await db.close();
		await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
		await admin.close();
	}
} else console.log('(no BENCH_DATABASE_URL / DATABASE_URL: the server engine is not measured)');
const ratios = [result.pglite, result.postgres].filter(Boolean).map((r) => (r as { rollup_overhead_ratio: number }).rollup_overhead_ratio);
result.rollup_overhead_ratio = ratios.length ? Math.max(...ratios) : null;
// Both methods gave the same scorecards on every engine measured (the bench fails otherwise).
result.same = [result.pglite, result.postgres].every((r) => !r || (r as { same: boolean }).same);
console.log(`RESULT ${JSON.stringify(result)}`);
if (!result.same) process.exit(1);

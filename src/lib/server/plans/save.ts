// Grid plans (see ./index.ts): saving.

import { type Band, type PlanBuilding, hasHardViolations, balanceStats } from '$geo/partition';
import type { Db, Queryable } from '../db';
import { reattributeCases } from '../cases';
import { multiFromJson } from '../db/sql';
import { jobs } from '../jobs/pool';
import type { SaveResult, RevisionSummary, PlanGrid } from './types';
import { type PlanFieldError, PlanInputError, PlanViolationError, PlanConflictError } from './errors';
import { MAX_NOTE, beijingToday, DATE_RE, type RevisionRow, REVISION_COLUMNS, summary } from './util';
import { getCommunity, communityBuildings, latestRevision } from './load';
import { parseGrids, parseAssignments, inputErrorCode } from './parse';

export interface SaveInput {
	grids: unknown;
	assignments?: unknown;
	note?: unknown;
	status?: unknown;
	baseRevision?: unknown;
	effectiveFrom?: unknown;
	band?: unknown;
}

export interface SaveOptions {
	author: string;
	source?: 'editor' | 'import' | 'proposal';
	/** For tests: "today" in Beijing. */
	today?: string;
}

export function parseBand(input: unknown, current: Band, errors: PlanFieldError[]): Band {
	if (input === undefined || input === null) return current;
	const b = input as { min?: unknown; max?: unknown };
	const min = Number(b?.min),
		max = Number(b?.max);
	if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 0 || min > max || max > 100000) {
		errors.push({
			field: 'band',
			code: 'bad_band',
			zh: '户数区间须为正整数且下限不大于上限',
			en: 'the household band must be whole numbers with 0 < min ≤ max'
		});
		return current;
	}
	return { min, max };
}

export async function savePlan(db: Db, communityCode: string, input: SaveInput, opts: SaveOptions): Promise<SaveResult> {
	const community = await getCommunity(db, communityCode);
	const errors: PlanFieldError[] = [];
	const { grids, errors: gridErrors } = parseGrids(input?.grids, community);
	errors.push(...gridErrors);
	const status = input?.status ?? 'draft';
	if (status !== 'draft' && status !== 'approved')
		errors.push({
			field: 'status',
			code: 'bad_status',
			zh: `状态须为 draft（草稿）或 approved（批准），收到 “${String(status)}”`,
			en: `status must be draft or approved, got "${String(status)}"`
		});
	const note = input?.note ?? '';
	if (typeof note !== 'string' || note.length > MAX_NOTE)
		errors.push({ field: 'note', code: 'bad_note', zh: `说明须为不超过 ${MAX_NOTE} 字的文本`, en: `the note must be text of at most ${MAX_NOTE} characters` });
	const base = input?.baseRevision ?? null;
	if (base !== null && !(Number.isInteger(base) && (base as number) > 0))
		errors.push({ field: 'baseRevision', code: 'bad_base_revision', zh: '基准版本须为版本编号或 null', en: 'baseRevision must be a revision id or null' });
	const today = opts.today ?? beijingToday();
	let effective: string | null = null;
	if (status === 'approved') {
		const e = input?.effectiveFrom ?? today;
		if (typeof e !== 'string' || !DATE_RE.test(e) || Number.isNaN(Date.parse(`${e}T00:00:00Z`)) || new Date(`${e}T00:00:00Z`).toISOString().slice(0, 10) !== e)
			errors.push({
				field: 'effectiveFrom',
				code: 'bad_effective_date',
				zh: `生效日期须为 YYYY-MM-DD，收到 “${String(e)}”`,
				en: `effectiveFrom must be a date YYYY-MM-DD, got "${String(e)}"`
			});
		else if (e > today)
			errors.push({
				field: 'effectiveFrom',
				code: 'effective_in_future',
				zh: `生效日期 ${e} 晚于今天 ${today}：批准的方案立即替换现行网格，请填写今天或更早的日期`,
				en: `effectiveFrom ${e} is after today ${today}: an approved plan replaces the grids now, so give today or an earlier date`
			});
		else effective = e;
	} else if (input?.effectiveFrom !== undefined && input?.effectiveFrom !== null && input?.effectiveFrom !== '') {
		errors.push({
			field: 'effectiveFrom',
			code: 'draft_effective_date',
			zh: '草稿没有生效日期（批准时填写）',
			en: 'a draft has no effective date (give it when approving)'
		});
	}
	const band = parseBand(input?.band, community.band, errors);
	const buildingRows = await communityBuildings(db, communityCode);
	const { paints, errors: paintErrors } = parseAssignments(input?.assignments, new Set(grids.map((g) => g.code)), new Set(buildingRows.map((b) => b.id)));
	errors.push(...paintErrors);
	if (errors.length)
		throw new PlanInputError(
			inputErrorCode(errors),
			{ zh: `方案有 ${errors.length} 处输入错误，未保存`, en: `the plan has ${errors.length} input error(s); nothing was saved` },
			errors
		);

	const buildings: PlanBuilding[] = buildingRows.map((b) => ({ id: b.id, lon: b.lon, lat: b.lat, households: b.households, grid: paints.get(b.id) ?? null }));
	// Validation grows with the vertices drawn: on a worker thread, under the plan job budget.
	const { result: checked } = await jobs().run('checkPlan', [community.geometry, grids, buildings, band], { kind: 'plan' });
	const { assignment, byGrid } = checked;
	const hard = checked.violations.filter((v) => v.severity === 'hard');
	const soft = checked.violations.filter((v) => v.severity === 'soft');
	// The conflict is checked first (and again under the lock): a stale editor must reload either way.
	checkBase(await latestRevision(db, communityCode), base as number | null);
	if (hasHardViolations(hard)) throw new PlanViolationError(hard, soft);

	const households = Object.fromEntries(grids.map((g) => [g.code, byGrid.get(g.code) ?? 0]));
	const stats = {
		households,
		band,
		balance: balanceStats(
			grids.filter((g) => g.kind !== 'dedicated').map((g) => byGrid.get(g.code) ?? 0),
			band
		),
		warnings: soft.map((v) => ({ kind: v.kind, message: v.message }))
	};
	const buildingGrid = buildings
		.map((b, i) => ({ id: Number(b.id), grid: assignment[i] >= 0 ? grids[assignment[i]].code : null, painted: paints.has(String(b.id)) }))
		.filter((b) => b.grid !== null) as { id: number; grid: string; painted: boolean }[];

	const result = await db.transaction(async (tx) => {
		await tx.query('SELECT code FROM communities WHERE code = $1 FOR UPDATE', [communityCode]);
		let latest = await latestRevision(tx, communityCode);
		checkBase(latest, base as number | null);
		if (!latest) {
			// First save: keep the layout found in `grids` as the baseline revision, so diffs start from it.
			const baselineId = await recordBaseline(tx, communityCode);
			if (baselineId !== null) latest = await latestRevision(tx, communityCode);
		}
		if (status === 'approved') await checkEffectiveDate(tx, communityCode, effective!);
		if (input?.band !== undefined && input?.band !== null && (band.min !== community.band.min || band.max !== community.band.max))
			await tx.query('UPDATE communities SET grid_households_min = $2, grid_households_max = $3, updated_at = now() WHERE code = $1', [
				communityCode,
				band.min,
				band.max
			]);
		const [{ id }] = await tx.query<{ id: number }>(
			`INSERT INTO plan_revisions (community_code, status, note, author, effective_from, base_revision, source, stats)
			 VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8::jsonb) RETURNING id`,
			[communityCode, status, note, opts.author || 'system', effective, latest?.id ?? null, opts.source ?? 'editor', JSON.stringify(stats)]
		);
		await tx.query(
			`INSERT INTO plan_revision_grids (revision_id, code, seq, name, kind, geom)
			 SELECT $1, r.code, right(r.code, 3)::int, r.name, r.kind, ${multiFromJson('r.geom')}
			 FROM jsonb_to_recordset($2::jsonb) AS r(code text, name text, kind text, geom text)`,
			[id, JSON.stringify(grids.map((g) => ({ code: g.code, name: g.name, kind: g.kind, geom: JSON.stringify(g.geometry) })))]
		);
		await tx.query(
			`INSERT INTO plan_revision_buildings (revision_id, building_id, grid_code, painted)
			 SELECT $1, b.id, b.grid, b.painted FROM jsonb_to_recordset($2::jsonb) AS b(id bigint, grid text, painted boolean)`,
			[id, JSON.stringify(buildingGrid)]
		);
		const replaced = status === 'approved' ? await applyLayout(tx, communityCode, id, grids, buildingGrid, effective!) : null;
		const [row] = await tx.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.id = $1`, [id]);
		return { revision: summary(row), warnings: soft, replaced };
	});
	return result;
}

function checkBase(latest: RevisionSummary | null, base: number | null): void {
	if ((latest?.id ?? null) === base) return;
	if (latest) throw new PlanConflictError(latest, base);
	throw new PlanInputError('bad_input', { zh: '基准版本不存在', en: 'no such base revision' }, [
		{
			field: 'baseRevision',
			code: 'unknown_base_revision',
			zh: `本社区还没有任何方案版本，基准版本应为 null（收到 ${base}）`,
			en: `this community has no plan revision yet: baseRevision must be null (got ${base})`
		}
	]);
}

async function recordBaseline(tx: Queryable, community: string): Promise<number | null> {
	const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM grids WHERE community_code = $1', [community]);
	if (n === 0) return null;
	const [{ id }] = await tx.query<{ id: number }>(
		`INSERT INTO plan_revisions (community_code, status, note, author, source) VALUES ($1, 'approved', '', 'system', 'baseline') RETURNING id`,
		[community]
	);
	await tx.query(
		`INSERT INTO plan_revision_grids (revision_id, code, seq, name, kind, geom)
		 SELECT $1, code, seq, name, kind, geom FROM grids WHERE community_code = $2`,
		[id, community]
	);
	await tx.query(
		`INSERT INTO plan_revision_buildings (revision_id, building_id, grid_code, painted)
		 SELECT $1, b.id, b.grid_code, false FROM buildings b JOIN grids g ON g.code = b.grid_code
		 WHERE b.community_code = $2 AND g.community_code = $2`,
		[id, community]
	);
	return id;
}

/** An approved layout takes effect no earlier than the community's last grid change. */
async function checkEffectiveDate(tx: Queryable, community: string, effective: string): Promise<void> {
	const [row] = await tx.query<{ last_rev: string | null; last_change: string | null }>(
		`SELECT (SELECT max(effective_from)::text FROM plan_revisions WHERE community_code = $1 AND status = 'approved') AS last_rev,
			(SELECT to_char(max(valid_from) AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM-DD') FROM grid_history
			 WHERE community_code = $1 AND valid_from > '-infinity') AS last_change`,
		[community]
	);
	const last = [row?.last_rev, row?.last_change]
		.filter((d): d is string => !!d)
		.sort()
		.pop();
	if (last && effective < last)
		throw new PlanInputError('bad_input', { zh: '生效日期早于上次网格变更', en: 'the effective date is before the last grid change' }, [
			{
				field: 'effectiveFrom',
				code: 'effective_too_early',
				zh: `生效日期 ${effective} 早于本社区上次网格变更的日期 ${last}，请填写 ${last} 或更晚`,
				en: `effectiveFrom ${effective} is before this community's last grid change on ${last}: give ${last} or later`
			}
		]);
}

/** Replace the community's grids by the approved layout; history versions move to the effective date. */
async function applyLayout(
	tx: Queryable,
	community: string,
	revisionId: number,
	grids: PlanGrid[],
	buildingGrid: { id: number; grid: string }[],
	effective: string
): Promise<{ inserted: number; updated: number; deleted: number }> {
	const [{ h }] = await tx.query<{ h: number }>('SELECT coalesce(max(id), 0) AS h FROM grid_history');
	const codes = grids.map((g) => g.code);
	const deleted = await tx.query<{ code: string }>('DELETE FROM grids WHERE community_code = $1 AND NOT (code = ANY($2::text[])) RETURNING code', [
		community,
		codes
	]);
	const upserted = await tx.query<{ inserted: boolean }>(
		`INSERT INTO grids AS g (code, community_code, seq, name, kind, geom, illustrative, source_file)
		 SELECT r.code, $1, right(r.code, 3)::int, r.name, r.kind, ${multiFromJson('r.geom')}, false, $3
		 FROM jsonb_to_recordset($2::jsonb) AS r(code text, name text, kind text, geom text)
		 ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, geom = EXCLUDED.geom,
			illustrative = false, source_file = EXCLUDED.source_file, updated_at = now()
		 WHERE g.name IS DISTINCT FROM EXCLUDED.name OR g.kind IS DISTINCT FROM EXCLUDED.kind OR NOT ST_OrderingEquals(g.geom, EXCLUDED.geom)
		 RETURNING (xmax = 0) AS inserted`,
		[community, JSON.stringify(grids.map((g) => ({ code: g.code, name: g.name, kind: g.kind, geom: JSON.stringify(g.geometry) }))), `plan:${revisionId}`]
	);
	await tx.query(
		`UPDATE buildings b SET grid_code = x.grid
		 FROM (SELECT b2.id, a.grid FROM buildings b2 LEFT JOIN jsonb_to_recordset($2::jsonb) AS a(id bigint, grid text) ON a.id = b2.id
			WHERE b2.community_code = $1) x
		 WHERE b.id = x.id AND b.grid_code IS DISTINCT FROM x.grid`,
		[community, JSON.stringify(buildingGrid)]
	);
	// The history triggers stamped the change with now(); the layout is valid from its effective day.
	const at = `${effective}T00:00:00+08:00`;
	await tx.query(
		`UPDATE grid_history SET valid_to = greatest(valid_from, $2::timestamptz)
		 WHERE community_code = $1 AND id <= $3 AND valid_to = now()`,
		[community, at, h]
	);
	await tx.query(`UPDATE grid_history SET valid_from = $2::timestamptz WHERE community_code = $1 AND id > $3`, [community, at, h]);
	await reattributeCases(tx);
	const inserted = upserted.filter((r) => r.inserted).length;
	return { inserted, updated: upserted.length - inserted, deleted: deleted.length };
}

// Grid plans of a community (issue 6): load the plan for the editor, save revisions (drafts and
// approved layouts), list / get / diff revisions, export and import layouts. All SQL of plans is
// here, parameterised. Every save is validated with geo/partition — the same code the editor runs in
// the browser — and an approved save replaces the community's grids in one transaction.
import type { FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { csvDocument } from '../csv';
import { balanceStats, hasHardViolations, type Band, type BalanceStats, type PlanBuilding, type Violation } from '../../../geo/partition';
import { gridName } from '../../../geo/partition/names';
import { countVertices, PLAN_VERTEX_LIMITS, PLAN_VERTICES_PER_REQUEST, requestVertexProblem, vertexLimitProblem } from '../../../geo/validate/limits';
import { parseImportCrs } from '../../../geo/crs/epsg-codes';
import { ProjectionError } from '../../../geo/crs/project';
import { ImportFileError } from '../../../geo/types';
import type { Db, Queryable } from './db';
import { reattributeCases } from './cases';
import { multiFromJson } from './sql';
import { jobs } from './jobs/pool';
import { polygonsToShapefileZip } from './shapefile-writer';
import { isUnitCode } from '../../../geo/units/code';

type Areal = Polygon | MultiPolygon;
export type Bilingual = { zh: string; en: string };

// ── errors ─────────────────────────────────────────────────────────────────────────────────────

export interface PlanFieldError {
	field: string;
	code: string;
	zh: string;
	en: string;
	/** Position of the grid / feature the error is about. */
	index?: number;
}

export type PlanErrorCode = 'unknown_community' | 'no_boundary' | 'bad_community' | 'bad_input' | 'unknown_revision' | 'bad_file' | 'plan_too_large';

/** Bad input or an unknown community / revision: 400 or 404, with every field error listed. */
export class PlanInputError extends Error {
	constructor(
		readonly code: PlanErrorCode,
		text: Bilingual,
		readonly errors: PlanFieldError[] = []
	) {
		super(`${text.zh} / ${text.en}`);
	}
	get status(): number {
		return this.code === 'unknown_community' || this.code === 'unknown_revision' ? 404 : this.code === 'plan_too_large' ? 413 : 400;
	}
}

/** The plan breaks a hard rule (overlap, outside, gap, invalid geometry): nothing was written. */
export class PlanViolationError extends Error {
	readonly code = 'plan_violations';
	constructor(
		readonly violations: Violation[],
		readonly warnings: Violation[]
	) {
		const n = violations.length;
		super(
			`方案有 ${n} 处硬性问题（重叠、超出社区、空隙或几何无效），未保存 / the plan breaks ${n} hard rule(s) (overlap, outside the community, gap or invalid geometry); nothing was saved`
		);
	}
}

/** The save was based on an older revision than the latest: reload and re-apply. */
export class PlanConflictError extends Error {
	readonly code = 'plan_conflict';
	constructor(
		readonly latest: RevisionSummary,
		readonly baseRevision: number | null
	) {
		super(
			`社区方案已被 ${latest.author} 于 ${latest.createdAt} 保存为第 ${latest.id} 版（您基于${baseRevision === null ? '现行网格' : `第 ${baseRevision} 版`}编辑），请重新加载后再应用您的修改 / ` +
				`the plan was saved by ${latest.author} at ${latest.createdAt} as revision ${latest.id} (you edited ${baseRevision === null ? 'the current grids' : `revision ${baseRevision}`}): reload and re-apply your changes`
		);
	}
}

// ── types ──────────────────────────────────────────────────────────────────────────────────────

export interface PlanGrid {
	code: string;
	name: string;
	kind: 'basic' | 'dedicated';
	geometry: Areal;
}

export interface RevisionSummary {
	id: number;
	communityCode: string;
	status: 'draft' | 'approved';
	note: string;
	author: string;
	createdAt: string;
	effectiveFrom: string | null;
	baseRevision: number | null;
	source: 'editor' | 'import' | 'proposal' | 'baseline';
	grids: number;
	stats: { households?: Record<string, number>; band?: Band; balance?: BalanceStats; warnings?: { kind: string; message: Bilingual }[] };
}

export interface PlanCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	subdistrictName: string | null;
	households: number | null;
	geometry: MultiPolygon;
	band: Band;
	illustrative: boolean;
}

export interface PlanBuildingInfo {
	id: string;
	lon: number;
	lat: number;
	households: number;
	estimated: boolean;
	/** The grid painted to in the plan being edited, if any. */
	painted: string | null;
	geometry: MultiPolygon;
}

export interface CurrentPlan {
	community: PlanCommunity;
	/** The layout the editor opens: the latest draft when it is newer than the latest approval, else the grids in force. */
	grids: PlanGrid[];
	/** The grids in force (the `grids` table). */
	inForce: PlanGrid[];
	openedFrom: { kind: 'grids' } | { kind: 'revision'; id: number; status: 'draft' | 'approved' };
	/** The latest revision: the baseRevision of the next save (null: none yet). */
	latestRevision: number | null;
	/** Highest grid sequence ever used in the community (grids, history, revisions): new grids number above it. */
	maxSeq: number;
	buildings: PlanBuildingInfo[];
	neighbours: FeatureCollection<Areal, { code: string; name: string; community_code: string }>;
	roads: FeatureCollection<LineString | MultiLineString, { name: string | null; highway: string }>;
	revisions: RevisionSummary[];
}

export interface SaveResult {
	revision: RevisionSummary;
	warnings: Violation[];
	/** Grids replaced in `grids` (approved saves). */
	replaced: { inserted: number; updated: number; deleted: number } | null;
}

// ── small helpers ──────────────────────────────────────────────────────────────────────────────

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_NOTE = 2000;
const MAX_NAME = 100;

export function checkCommunityCode(code: string): void {
	if (!isUnitCode(code, 'community'))
		throw new PlanInputError('bad_community', { zh: `社区编码应为 12 位数字，收到 “${code}”`, en: `a community code is 12 digits, got "${code}"` });
}

/** Today's date in Beijing time (YYYY-MM-DD). */
export function beijingToday(now = Date.now()): string {
	return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

function isoDate(v: unknown): string | null {
	if (v === null || v === undefined) return null;
	if (v instanceof Date) return new Date(v.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
	return String(v).slice(0, 10);
}

interface RevisionRow {
	id: number;
	community_code: string;
	status: 'draft' | 'approved';
	note: string;
	author: string;
	created_at: string | Date;
	effective_from: string | Date | null;
	base_revision: number | null;
	source: RevisionSummary['source'];
	stats: RevisionSummary['stats'];
	grids: number;
}

const REVISION_COLUMNS = `r.id, r.community_code, r.status, r.note, r.author, r.created_at, r.effective_from::text AS effective_from,
	r.base_revision, r.source, r.stats, (SELECT count(*)::int FROM plan_revision_grids g WHERE g.revision_id = r.id) AS grids`;

function summary(r: RevisionRow): RevisionSummary {
	return {
		id: Number(r.id),
		communityCode: r.community_code,
		status: r.status,
		note: r.note,
		author: r.author,
		createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : new Date(r.created_at).toISOString(),
		effectiveFrom: isoDate(r.effective_from),
		baseRevision: r.base_revision === null ? null : Number(r.base_revision),
		source: r.source,
		grids: r.grids,
		stats: typeof r.stats === 'string' ? JSON.parse(r.stats) : (r.stats ?? {})
	};
}

// ── loading ────────────────────────────────────────────────────────────────────────────────────

export async function getCommunity(q: Queryable, code: string): Promise<PlanCommunity> {
	checkCommunityCode(code);
	const [row] = await q.query<{
		code: string;
		name: string;
		subdistrict_code: string;
		subdistrict_name: string | null;
		households: number | null;
		geom: MultiPolygon | null;
		min: number;
		max: number;
		illustrative: boolean;
	}>(
		`SELECT c.code, c.name, c.subdistrict_code, s.name AS subdistrict_name, c.households, ST_AsGeoJSON(c.geom, 7)::json AS geom,
			c.grid_households_min AS min, c.grid_households_max AS max, c.illustrative
		 FROM communities c LEFT JOIN subdistricts s ON s.code = c.subdistrict_code WHERE c.code = $1`,
		[code]
	);
	if (!row) throw new PlanInputError('unknown_community', { zh: `未找到社区 ${code}`, en: `no community ${code}` });
	if (!row.geom)
		throw new PlanInputError('no_boundary', {
			zh: `社区 ${code}（${row.name}）还没有边界，请先导入社区边界再规划网格`,
			en: `community ${code} (${row.name}) has no boundary yet: import community boundaries before planning grids`
		});
	return {
		code: row.code,
		name: row.name,
		subdistrictCode: row.subdistrict_code,
		subdistrictName: row.subdistrict_name,
		households: row.households,
		geometry: row.geom,
		band: { min: row.min, max: row.max },
		illustrative: row.illustrative
	};
}

async function gridsInForce(q: Queryable, community: string): Promise<PlanGrid[]> {
	const rows = await q.query<{ code: string; name: string; kind: 'basic' | 'dedicated'; geom: MultiPolygon }>(
		`SELECT code, name, kind, ST_AsGeoJSON(geom, 7)::json AS geom FROM grids WHERE community_code = $1 ORDER BY code`,
		[community]
	);
	return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, geometry: r.geom }));
}

async function revisionGrids(q: Queryable, id: number): Promise<PlanGrid[]> {
	const rows = await q.query<{ code: string; name: string; kind: 'basic' | 'dedicated'; geom: MultiPolygon }>(
		`SELECT code, name, kind, ST_AsGeoJSON(geom, 7)::json AS geom FROM plan_revision_grids WHERE revision_id = $1 ORDER BY code`,
		[id]
	);
	return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, geometry: r.geom }));
}

async function communityBuildings(q: Queryable, community: string): Promise<(PlanBuildingInfo & { grid_code: string | null })[]> {
	const rows = await q.query<{ id: number; lon: number; lat: number; households: number; estimated: boolean; geom: MultiPolygon; grid_code: string | null }>(
		`SELECT b.id, ST_X(p.p) AS lon, ST_Y(p.p) AS lat, b.households, b.households_estimated AS estimated,
			ST_AsGeoJSON(b.geom, 7)::json AS geom, b.grid_code
		 FROM buildings b CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS p) p
		 WHERE b.community_code = $1 ORDER BY b.id`,
		[community]
	);
	return rows.map((r) => ({
		id: String(r.id),
		lon: Number(r.lon),
		lat: Number(r.lat),
		households: Number(r.households),
		estimated: r.estimated,
		painted: null,
		geometry: r.geom,
		grid_code: r.grid_code
	}));
}

async function latestRevision(q: Queryable, community: string): Promise<RevisionSummary | null> {
	const [row] = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 ORDER BY r.id DESC LIMIT 1`, [
		community
	]);
	return row ? summary(row) : null;
}

export async function listRevisions(q: Queryable, community: string): Promise<RevisionSummary[]> {
	await getCommunityExists(q, community);
	const rows = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 ORDER BY r.id DESC`, [community]);
	return rows.map(summary);
}

async function getCommunityExists(q: Queryable, community: string): Promise<void> {
	checkCommunityCode(community);
	const [row] = await q.query('SELECT 1 FROM communities WHERE code = $1', [community]);
	if (!row) throw new PlanInputError('unknown_community', { zh: `未找到社区 ${community}`, en: `no community ${community}` });
}

/** Everything the editor needs for one community. */
export async function loadPlan(q: Queryable, community: string): Promise<CurrentPlan> {
	const c = await getCommunity(q, community);
	const [inForce, buildings, revisions, neighbours, roads] = [
		await gridsInForce(q, community),
		await communityBuildings(q, community),
		await listRevisions(q, community),
		await q.query<{ code: string; name: string; community_code: string; geom: Areal }>(
			`SELECT g.code, g.name, g.community_code, ST_AsGeoJSON(g.geom, 7)::json AS geom
			 FROM grids g, communities c
			 WHERE c.code = $1 AND g.community_code <> c.code AND g.geom && ST_Expand(c.geom, 0.003) AND ST_DWithin(g.geom, c.geom, 0.001)
			 ORDER BY g.code`,
			[community]
		),
		await q.query<{ name: string | null; highway: string; geom: LineString | MultiLineString }>(
			`SELECT r.name, r.highway, ST_AsGeoJSON(ST_Intersection(r.geom, ST_Expand(c.geom, 0.002)), 7)::json AS geom
			 FROM roads r, communities c
			 WHERE c.code = $1 AND r.geom && ST_Expand(c.geom, 0.002)
			 ORDER BY r.id`,
			[community]
		)
	];
	const latest = revisions[0] ?? null;
	const latestApproved = revisions.find((r) => r.status === 'approved');
	let grids = inForce;
	let openedFrom: CurrentPlan['openedFrom'] = { kind: 'grids' };
	if (latest) {
		// A draft newer than the latest approval is opened; otherwise the grids in force, with the
		// painted buildings of the latest revision staying painted (where the grid that holds them differs).
		const draftNewer = latest.status === 'draft' && (!latestApproved || latest.id > latestApproved.id);
		if (draftNewer) grids = await revisionGrids(q, latest.id);
		openedFrom = { kind: 'revision', id: latest.id, status: latest.status };
		const painted = new Map(
			(
				await q.query<{ building_id: number; grid_code: string }>(
					'SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $1 AND painted',
					[latest.id]
				)
			).map((r) => [String(r.building_id), r.grid_code])
		);
		for (const b of buildings) b.painted = painted.get(b.id) ?? null;
	}
	const [{ max_seq }] = await q.query<{ max_seq: number }>(
		`SELECT greatest(
			(SELECT max(seq) FROM grids WHERE community_code = $1),
			(SELECT max(right(grid_code, 3)::int) FROM grid_history WHERE community_code = $1 AND grid_code ~ '^[0-9]{15}$'),
			(SELECT max(g.seq) FROM plan_revision_grids g JOIN plan_revisions r ON r.id = g.revision_id WHERE r.community_code = $1),
			0) AS max_seq`,
		[community]
	);
	return {
		community: c,
		grids,
		inForce,
		maxSeq: Number(max_seq),
		openedFrom,
		latestRevision: latest?.id ?? null,
		buildings: buildings.map(({ grid_code: _g, ...b }) => b),
		neighbours: {
			type: 'FeatureCollection',
			features: neighbours.map((n) => ({ type: 'Feature', properties: { code: n.code, name: n.name, community_code: n.community_code }, geometry: n.geom }))
		},
		roads: {
			type: 'FeatureCollection',
			features: roads
				.filter((r) => r.geom && (r.geom.type === 'LineString' || r.geom.type === 'MultiLineString'))
				.map((r) => ({ type: 'Feature', properties: { name: r.name, highway: r.highway }, geometry: r.geom }))
		},
		revisions
	};
}

// ── input checking ─────────────────────────────────────────────────────────────────────────────

function positionsOk(g: Areal): boolean {
	const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	if (!Array.isArray(polys)) return false;
	for (const poly of polys) {
		if (!Array.isArray(poly)) return false;
		for (const ring of poly) {
			if (!Array.isArray(ring)) return false;
			for (const p of ring as Position[]) {
				if (!Array.isArray(p) || p.length < 2) return false;
				const [x, y] = p;
				if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return false;
				if (x < -180 || x > 180 || y < -90 || y > 90) return false;
			}
		}
	}
	return true;
}

/**
 * Grids from a request: an array of {code, name?, kind?, geometry} or a GeoJSON FeatureCollection
 * whose features carry code / name / kind. Every bad grid is named.
 */
export function parseGrids(input: unknown, community: PlanCommunity): { grids: PlanGrid[]; errors: PlanFieldError[] } {
	const errors: PlanFieldError[] = [];
	const list: unknown[] | null = Array.isArray(input)
		? input
		: input && typeof input === 'object' && (input as FeatureCollection).type === 'FeatureCollection' && Array.isArray((input as FeatureCollection).features)
			? (input as FeatureCollection).features
			: null;
	if (!list) {
		errors.push({
			field: 'grids',
			code: 'not_a_list',
			zh: '网格须为数组或 GeoJSON FeatureCollection',
			en: 'grids must be an array or a GeoJSON FeatureCollection'
		});
		return { grids: [], errors };
	}
	if (list.length === 0) errors.push({ field: 'grids', code: 'empty', zh: '方案中没有网格', en: 'the plan has no grids' });
	if (list.length > 999) errors.push({ field: 'grids', code: 'too_many', zh: `网格数 ${list.length} 超过 999`, en: `${list.length} grids is more than 999` });
	const seen = new Set<string>();
	const grids: PlanGrid[] = [];
	let vertices = 0;
	list.forEach((raw, index) => {
		const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
		const props = (item.type === 'Feature' ? (item.properties ?? {}) : item) as Record<string, unknown>;
		const geometry = item.geometry as Areal | null | undefined;
		const code = typeof props.code === 'string' ? props.code : typeof props.code === 'number' ? String(props.code) : '';
		const at = `grids[${index}]`;
		const err = (field: string, c: string, zh: string, en: string) =>
			errors.push({
				field: `${at}.${field}`,
				code: c,
				zh: `第 ${index + 1} 个网格${code ? `（${code}）` : ''}：${zh}`,
				en: `grid ${index + 1}${code ? ` (${code})` : ''}: ${en}`,
				index
			});
		let ok = true;
		if (!isUnitCode(code, 'grid')) {
			err('code', 'bad_code', `编码应为 15 位数字，收到 “${code}”`, `a grid code is 15 digits, got "${code}"`);
			ok = false;
		} else if (!code.startsWith(community.code)) {
			err('code', 'other_community', `编码须以社区编码 ${community.code} 开头`, `the code must start with the community code ${community.code}`);
			ok = false;
		} else if (code.endsWith('000')) {
			err('code', 'bad_sequence', '网格序号须为 001–999', 'the grid sequence must be 001–999');
			ok = false;
		} else if (seen.has(code)) {
			err('code', 'duplicate_code', '编码重复', 'duplicate code');
			ok = false;
		}
		seen.add(code);
		const kind = props.kind ?? 'basic';
		if (kind !== 'basic' && kind !== 'dedicated') {
			err(
				'kind',
				'bad_kind',
				`类型须为 basic（基础网格）或 dedicated（专属网格），收到 “${String(kind)}”`,
				`kind must be basic or dedicated, got "${String(kind)}"`
			);
			ok = false;
		}
		const name = props.name === undefined || props.name === null || props.name === '' ? gridName(community.name, code) : props.name;
		if (typeof name !== 'string' || name.length > MAX_NAME) {
			err('name', 'bad_name', `名称须为不超过 ${MAX_NAME} 字的文本`, `the name must be text of at most ${MAX_NAME} characters`);
			ok = false;
		}
		if (!geometry || typeof geometry !== 'object' || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
			err(
				'geometry',
				'bad_geometry_type',
				`几何须为 Polygon 或 MultiPolygon，收到 ${geometry && typeof geometry === 'object' ? String((geometry as { type?: unknown }).type) : '空'}`,
				`the geometry must be a Polygon or MultiPolygon, got ${geometry && typeof geometry === 'object' ? String((geometry as { type?: unknown }).type) : 'none'}`
			);
			ok = false;
		} else {
			const count = countVertices(geometry);
			vertices += count.total;
			const tooLarge = vertexLimitProblem(count, PLAN_VERTEX_LIMITS);
			if (tooLarge) {
				err('geometry', 'too_many_vertices', tooLarge.text.zh, tooLarge.text.en);
				ok = false;
			} else if (!positionsOk(geometry)) {
				err(
					'geometry',
					'bad_coordinates',
					'坐标须为经度 −180…180、纬度 −90…90 的数字（WGS-84）',
					'coordinates must be numbers: longitude −180…180, latitude −90…90 (WGS-84)'
				);
				ok = false;
			}
		}
		if (ok) grids.push({ code, name: name as string, kind: kind as 'basic' | 'dedicated', geometry: geometry! });
	});
	if (vertices > PLAN_VERTICES_PER_REQUEST) {
		const text = requestVertexProblem(vertices, PLAN_VERTICES_PER_REQUEST);
		errors.unshift({ field: 'grids', code: 'too_many_vertices', ...text });
	}
	return { grids, errors };
}

/** plan_too_large (413) when the request's grids together pass the vertex limit, else bad_input (400). */
function inputErrorCode(errors: PlanFieldError[]): PlanErrorCode {
	return errors.some((e) => e.field === 'grids' && e.code === 'too_many_vertices') ? 'plan_too_large' : 'bad_input';
}

/** Building → grid paints: {"<building id>": "<grid code>"} or [{building, grid}]. */
export function parseAssignments(input: unknown, gridCodes: Set<string>, buildingIds: Set<string>): { paints: Map<string, string>; errors: PlanFieldError[] } {
	const errors: PlanFieldError[] = [];
	const paints = new Map<string, string>();
	if (input === undefined || input === null) return { paints, errors };
	let pairs: [string, unknown][];
	if (Array.isArray(input)) pairs = input.map((x) => [String((x as { building?: unknown })?.building ?? ''), (x as { grid?: unknown })?.grid]);
	else if (typeof input === 'object') pairs = Object.entries(input as Record<string, unknown>);
	else {
		errors.push({
			field: 'assignments',
			code: 'bad_assignments',
			zh: '楼栋分配须为 {楼栋编号: 网格编码} 对象',
			en: 'assignments must be an object {building id: grid code}'
		});
		return { paints, errors };
	}
	for (const [b, g] of pairs) {
		if (!buildingIds.has(b)) {
			errors.push({ field: `assignments.${b}`, code: 'unknown_building', zh: `楼栋 ${b} 不在本社区`, en: `building ${b} is not in this community` });
			continue;
		}
		if (typeof g !== 'string' || !gridCodes.has(g)) {
			errors.push({
				field: `assignments.${b}`,
				code: 'unknown_grid',
				zh: `楼栋 ${b} 分配到的网格 ${String(g)} 不在方案中`,
				en: `building ${b} is assigned to grid ${String(g)}, which is not in the plan`
			});
			continue;
		}
		paints.set(b, g);
	}
	return { paints, errors };
}

// ── saving ─────────────────────────────────────────────────────────────────────────────────────

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

function parseBand(input: unknown, current: Band, errors: PlanFieldError[]): Band {
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

// ── revisions and diffs ────────────────────────────────────────────────────────────────────────

export async function getRevision(
	q: Queryable,
	community: string,
	id: number
): Promise<
	RevisionSummary & {
		layout: FeatureCollection<Areal, { code: string; name: string; kind: string; households: number }>;
		assignments: Record<string, string>;
		painted: Record<string, string>;
	}
> {
	checkCommunityCode(community);
	const [row] = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.id = $1 AND r.community_code = $2`, [id, community]);
	if (!row)
		throw new PlanInputError('unknown_revision', { zh: `社区 ${community} 没有第 ${id} 版方案`, en: `community ${community} has no plan revision ${id}` });
	const grids = await revisionGrids(q, id);
	const rows = await q.query<{ building_id: number; grid_code: string; painted: boolean; households: number }>(
		`SELECT p.building_id, p.grid_code, p.painted, b.households FROM plan_revision_buildings p JOIN buildings b ON b.id = p.building_id
		 WHERE p.revision_id = $1 ORDER BY p.building_id`,
		[id]
	);
	const hh = new Map<string, number>();
	for (const r of rows) hh.set(r.grid_code, (hh.get(r.grid_code) ?? 0) + Number(r.households));
	return {
		...summary(row),
		layout: {
			type: 'FeatureCollection',
			features: grids.map((g) => ({
				type: 'Feature',
				properties: { code: g.code, name: g.name, kind: g.kind, households: hh.get(g.code) ?? 0 },
				geometry: g.geometry
			}))
		},
		assignments: Object.fromEntries(rows.map((r) => [String(r.building_id), r.grid_code])),
		painted: Object.fromEntries(rows.filter((r) => r.painted).map((r) => [String(r.building_id), r.grid_code]))
	};
}

export interface PlanDiff {
	from: RevisionSummary;
	to: RevisionSummary;
	/** Pieces of the community whose grid changed: from → to (null: in no grid), with their area. */
	areas: FeatureCollection<Areal, { from: string | null; to: string | null; area_m2: number }>;
	/** Buildings whose grid changed. */
	buildings: { id: string; from: string | null; to: string | null; households: number; lon: number; lat: number }[];
	/** Grids only in one of the two. */
	added: string[];
	removed: string[];
	totals: { areaM2: number; buildings: number; households: number };
}

export async function diffRevisions(q: Queryable, community: string, fromId: number, toId: number): Promise<PlanDiff> {
	checkCommunityCode(community);
	const revs = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 AND r.id = ANY($2::bigint[])`, [
		community,
		[fromId, toId]
	]);
	const from = revs.find((r) => Number(r.id) === fromId),
		to = revs.find((r) => Number(r.id) === toId);
	for (const [id, r] of [
		[fromId, from],
		[toId, to]
	] as const)
		if (!r)
			throw new PlanInputError('unknown_revision', { zh: `社区 ${community} 没有第 ${id} 版方案`, en: `community ${community} has no plan revision ${id}` });
	const areas = await q.query<{ from_code: string | null; to_code: string | null; geom: Areal; area: number }>(
		`WITH f AS (SELECT code, geom FROM plan_revision_grids WHERE revision_id = $1),
			t AS (SELECT code, geom FROM plan_revision_grids WHERE revision_id = $2),
			fu AS (SELECT coalesce(ST_Union(geom), ST_GeomFromText('POLYGON EMPTY', 4326)) AS g FROM f),
			tu AS (SELECT coalesce(ST_Union(geom), ST_GeomFromText('POLYGON EMPTY', 4326)) AS g FROM t),
			pieces AS (
				SELECT f.code AS from_code, t.code AS to_code, ST_CollectionExtract(ST_Intersection(f.geom, t.geom), 3) AS g
				FROM f JOIN t ON f.code <> t.code AND ST_Intersects(f.geom, t.geom)
				UNION ALL
				SELECT f.code, NULL, ST_CollectionExtract(ST_Difference(f.geom, tu.g), 3) FROM f, tu
				UNION ALL
				SELECT NULL, t.code, ST_CollectionExtract(ST_Difference(t.geom, fu.g), 3) FROM t, fu),
			measured AS (SELECT from_code, to_code, g, ST_Area(g::geography) AS area FROM pieces WHERE NOT ST_IsEmpty(g))
		 SELECT from_code, to_code, ST_AsGeoJSON(g, 7)::json AS geom, area FROM measured WHERE area >= 1
		 ORDER BY area DESC`,
		[fromId, toId]
	);
	const moved = await q.query<{ id: number; from_code: string | null; to_code: string | null; households: number; lon: number; lat: number }>(
		`SELECT coalesce(a.building_id, b.building_id) AS id, a.grid_code AS from_code, b.grid_code AS to_code, bl.households,
			ST_X(ST_PointOnSurface(bl.geom)) AS lon, ST_Y(ST_PointOnSurface(bl.geom)) AS lat
		 FROM (SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $1) a
		 FULL JOIN (SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $2) b ON a.building_id = b.building_id
		 JOIN buildings bl ON bl.id = coalesce(a.building_id, b.building_id)
		 WHERE a.grid_code IS DISTINCT FROM b.grid_code
		 ORDER BY 1`,
		[fromId, toId]
	);
	const codes = async (id: number) =>
		new Set((await q.query<{ code: string }>('SELECT code FROM plan_revision_grids WHERE revision_id = $1', [id])).map((r) => r.code));
	const fc = await codes(fromId),
		tc = await codes(toId);
	const features = areas.map((a) => ({
		type: 'Feature' as const,
		properties: { from: a.from_code, to: a.to_code, area_m2: Math.round(Number(a.area) * 10) / 10 },
		geometry: a.geom
	}));
	const buildings = moved.map((m) => ({
		id: String(m.id),
		from: m.from_code,
		to: m.to_code,
		households: Number(m.households),
		lon: Number(m.lon),
		lat: Number(m.lat)
	}));
	return {
		from: summary(from!),
		to: summary(to!),
		areas: { type: 'FeatureCollection', features },
		buildings,
		added: [...tc].filter((c) => !fc.has(c)).sort(),
		removed: [...fc].filter((c) => !tc.has(c)).sort(),
		totals: {
			areaM2: Math.round(features.reduce((s, f) => s + f.properties.area_m2, 0) * 10) / 10,
			buildings: buildings.length,
			households: buildings.reduce((s, b) => s + b.households, 0)
		}
	};
}

// ── proposals ──────────────────────────────────────────────────────────────────────────────────

export interface ProposalResult {
	mode: 'propose' | 'rebalance';
	grids: PlanGrid[];
	households: Record<string, number>;
	stats: BalanceStats;
	band: Band;
	feasible: boolean;
	explanation?: Bilingual;
	moved: number;
	violations: Violation[];
}

/**
 * A draft proposal (not saved): `propose` splits the community afresh (geo/partition proposeGrids,
 * roads preferred as borders; codes kept for grids that mostly cover a grid in force), `rebalance`
 * moves as few buildings as possible from the given (or current) layout.
 */
export async function proposePlan(
	q: Queryable,
	communityCode: string,
	input: { target?: unknown; mode?: unknown; grids?: unknown; band?: unknown }
): Promise<ProposalResult> {
	const community = await getCommunity(q, communityCode);
	const errors: PlanFieldError[] = [];
	const mode = input?.mode ?? 'propose';
	if (mode !== 'propose' && mode !== 'rebalance')
		errors.push({ field: 'mode', code: 'bad_mode', zh: '模式须为 propose（自动划分）或 rebalance（再平衡）', en: 'mode must be propose or rebalance' });
	const target = input?.target ?? null;
	if (target !== null && !(Number.isInteger(target) && (target as number) >= 1 && (target as number) <= 999))
		errors.push({ field: 'target', code: 'bad_target', zh: '目标网格数须为 1–999 的整数', en: 'target must be a whole number of grids, 1–999' });
	const band = parseBand(input?.band, community.band, errors);
	let start: PlanGrid[] = [];
	if (mode === 'rebalance') {
		if (input?.grids !== undefined) {
			const parsed = parseGrids(input.grids, community);
			errors.push(...parsed.errors);
			start = parsed.grids;
		} else start = await gridsInForce(q, communityCode);
		if (!errors.length && start.length === 0)
			errors.push({ field: 'grids', code: 'empty', zh: '没有可再平衡的网格：请先划分或自动划分', en: 'no grids to rebalance: draw or propose some first' });
	}
	if (errors.length)
		throw new PlanInputError(inputErrorCode(errors), { zh: `请求有 ${errors.length} 处错误`, en: `the request has ${errors.length} error(s)` }, errors);
	const rows = await communityBuildings(q, communityCode);
	const buildings: PlanBuilding[] = rows.map((b) => ({ id: b.id, lon: b.lon, lat: b.lat, households: b.households }));
	let layout: { grids: PlanGrid[]; households: Record<string, number>; stats: BalanceStats; violations: Violation[]; moved: number };
	let feasible = true,
		explanation: Bilingual | undefined;
	if (mode === 'propose') {
		const roads = await q.query<{ geom: LineString | MultiLineString }>(
			`SELECT ST_AsGeoJSON(ST_Intersection(r.geom, c.geom), 7)::json AS geom FROM roads r, communities c
			 WHERE c.code = $1 AND r.geom && c.geom AND ST_Intersects(r.geom, c.geom) ORDER BY r.id`,
			[communityCode]
		);
		// Keep the codes of grids in force where a proposed grid covers most of one.
		const previous = (await gridsInForce(q, communityCode)).map((g) => ({ code: g.code, geometry: g.geometry }));
		const { result: p } = await jobs().run(
			'proposeLayout',
			[
				{
					community: community.geometry,
					communityCode,
					communityName: community.name,
					buildings,
					options: {
						targetCount: (target as number | null) ?? undefined,
						band,
						roads: roads.map((r) => r.geom).filter((g) => g && (g.type === 'LineString' || g.type === 'MultiLineString')),
						communityCode
					},
					previous,
					band
				}
			],
			{ kind: 'plan' }
		);
		layout = p;
		feasible = p.feasible;
		explanation = p.explanation;
	} else {
		const { result: r } = await jobs().run('rebalanceLayout', [{ community: community.geometry, grids: start, buildings, band }], { kind: 'plan' });
		layout = r;
		feasible = r.inBand;
		if (!r.inBand)
			explanation = {
				zh: `再平衡移动了 ${r.moved} 栋楼后仍有 ${r.outsideBand} 个网格不在 ${band.min}–${band.max} 户之间`,
				en: `after moving ${r.moved} building(s), ${r.outsideBand} grid(s) remain outside ${band.min}–${band.max} households`
			};
	}
	const { grids, households, stats, violations, moved } = layout;
	return { mode: mode as 'propose' | 'rebalance', grids, households, stats, band, feasible, explanation, moved, violations };
}

// ── export and import ──────────────────────────────────────────────────────────────────────────

interface ExportRow {
	code: string;
	seq: number;
	name: string;
	kind: string;
	households: number;
	buildings: number;
	area_m2: number;
	geom: MultiPolygon;
}

async function exportRows(q: Queryable, community: string, revision: number | null): Promise<ExportRow[]> {
	if (revision === null)
		return q.query<ExportRow>(
			`SELECT g.code, g.seq, g.name, g.kind, coalesce(sum(b.households), 0)::int AS households, count(b.id)::int AS buildings,
				round(ST_Area(g.geom::geography)::numeric, 1)::float8 AS area_m2, ST_AsGeoJSON(g.geom, 7)::json AS geom
			 FROM grids g LEFT JOIN buildings b ON b.grid_code = g.code
			 WHERE g.community_code = $1 GROUP BY g.code ORDER BY g.code`,
			[community]
		);
	const [rev] = await q.query('SELECT 1 FROM plan_revisions WHERE id = $1 AND community_code = $2', [revision, community]);
	if (!rev)
		throw new PlanInputError('unknown_revision', {
			zh: `社区 ${community} 没有第 ${revision} 版方案`,
			en: `community ${community} has no plan revision ${revision}`
		});
	return q.query<ExportRow>(
		`SELECT g.code, g.seq, g.name, g.kind, coalesce(sum(b.households), 0)::int AS households, count(b.id)::int AS buildings,
			round(ST_Area(g.geom::geography)::numeric, 1)::float8 AS area_m2, ST_AsGeoJSON(g.geom, 7)::json AS geom
		 FROM plan_revision_grids g
		 LEFT JOIN plan_revision_buildings p ON p.revision_id = g.revision_id AND p.grid_code = g.code
		 LEFT JOIN buildings b ON b.id = p.building_id
		 WHERE g.revision_id = $1 GROUP BY g.revision_id, g.code ORDER BY g.code`,
		[revision]
	);
}

export const EXPORT_CSV_COLUMNS = [
	'code',
	'community_code',
	'community_name',
	'subdistrict_code',
	'seq',
	'name',
	'kind',
	'households',
	'buildings',
	'area_m2'
] as const;

/** Shapefile (DBF) field names, at most 10 characters, for the GeoJSON/CSV property names. */
export const EXPORT_SHP_FIELDS = {
	code: 'code',
	community_code: 'comm_code',
	community_name: 'comm_name',
	subdistrict_code: 'subd_code',
	seq: 'seq',
	name: 'name',
	kind: 'kind',
	households: 'households',
	buildings: 'buildings',
	area_m2: 'area_m2'
} as const;

export interface ExportFile<B> {
	body: B;
	contentType: string;
	fileName: string;
}
export async function exportPlan(q: Queryable, communityCode: string, format: 'geojson' | 'csv', revision?: number | null): Promise<ExportFile<string>>;
export async function exportPlan(q: Queryable, communityCode: string, format: 'shp', revision?: number | null): Promise<ExportFile<Uint8Array>>;
export async function exportPlan(
	q: Queryable,
	communityCode: string,
	format: 'geojson' | 'csv' | 'shp',
	revision?: number | null
): Promise<ExportFile<string | Uint8Array>>;
export async function exportPlan(
	q: Queryable,
	communityCode: string,
	format: 'geojson' | 'csv' | 'shp',
	revision: number | null = null
): Promise<ExportFile<string | Uint8Array>> {
	const c = await getCommunity(q, communityCode);
	const rows = await exportRows(q, communityCode, revision);
	const stem = `grids-${communityCode}${revision === null ? '' : `-r${revision}`}`;
	if (format === 'csv') {
		const lines = rows.map((r) => [r.code, communityCode, c.name, c.subdistrictCode, r.seq, r.name, r.kind, r.households, r.buildings, r.area_m2]);
		return { body: csvDocument(EXPORT_CSV_COLUMNS, lines), contentType: 'text/csv; charset=utf-8', fileName: `${stem}.csv` };
	}
	if (format === 'shp') {
		if (rows.length === 0)
			throw new PlanInputError('bad_input', { zh: `社区 ${communityCode} 没有网格可导出`, en: `community ${communityCode} has no grids to export` });
		const F = EXPORT_SHP_FIELDS;
		const features = rows.map((r) => ({
			geometry: r.geom,
			properties: {
				[F.code]: r.code,
				[F.community_code]: communityCode,
				[F.community_name]: c.name,
				[F.subdistrict_code]: c.subdistrictCode,
				[F.seq]: r.seq,
				[F.name]: r.name,
				[F.kind]: r.kind,
				[F.households]: r.households,
				[F.buildings]: r.buildings,
				[F.area_m2]: r.area_m2
			}
		}));
		return { body: await polygonsToShapefileZip(features, stem), contentType: 'application/zip', fileName: `${stem}.zip` };
	}
	const fc: FeatureCollection = {
		type: 'FeatureCollection',
		features: rows.map((r) => ({
			type: 'Feature',
			properties: {
				code: r.code,
				community_code: communityCode,
				community_name: c.name,
				subdistrict_code: c.subdistrictCode,
				seq: r.seq,
				name: r.name,
				kind: r.kind,
				households: r.households,
				buildings: r.buildings,
				area_m2: r.area_m2
			},
			geometry: r.geom
		}))
	};
	return { body: JSON.stringify(fc), contentType: 'application/geo+json; charset=utf-8', fileName: `${stem}.geojson` };
}

/**
 * A grid layout from a GeoJSON file into a new draft revision, validated like any save. Features
 * carry `code` (or 编码 / grid_code), `name` (名称), `kind` (类型); features without a code are
 * numbered west→east, north→south after the highest code in use, keeping the codes of grids in force
 * they mostly cover.
 */
export async function importPlanFile(
	db: Db,
	communityCode: string,
	/** A GeoJSON text, or the file's bytes (GeoJSON or a zipped Shapefile, told apart by content). */
	file: { name: string; text?: string; bytes?: Uint8Array; crs?: string },
	input: { note?: unknown; baseRevision?: unknown },
	opts: SaveOptions
): Promise<SaveResult> {
	// an unknown community is refused before the file is read
	await getCommunity(db, communityCode);
	const parsedCrs = parseImportCrs(file.crs ?? 'wgs84');
	if (!parsedCrs.ok) throw new PlanInputError('bad_input', parsedCrs.text, [{ field: 'crs', code: 'bad_crs', ...parsedCrs.text }]);
	let fc: FeatureCollection;
	try {
		fc = (await jobs().run('readLayout', [{ name: file.name, text: file.text, bytes: file.bytes }, parsedCrs.crs], { kind: 'plan' })).result;
	} catch (err) {
		if (err instanceof ImportFileError) {
			const [zh, en] = err.message.split(' / ');
			throw new PlanInputError(err.rule === 'plan-too-large' ? 'plan_too_large' : 'bad_file', { zh: zh ?? err.message, en: en ?? err.message });
		}
		if (err instanceof ProjectionError) {
			throw new PlanInputError('bad_file', { zh: `第 ${err.index + 1} 个要素：${err.text.zh}`, en: `feature ${err.index + 1}: ${err.text.en}` });
		}
		throw err;
	}
	const pick = (p: Record<string, unknown> | null, keys: string[]) => {
		for (const k of keys) if (p && p[k] !== undefined && p[k] !== null && p[k] !== '') return p[k];
		return undefined;
	};
	const items = fc.features.map((f) => ({
		code: pick(f.properties, ['code', 'grid_code', '编码', '网格编码']),
		name: pick(f.properties, ['name', '名称', '网格名称']),
		kind: pick(f.properties, ['kind', '类型']),
		geometry: f.geometry
	}));
	const kindOf = (k: unknown) => (k === '专属网格' || k === '专属' ? 'dedicated' : k === '基础网格' || k === '基础' ? 'basic' : k);
	const withCode = items.filter((i) => i.code !== undefined);
	const without = items.filter((i) => i.code === undefined);
	// Numbering measures overlaps: only for polygons within the vertex limits (the save names the rest).
	const numberable = without.every(
		(i) =>
			i.geometry && (i.geometry.type === 'Polygon' || i.geometry.type === 'MultiPolygon') && !vertexLimitProblem(countVertices(i.geometry), PLAN_VERTEX_LIMITS)
	);
	const fileVertices = items.reduce((sum, i) => sum + countVertices(i.geometry).total, 0);
	if (without.length && numberable && fileVertices <= PLAN_VERTICES_PER_REQUEST) {
		const inForce = await gridsInForce(db, communityCode);
		const fileCodes = new Set(withCode.map((i) => String(i.code)));
		const previous = inForce.filter((g) => !fileCodes.has(g.code)).map((g) => ({ code: g.code, geometry: g.geometry }));
		const maxSeq = Math.max(
			0,
			...[...fileCodes, ...inForce.map((g) => g.code)].filter((c) => isUnitCode(c, 'grid') && c.startsWith(communityCode)).map((c) => Number(c.slice(-3)))
		);
		const { result: numbered } = await jobs().run('numberLayout', [communityCode, without.map((i) => i.geometry as Areal), previous], { kind: 'plan' });
		// A grid mostly covering a grid in force keeps its code; the others take numbers above every
		// code in use (in force or in the file), west→east, north→south, so no retired code is reused.
		let next = maxSeq + 1;
		for (const n of numbered) without[n.index].code = n.kept ?? communityCode + String(next++).padStart(3, '0');
	}
	const grids = items.map((i) => ({
		type: 'Feature',
		properties: { code: i.code === undefined ? undefined : String(i.code), name: i.name, kind: kindOf(i.kind) },
		geometry: i.geometry
	}));
	const latest = await latestRevision(db, communityCode);
	const base = input.baseRevision === undefined ? (latest?.id ?? null) : input.baseRevision;
	return savePlan(
		db,
		communityCode,
		{
			grids: { type: 'FeatureCollection', features: grids },
			status: 'draft',
			note: input.note ?? `导入 ${file.name} / imported ${file.name}`,
			baseRevision: base
		},
		{ ...opts, source: 'import' }
	);
}

// Cases (事件/案件): ingest with attribution, the workflow, listing. One batch = one transaction of
// set-based statements and ONE notification: pg_notify on the server engine, the in-process bus on
// the embedded one — never a per-row trigger. The API's ingest attributes in memory
// (case-attribution.ts, geo/cases/attribution); file imports and re-attribution use the same rule
// in SQL (ATTRIBUTED_ROWS: ST_Contains joins to grid_history, grids, communities, subdistricts).
import { CASE_UNIT_SQL, caseScopeSql, likePatterns, unitInScope, type Scope } from '../auth/scope';
import type { Db, Queryable } from '../db';
import type { UpsertCounts } from '../layers/types';
import { categoryKey, parseCaseBatch, planIngest, type CaseItem, type CaseItemError, type IngestPlan, type StoredCase } from '$geo/cases';
import type { CrsName } from '$geo/types';
import { afterCaseCommit, CASE_CHANNEL } from './events';
import { ingestInGroup, type IngestResult } from './ingest-group';

export type { IngestResult };
import { CASE_VIEW_COLUMNS, type CaseView } from './view';
import { attributorFor, lockBoundaries } from './attribution';
import { timestampMicros, type Attributor } from '$geo/cases/attribution';

export interface CaseCategory {
	code: string;
	name_zh: string;
	name_en: string;
	aliases: string[];
	due_hours: number;
	sort: number;
}

export async function listCaseCategories(q: Queryable): Promise<CaseCategory[]> {
	return q.query<CaseCategory>('SELECT code, name_zh, name_en, aliases, due_hours, sort FROM case_categories ORDER BY sort, code');
}

/** Every accepted spelling → code (code, Chinese and English names, aliases; case-insensitive). */
export function categoryLookup(categories: CaseCategory[]): Map<string, string> {
	const map = new Map<string, string>();
	for (const c of categories) {
		for (const name of [...c.aliases, c.name_en, c.name_zh, c.code]) map.set(categoryKey(name), c.code);
	}
	return map;
}

export interface IngestOptions {
	crs?: CrsName;
	maxBatch?: number;
	/** The import file the cases came from (source_file). */
	file?: string | null;
	now?: Date;
	/** The sender's jurisdiction (unit codes; null/absent = whole city): cases outside it are refused. */
	scope?: string[] | null;
}

/** Parses, validates and stores one request body (one case, an array, a FeatureCollection). */
export async function ingestCases(db: Db, body: unknown, options: IngestOptions = {}): Promise<IngestResult> {
	const categories = await listCaseCategories(db);
	const parsed = parseCaseBatch(body, { categories: categoryLookup(categories), crs: options.crs, maxBatch: options.maxBatch });
	if (options.scope) {
		const outside = await outsideScope(db, parsed.items, options.scope);
		parsed.errors.push(...outside);
		const refused = new Set(outside.map((e) => e.index));
		parsed.items = parsed.items.filter((i) => !refused.has(i.index));
	}
	const result = await ingestItems(db, parsed.items, { ...options, categories });
	const errors = [...parsed.errors, ...result.errors].sort((a, b) => a.index - b.index);
	const rejectedIndexes = new Set(errors.map((e) => e.index));
	return {
		...result,
		received: parsed.received,
		rejected: rejectedIndexes.size,
		errors,
		outcomes: [
			...result.outcomes,
			...parsed.errors
				.filter((e, i, all) => all.findIndex((x) => x.index === e.index) === i)
				.map((e) => ({ index: e.index, id: e.id ?? '', outcome: 'rejected' as const }))
		].sort((a, b) => a.index - b.index)
	};
}

/**
 * Items a scoped sender (a grid worker, a feed token for some units) may not write: a location whose
 * grid / community / subdistrict lies outside the scope, or an existing case that does.
 */
async function outsideScope(q: Queryable, items: CaseItem[], scope: string[]): Promise<CaseItemError[]> {
	if (!items.length) return [];
	const rows = await q.query<{ idx: number; unit: string | null; stored_unit: string | null; stored: boolean }>(
		`SELECT i.idx,
			coalesce((SELECT g.code FROM grids g WHERE i.lon IS NOT NULL AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)) ORDER BY g.code LIMIT 1),
			         (SELECT c.code FROM communities c WHERE i.lon IS NOT NULL AND ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)) ORDER BY c.code LIMIT 1), '') AS unit,
			${CASE_UNIT_SQL('s.')} AS stored_unit, s.id IS NOT NULL AS stored
		 FROM unnest($1::int[], $2::text[], $3::float8[], $4::float8[]) AS i(idx, id, lon, lat)
		 LEFT JOIN cases s ON s.source_id = i.id`,
		[items.map((i) => i.index), items.map((i) => i.id), items.map((i) => i.lon ?? null), items.map((i) => i.lat ?? null)]
	);
	const byIndex = new Map(items.map((i) => [i.index, i]));
	const errors: CaseItemError[] = [];
	for (const r of rows) {
		const item = byIndex.get(r.idx)!;
		const located = item.lon !== undefined && item.lat !== undefined;
		if ((located && !unitInScope(scope, r.unit)) || (r.stored && !unitInScope(scope, r.stored_unit))) {
			const zh = `事件不在您的辖区（${scope.join('、')}）内`;
			const en = `the case lies outside your jurisdiction (${scope.join(', ')})`;
			errors.push({ index: item.index, id: item.id, field: located ? 'location' : 'id', code: 'outside_jurisdiction', zh, en, message: `${zh} / ${en}` });
		}
	}
	return errors;
}

/**
 * Stores already-validated items in one transaction; notifies the live stream once. Live reports (no
 * file, the clock's own time) are written together with the others waiting in this process
 * (./ingest-group): the writers' lock is then taken once for all of them.
 */
export async function ingestItems(db: Db, items: CaseItem[], options: IngestOptions & { categories?: CaseCategory[] } = {}): Promise<IngestResult> {
	const categories = options.categories ?? (await listCaseCategories(db));
	// the group's writer holds nothing of one request: the categories' due hours are read for the group
	if (!options.file && !options.now) return ingestInGroup(db, items, async (group) => writeItems(db, group, { categories: await listCaseCategories(db) }));
	return writeItems(db, items, { ...options, categories });
}

async function writeItems(db: Db, items: CaseItem[], options: IngestOptions & { categories: CaseCategory[] }): Promise<IngestResult> {
	const categories = options.categories;
	const dueHours = new Map(categories.map((c) => [c.code, c.due_hours]));
	const { plan, lastEventId } = await db.transaction(async (tx) => {
		const plan = await planAndWrite(tx, db.engine, items, { ...options, dueHours, attributeIn: db });
		return plan;
	});
	if (lastEventId !== null) afterCaseCommit(db);
	return {
		received: items.length,
		...plan.counts,
		errors: plan.errors,
		outcomes: plan.outcomes,
		lastEventId
	};
}

/** Inside a transaction: lock, read what is stored, plan, write cases and events, notify. */
export async function planAndWrite(
	tx: Queryable,
	_engine: Db['engine'],
	items: CaseItem[],
	options: IngestOptions & {
		dueHours: Map<string, number>;
		/** Attribute in memory, with the boundaries held for this database (the API's ingest); else in SQL. */
		attributeIn?: object;
	}
): Promise<{ plan: IngestPlan; lastEventId: number | null }> {
	// The boundary lock first (the order every writer takes them in; see case-attribution.ts) …
	const attributor = options.attributeIn ? await attributorFor(tx, options.attributeIn) : (await lockBoundaries(tx), null);
	// … then one writer at a time: event ids then commit in order, so the stream's id cursor never skips.
	await tx.query('SELECT pg_advisory_xact_lock(7007)');
	const stored = await loadStored(tx, [...new Set(items.map((i) => i.id))]);
	const plan = planIngest(items, stored, { now: options.now, dueHours: options.dueHours });
	if (!plan.writes.length) return { plan, lastEventId: null };
	// The write also sends the batch's ONE notification, delivered on commit (server engine: wakes
	// every process's hub; the embedded engine's hub is poked in-process after commit).
	const lastEventId = await writeCases(tx, plan, options.file ?? null, attributor);
	return { plan, lastEventId };
}

async function loadStored(tx: Queryable, ids: string[]): Promise<Map<string, StoredCase>> {
	if (!ids.length) return new Map();
	const rows = await tx.query<{
		source_id: string;
		category: string;
		status: StoredCase['status'];
		escalation_level: StoredCase['escalationLevel'];
		source: string | null;
		description: string | null;
		reported_at: Date | string;
		due_at: Date | string | null;
		lon: number;
		lat: number;
	}>(
		`SELECT source_id, category, status, escalation_level, source, description, reported_at, due_at,
			ST_X(geom) AS lon, ST_Y(geom) AS lat
		 FROM cases WHERE source_id = ANY($1::text[])`,
		[ids]
	);
	const iso = (v: Date | string) => new Date(v).toISOString();
	return new Map(
		rows.map((r) => [
			r.source_id,
			{
				id: r.source_id,
				category: r.category,
				status: r.status,
				escalationLevel: r.escalation_level,
				source: r.source,
				description: r.description,
				reportedAt: iso(r.reported_at),
				dueAt: r.due_at === null ? null : iso(r.due_at),
				lon: r.lon,
				lat: r.lat
			}
		])
	);
}

/**
 * Attribution in SQL (imports, re-attribution; geo/cases/attribution is the same rule in memory), in
 * the same statement as the write: the grid version valid at the reported time
 * (grid_history; the current grids when no version covers that time), the community and the
 * subdistrict holding the point (ST_Contains). Outside every community → outside_jurisdiction.
 */
export const ATTRIBUTED_ROWS = `
	p AS (SELECT r.*, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) AS pt FROM r),
	a AS (
		SELECT p.*, coalesce(hg.grid_code, cg.code) AS grid_code,
			coalesce(cm.code, hg.community_code, cg.community_code) AS community_code
		FROM p
		LEFT JOIN LATERAL (
			SELECT h.grid_code, h.community_code FROM grid_history h
			WHERE ST_Contains(h.geom, p.pt) AND h.valid_from <= p.reported_at
				AND (h.valid_to IS NULL OR h.valid_to > p.reported_at)
				AND EXISTS (SELECT 1 FROM grids g WHERE g.code = h.grid_code)
			ORDER BY h.grid_code LIMIT 1) hg ON true
		LEFT JOIN LATERAL (
			SELECT g.code, g.community_code FROM grids g
			WHERE hg.grid_code IS NULL AND ST_Contains(g.geom, p.pt)
			ORDER BY g.code LIMIT 1) cg ON true
		LEFT JOIN LATERAL (
			SELECT m.code FROM communities m
			WHERE m.geom IS NOT NULL AND ST_Contains(m.geom, p.pt)
			ORDER BY m.code LIMIT 1) cm ON true),
	b AS (
		SELECT a.*, coalesce(mc.subdistrict_code, sd.code) AS subdistrict_code
		FROM a
		LEFT JOIN communities mc ON mc.code = a.community_code
		LEFT JOIN LATERAL (
			SELECT s.code FROM subdistricts s
			WHERE a.community_code IS NULL AND s.geom IS NOT NULL AND ST_Contains(s.geom, a.pt)
			ORDER BY s.code LIMIT 1) sd ON true)`;

/**
 * The batch's rows, sent as one JSON array of arrays (positions, not keys: half the bytes of an
 * array of objects, and quicker to take apart than jsonb_to_recordset). Attributed in memory, the
 * rows also carry their unit codes.
 */
const CASE_FIELDS = ['source_id', 'category', 'status', 'escalation_level', 'source', 'description', 'reported_at', 'due_at', 'lon', 'lat', 'is_new'];
const UNIT_FIELDS = ['grid_code', 'community_code', 'subdistrict_code'];
const FIELD_TYPES: Record<string, string> = { reported_at: 'timestamptz', due_at: 'timestamptz', lon: 'float8', lat: 'float8', is_new: 'boolean' };
const caseRows = (attributed: boolean) =>
	`SELECT ${[...CASE_FIELDS, ...(attributed ? UNIT_FIELDS : [])]
		.map((f, i) => (FIELD_TYPES[f] ? `(e->>${i})::${FIELD_TYPES[f]} AS ${f}` : `e->>${i} AS ${f}`))
		.join(', ')}
	 FROM jsonb_array_elements($1::jsonb) e`;

/**
 * The cases (new ones inserted, known ones updated: the plan read them under the writers' lock, so
 * no ON CONFLICT is needed) and their events, in ONE statement; returns the last event id.
 */
async function writeCases(tx: Queryable, plan: IngestPlan, file: string | null, attributor: Attributor | null): Promise<number | null> {
	const rows = plan.writes.map((w) => {
		const row: unknown[] = [w.id, w.category, w.status, w.escalationLevel, w.source, w.description, w.reportedAt, w.dueAt, w.lon, w.lat, w.isNew];
		if (attributor) {
			const units = attributor.locate(w.lon, w.lat, timestampMicros(w.reportedAt));
			row.push(units.grid, units.community, units.subdistrict);
		}
		return row;
	});
	const events = plan.events.map((e) => [e.id, e.kind, e.status, e.escalationLevel, e.at]);
	const [row] = await tx.query<{ last: number | null }>(
		`WITH r AS (${caseRows(!!attributor)}),
		 ${attributor ? 'b AS (SELECT r.*, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) AS pt FROM r)' : ATTRIBUTED_ROWS},
		 ins AS (
			INSERT INTO cases (source_id, category, status, escalation_level, source, description, reported_at,
				due_at, geom, subdistrict_code, community_code, grid_code, outside_jurisdiction, source_file)
			SELECT b.source_id, b.category, b.status, b.escalation_level, b.source, b.description, b.reported_at,
				b.due_at, b.pt, b.subdistrict_code, b.community_code, b.grid_code, b.community_code IS NULL, $2
			FROM b WHERE b.is_new
			RETURNING id, source_id),
		 upd AS (
			UPDATE cases c SET
				category = b.category, status = b.status, escalation_level = b.escalation_level, source = b.source,
				description = b.description, reported_at = b.reported_at, due_at = b.due_at, geom = b.pt,
				subdistrict_code = b.subdistrict_code, community_code = b.community_code, grid_code = b.grid_code,
				outside_jurisdiction = b.community_code IS NULL, source_file = coalesce($2, c.source_file), updated_at = now()
			FROM b WHERE NOT b.is_new AND c.source_id = b.source_id
			RETURNING c.id, c.source_id),
		 up AS (SELECT * FROM ins UNION ALL SELECT * FROM upd),
		 ev AS (
			INSERT INTO case_events (case_id, kind, status, escalation_level, at)
			SELECT up.id, e.value->>1, e.value->>2, e.value->>3, (e.value->>4)::timestamptz
			FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, n)
			JOIN up ON up.source_id = e.value->>0
			ORDER BY e.n
			RETURNING id)
		 SELECT m.last, CASE WHEN m.last IS NOT NULL THEN pg_notify('${CASE_CHANNEL}', current_schema() || ':' || m.last) END AS notified
		 FROM (SELECT max(id) AS last FROM ev) m`,
		[JSON.stringify(rows), file, JSON.stringify(events)]
	);
	return row?.last ?? null;
}

// --- the file importer's path (geo/import → imports.ts writeCases) ---

export interface CaseRow {
	source_id: string;
	category: string;
	status: string;
	source?: string | null;
	description?: string | null;
	reported_at?: string | null;
	/** GeoJSON Point (WGS-84). */
	geom: string;
	community_code?: string | null;
	grid_code?: string | null;
}

/**
 * Imported cases go through the same rules as the API (categories by code/name/alias, workflow,
 * attribution by date, outside → flagged). Called inside the import's transaction; the import's
 * caller notifies the stream after commit (see imports.ts).
 */
export async function upsertCases(
	tx: Queryable,
	rows: CaseRow[],
	file: string,
	engine: Db['engine'] = 'pglite'
): Promise<UpsertCounts & { unchanged: number; rejected: number; errors: CaseItemError[]; lastEventId: number | null }> {
	const categories = await listCaseCategories(tx);
	const body = rows.map((r) => {
		const [lon, lat] = (JSON.parse(r.geom) as { coordinates: [number, number] }).coordinates;
		return {
			id: r.source_id,
			category: r.category,
			status: r.status,
			source: r.source ?? undefined,
			description: r.description ?? undefined,
			reported_at: r.reported_at ?? undefined,
			lon,
			lat
		};
	});
	const parsed = parseCaseBatch(body, { categories: categoryLookup(categories), maxBatch: Number.MAX_SAFE_INTEGER });
	const dueHours = new Map(categories.map((c) => [c.code, c.due_hours]));
	const { plan, lastEventId } = await planAndWrite(tx, engine, parsed.items, { file, dueHours });
	return {
		inserted: plan.counts.inserted,
		updated: plan.counts.updated,
		unchanged: plan.counts.unchanged,
		rejected: plan.counts.rejected + new Set(parsed.errors.map((e) => e.index)).size,
		errors: [...parsed.errors, ...plan.errors],
		lastEventId
	};
}

// --- reading ---

export { CASE_VIEW_COLUMNS, type CaseView };

/** Recent cases, newest first; `since` = changed at or after that time. */
export async function listCases(q: Queryable, options: { since?: string; limit?: number; units?: string[] | null } = {}): Promise<CaseView[]> {
	const limit = Math.min(Math.max(options.limit ?? 100, 1), 5000);
	// units: the reader's jurisdiction (null = whole city), matched by code prefix.
	return q.query<CaseView>(
		`SELECT ${CASE_VIEW_COLUMNS} FROM cases c
		 WHERE ($1::timestamptz IS NULL OR c.updated_at >= $1::timestamptz)
		   AND ($3::text[] IS NULL OR ${CASE_UNIT_SQL('c.')} LIKE ANY($3::text[]))
		 ORDER BY c.reported_at DESC, c.id DESC LIMIT $2`,
		[options.since ?? null, limit, options.units ? likePatterns(options.units) : null]
	);
}

/** One case by its external id with its steps; null when unknown or (given a scope) outside it. */
export async function getCase(
	q: Queryable,
	id: string,
	scope: Scope = null
): Promise<(CaseView & { events: { id: number; kind: string; status: string; escalation_level: string | null; at: string }[] }) | null> {
	const params: unknown[] = [id];
	const [row] = await q.query<CaseView & { events: never }>(
		`SELECT ${CASE_VIEW_COLUMNS},
			(SELECT coalesce(json_agg(json_build_object('id', e.id, 'kind', e.kind, 'status', e.status,
				'escalation_level', e.escalation_level, 'at', e.at) ORDER BY e.id), '[]'::json)
			 FROM case_events e WHERE e.case_id = c.id) AS events
		 FROM cases c WHERE c.source_id = $1${caseScopeSql(scope, params, 'c.')}`,
		params
	);
	return row ?? null;
}

/**
 * After boundaries change (an import of grids or communities): every case is attributed again by
 * the same rule as on ingest — the grid layout valid at its reported time — so a re-imported grid
 * layout does not move older cases into the new grids.
 */
export async function reattributeCases(tx: Queryable): Promise<void> {
	await tx.query(
		`WITH r AS (SELECT c.source_id, c.reported_at, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat FROM cases c), ${ATTRIBUTED_ROWS}
		 UPDATE cases c SET grid_code = b.grid_code, community_code = b.community_code,
			subdistrict_code = b.subdistrict_code, outside_jurisdiction = b.community_code IS NULL
		 FROM b
		 WHERE b.source_id = c.source_id AND (c.grid_code IS DISTINCT FROM b.grid_code
			OR c.community_code IS DISTINCT FROM b.community_code OR c.subdistrict_code IS DISTINCT FROM b.subdistrict_code)`
	);
}

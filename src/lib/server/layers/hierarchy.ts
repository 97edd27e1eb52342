// Subdistricts, communities and grids: upserts keyed by official code, and the containment checks
// a grid needs (it must lie inside exactly one community).
import type { UpsertCounts } from './types';
import type { Queryable } from '../db';
import { reattributeCases } from '../cases';
import { multiFromJson } from '../db/sql';

export interface SubdistrictRow {
	code: string;
	name: string;
	district_code?: string | null;
	district_name?: string | null;
	geom: string | null;
}

function count(rows: { inserted: boolean }[]): UpsertCounts {
	const inserted = rows.filter((r) => r.inserted).length;
	return { inserted, updated: rows.length - inserted };
}

export async function upsertSubdistricts(tx: Queryable, rows: SubdistrictRow[], meta: { file: string; illustrative: boolean }): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO subdistricts AS s (code, name, district_code, district_name, geom, illustrative, source_file)
		 SELECT r.code, r.name, r.district_code, r.district_name,
			CASE WHEN r.geom IS NULL THEN NULL ELSE ${multiFromJson('r.geom')} END, $2, $3
		 FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, district_code text, district_name text, geom text)
		 ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name,
			district_code = coalesce(EXCLUDED.district_code, s.district_code),
			district_name = coalesce(EXCLUDED.district_name, s.district_name),
			geom = coalesce(EXCLUDED.geom, s.geom),
			illustrative = CASE WHEN EXCLUDED.geom IS NULL THEN s.illustrative ELSE EXCLUDED.illustrative END,
			source_file = EXCLUDED.source_file,
			updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), meta.illustrative, meta.file]
	);
	return count(result);
}

export interface CommunityRow {
	code: string;
	name: string;
	subdistrict_code: string;
	households?: number | null;
	households_estimated?: boolean;
	population?: number | null;
	population_estimated?: boolean;
	service_space_m2?: number | null;
	geom: string | null;
}

/** Codes from `codes` that have no subdistrict row yet. */
export async function missingSubdistricts(tx: Queryable, codes: string[]): Promise<Set<string>> {
	const rows = await tx.query<{ code: string }>(
		`SELECT c AS code FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM subdistricts s WHERE s.code = c)`,
		[[...new Set(codes)]]
	);
	return new Set(rows.map((r) => r.code));
}

export async function upsertCommunities(tx: Queryable, rows: CommunityRow[], meta: { file: string; illustrative: boolean }): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO communities AS c (code, subdistrict_code, name, households, households_estimated,
			population, population_estimated, service_space_m2, geom, illustrative, source_file)
		 SELECT r.code, r.subdistrict_code, r.name, r.households, coalesce(r.households_estimated, false),
			r.population, coalesce(r.population_estimated, false), r.service_space_m2,
			CASE WHEN r.geom IS NULL THEN NULL ELSE ${multiFromJson('r.geom')} END, $2, $3
		 FROM jsonb_to_recordset($1::jsonb) AS r(code text, subdistrict_code text, name text, households int,
			households_estimated boolean, population int, population_estimated boolean, service_space_m2 float8, geom text)
		 ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name,
			households = coalesce(EXCLUDED.households, c.households),
			households_estimated = CASE WHEN EXCLUDED.households IS NULL THEN c.households_estimated ELSE EXCLUDED.households_estimated END,
			population = coalesce(EXCLUDED.population, c.population),
			population_estimated = CASE WHEN EXCLUDED.population IS NULL THEN c.population_estimated ELSE EXCLUDED.population_estimated END,
			service_space_m2 = coalesce(EXCLUDED.service_space_m2, c.service_space_m2),
			geom = coalesce(EXCLUDED.geom, c.geom),
			illustrative = CASE WHEN EXCLUDED.geom IS NULL THEN c.illustrative ELSE EXCLUDED.illustrative END,
			source_file = EXCLUDED.source_file,
			updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), meta.illustrative, meta.file]
	);
	return count(result);
}

export async function countCommunityBoundaries(tx: Queryable): Promise<number> {
	const [row] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM communities WHERE geom IS NOT NULL');
	return row.n;
}

export interface GridPlacement {
	i: number;
	/** Community whose boundary holds the grid's interior point (null: outside every community). */
	community_code: string | null;
	/** Share of the grid's area outside that community. */
	outside_share: number | null;
	west: number;
	north: number;
}

/** Where each grid lies: the containing community (by the code's first 12 digits when given). */
export async function placeGrids(tx: Queryable, grids: { i: number; code: string | null; geom: string }[]): Promise<GridPlacement[]> {
	return tx.query<GridPlacement>(
		`WITH g AS (
			SELECT r.i, r.code, ${multiFromJson('r.geom')} AS geom
			FROM jsonb_to_recordset($1::jsonb) AS r(i int, code text, geom text)
		)
		SELECT g.i, c.code AS community_code,
			CASE WHEN c.code IS NULL THEN NULL
				ELSE ST_Area(ST_Difference(g.geom, c.geom)::geography) / nullif(ST_Area(g.geom::geography), 0) END AS outside_share,
			ST_XMin(g.geom) AS west, ST_YMax(g.geom) AS north
		FROM g
		LEFT JOIN LATERAL (
			SELECT code, geom FROM communities c
			WHERE c.geom IS NOT NULL AND (
				(g.code IS NOT NULL AND c.code = substr(g.code, 1, 12)) OR
				(g.code IS NULL AND ST_Contains(c.geom, ST_PointOnSurface(g.geom))))
			LIMIT 1
		) c ON true
		ORDER BY g.i`,
		[JSON.stringify(grids)]
	);
}

/** Next free grid sequence number per community. */
export async function nextGridSeq(tx: Queryable, communityCodes: string[]): Promise<Map<string, number>> {
	const rows = await tx.query<{ community_code: string; next: number }>(
		`SELECT c AS community_code, coalesce((SELECT max(seq) FROM grids WHERE community_code = c), 0) + 1 AS next
		 FROM unnest($1::text[]) AS c`,
		[[...new Set(communityCodes)]]
	);
	return new Map(rows.map((r) => [r.community_code, r.next]));
}

export interface GridRow {
	code: string;
	community_code: string;
	seq: number;
	name: string;
	kind: 'basic' | 'dedicated';
	geom: string;
}

export async function upsertGrids(tx: Queryable, rows: GridRow[], meta: { file: string; illustrative: boolean }): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO grids AS g (code, community_code, seq, name, kind, geom, illustrative, source_file)
		 SELECT r.code, r.community_code, r.seq, r.name, r.kind, ${multiFromJson('r.geom')}, $2, $3
		 FROM jsonb_to_recordset($1::jsonb) AS r(code text, community_code text, seq int, name text, kind text, geom text)
		 ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name, kind = EXCLUDED.kind, geom = EXCLUDED.geom,
			illustrative = EXCLUDED.illustrative, source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), meta.illustrative, meta.file]
	);
	return count(result);
}

/**
 * Communities without an official household count take the sum of their buildings' estimates. Only
 * those whose figure changes are written, each with an audit row of what changed (migrations/025:
 * the row trigger, which logs the whole row and boundary twice, is off for this statement).
 */
export async function refreshHouseholdEstimates(tx: Queryable): Promise<void> {
	await tx.query(`SELECT set_config('gridatlas.row_audit', 'off', true)`);
	await tx.query(
		`WITH changed AS (
			UPDATE communities c SET households = s.households, households_estimated = true, updated_at = now()
			FROM (SELECT c2.code, c2.households AS before, c2.households_estimated AS was_estimated, b.households
				FROM communities c2
				JOIN (SELECT community_code, sum(households)::int AS households FROM buildings
					WHERE community_code IS NOT NULL GROUP BY community_code) b ON b.community_code = c2.code
				WHERE (c2.households IS NULL OR c2.households_estimated)
					AND (c2.households IS DISTINCT FROM b.households OR NOT c2.households_estimated)) s
			WHERE s.code = c.code
			RETURNING c.code, s.before, s.was_estimated, c.households AS after
		)
		INSERT INTO audit_log (actor, action, entity, entity_id, unit_code, before, after)
		SELECT coalesce(nullif(current_setting('gridatlas.actor', true), ''), 'system'), 'update', 'communities', code, code,
			jsonb_build_object('households', before, 'households_estimated', was_estimated),
			jsonb_build_object('households', after, 'households_estimated', true)
		FROM changed WHERE coalesce(current_setting('gridatlas.bulk', true), '') <> 'on'`
	);
	await tx.query(`SELECT set_config('gridatlas.row_audit', 'on', true)`);
}

/**
 * SQL expressions for the community and the grid holding the point expression `pt` (null outside
 * every one; where boundaries overlap, the lowest code). Where a building belongs: imports place new
 * ones with it (or with the same rule in memory, geo/cases/attribution holding) and boundary changes
 * re-place all of them.
 */
export const communityHoldingPoint = (pt: string) =>
	`(SELECT code FROM communities WHERE geom IS NOT NULL AND ST_Intersects(geom, ${pt}) ORDER BY code LIMIT 1)`;
export const gridHoldingPoint = (pt: string) => `(SELECT code FROM grids WHERE ST_Intersects(geom, ${pt}) ORDER BY code LIMIT 1)`;

/** SQL select-list: community_code and grid_code holding `pt` (see communityHoldingPoint). */
export const unitsHoldingPoint = (pt: string) => `${communityHoldingPoint(pt)} AS community_code, ${gridHoldingPoint(pt)} AS grid_code`;

/**
 * After boundaries change, buildings follow the boundaries they now fall in; cases are re-attributed
 * by the grid layout valid at their reported time (reattributeCases, src/lib/server/cases/index.ts).
 */
export async function reassignToHierarchy(tx: Queryable): Promise<void> {
	await reattributeCases(tx);
	await placeBuildingsAgain(tx);
}

/** Every building whose interior point's units changed moves to them. */
export async function placeBuildingsAgain(tx: Queryable): Promise<void> {
	await tx.query(
		`UPDATE buildings t SET community_code = loc.community_code, grid_code = loc.grid_code
		 FROM (SELECT t2.id, ${unitsHoldingPoint('p.pt')}
			FROM buildings t2 CROSS JOIN LATERAL (SELECT ST_PointOnSurface(t2.geom) AS pt) p) loc
		 WHERE loc.id = t.id AND (t.community_code IS DISTINCT FROM loc.community_code OR t.grid_code IS DISTINCT FROM loc.grid_code)`
	);
}

export interface PointLocation {
	subdistrict: { code: string; name: string } | null;
	community: { code: string; name: string; illustrative: boolean } | null;
	grid: { code: string; name: string; kind: string } | null;
}

/** Which subdistrict, community and grid hold a WGS-84 point. */
export async function locatePoint(q: Queryable, lon: number, lat: number): Promise<PointLocation> {
	const [row] = await q.query<{ s: PointLocation['subdistrict']; c: PointLocation['community']; g: PointLocation['grid'] }>(
		`WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS p)
		 SELECT
			(SELECT json_build_object('code', code, 'name', name) FROM subdistricts, p WHERE geom IS NOT NULL AND ST_Intersects(geom, p.p) ORDER BY code LIMIT 1) AS s,
			(SELECT json_build_object('code', code, 'name', name, 'illustrative', illustrative) FROM communities, p WHERE geom IS NOT NULL AND ST_Intersects(geom, p.p) ORDER BY code LIMIT 1) AS c,
			(SELECT json_build_object('code', code, 'name', name, 'kind', kind) FROM grids, p WHERE ST_Intersects(geom, p.p) ORDER BY code LIMIT 1) AS g`,
		[lon, lat]
	);
	return { subdistrict: row.s, community: row.c, grid: row.g };
}

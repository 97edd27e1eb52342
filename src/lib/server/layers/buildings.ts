// Building footprints with floors and households (estimated or given), placed in community and grid.
import type { Queryable } from '../db';
import type { UpsertCounts } from './types';
import { geomFromJson, multiFromWkbHex } from '../db/sql';
import { communityHoldingPoint, gridHoldingPoint } from './hierarchy';

export interface BuildingRow {
	source_id: string;
	name?: string | null;
	/** The footprint as hex WKB (geo/tiles writeWkb). */
	wkb: string;
	footprint_m2: number;
	levels?: number | null;
	levels_source: string;
	height_m?: number | null;
	households: number;
	households_estimated: boolean;
	households_estimate: number;
	community_code: string | null;
	grid_code: string | null;
}

/** What re-importing a building changes (both writers below). */
const ON_CONFLICT = `ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, geom = EXCLUDED.geom, footprint_m2 = EXCLUDED.footprint_m2,
			levels = EXCLUDED.levels, levels_source = EXCLUDED.levels_source, height_m = EXCLUDED.height_m,
			-- a register's official count outlives re-importing the footprints; the estimate follows them
			households = CASE WHEN b.households_official THEN b.households ELSE EXCLUDED.households END,
			households_estimated = CASE WHEN b.households_official THEN false ELSE EXCLUDED.households_estimated END,
			households_estimate = EXCLUDED.households_estimate,
			community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code,
			source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`;

const COLUMNS = `source_id, name, geom, footprint_m2, levels, levels_source, height_m,
			households, households_estimated, households_estimate, community_code, grid_code, source_file`;

export async function upsertBuildings(tx: Queryable, rows: BuildingRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO buildings AS b (${COLUMNS})
		 SELECT r.source_id, r.name, ${multiFromWkbHex('r.wkb')}, r.footprint_m2, r.levels, r.levels_source, r.height_m,
			r.households, r.households_estimated, r.households_estimate, r.community_code, r.grid_code, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, name text, wkb text, footprint_m2 float8,
			levels float8, levels_source text, height_m float8, households int, households_estimated boolean,
			households_estimate int, community_code text, grid_code text)
		 ${ON_CONFLICT}`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

/**
 * An imported file's buildings, a column an array (`wkb`: their footprints' WKB end to end, `len`
 * bytes each) — one statement per batch, with no text to print or parse.
 */
export interface BuildingColumns {
	i: number[];
	len: number[];
	/** geo/ asks for ST_MakeValid whatever PostGIS thinks (a self-intersection it found). */
	fix: boolean[];
	source_id: string[];
	name: (string | null)[];
	footprint_m2: number[];
	levels: (number | null)[];
	levels_source: string[];
	height_m: (number | null)[];
	households: number[];
	households_estimated: boolean[];
	households_estimate: number[];
	/** The interior point (ST_PointOnSurface, computed as GEOS does: geo/placement); NaN for none. */
	x: number[];
	y: number[];
	wkb: Uint8Array;
}

/** Where the caller placed each building (the units holding its interior point); null: place it in SQL. */
export interface BuildingPlaces {
	community: (string | null)[];
	grid: (string | null)[];
	placed: boolean[];
}

/** A building the batch did not simply write: repaired (fixed), repaired to nothing (empty), or outside every community (not placed). */
export interface BuildingException {
	i: number;
	reason: string | null;
	fixed: boolean;
	empty: boolean;
	placed: boolean;
}

/**
 * Checks, repairs, places and upserts a batch of buildings in one statement, each footprint sent and
 * parsed once, with the results the other layers' writers give: PostGIS's validity verdict and
 * ST_MakeValid's repair as its 9-decimal GeoJSON (imports/write-common repairPolygons), the community
 * and grid holding the interior point, upsertBuildings' conflict rule, rows inserted in the batch's
 * order. A building the caller placed (`places`: the same rule in memory) and that needs no repair
 * keeps its units; the others are placed here (communityHoldingPoint, ./hierarchy). Each value is
 * computed once: two MATERIALIZED CTEs (what the answer reads back) and, inside them, LATERAL
 * subqueries kept apart by OFFSET 0 — without, the planner copies an expression into every place that
 * uses it; with a CTE a step, each step copied every row again (a fifth of the statement).
 */
export async function writeBuildingBatch(
	tx: Queryable,
	b: BuildingColumns,
	places: BuildingPlaces,
	file: string
): Promise<UpsertCounts & { exceptions: BuildingException[] }> {
	const off: number[] = [];
	let at = 0;
	for (const n of b.len) {
		off.push(at);
		at += n;
	}
	const rows = await tx.query<BuildingException & { inserted: number | null; updated: number | null }>(
		`WITH r AS (
			SELECT * FROM unnest($2::int[], $3::int[], $4::int[], $5::boolean[], $6::text[], $7::text[], $8::float8[], $9::float8[],
				$10::text[], $11::float8[], $12::int[], $13::boolean[], $14::int[], $16::text[], $17::text[], $18::boolean[])
				AS r(i, off, len, fix, source_id, name, footprint_m2, levels, levels_source, height_m, households, households_estimated, households_estimate,
					given_community, given_grid, given)
		), repaired AS MATERIALIZED (
			SELECT r.*, p.g, CASE WHEN p.valid THEN 'Valid Geometry' ELSE ST_IsValidReason(p.g) END AS reason,
				CASE WHEN r.fix OR NOT p.valid THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(p.g, 'method=structure'), 3)) END AS f
			FROM r CROSS JOIN LATERAL (
				SELECT q.g, ST_IsValid(q.g) AS valid FROM (SELECT ST_GeomFromWKB(substring($1::bytea FROM r.off + 1 FOR r.len), 4326) AS g OFFSET 0) q OFFSET 0
			) p
		), located AS MATERIALIZED (
			SELECT x.i, x.source_id, x.name, x.footprint_m2, x.levels, x.levels_source, x.height_m, x.households, x.households_estimated,
				x.households_estimate, k.geom,
				CASE WHEN k.given THEN x.given_community ELSE ${communityHoldingPoint('ST_PointOnSurface(k.geom)')} END AS community_code,
				CASE WHEN k.given THEN x.given_grid ELSE ${gridHoldingPoint('ST_PointOnSurface(k.geom)')} END AS grid_code
			FROM repaired x
			CROSS JOIN LATERAL (SELECT CASE WHEN x.f IS NULL THEN ST_Multi(x.g) ELSE ST_Multi(${geomFromJson('ST_AsGeoJSON(x.f, 9)')}) END AS geom,
				x.given AND x.f IS NULL AS given OFFSET 0) k
			WHERE NOT coalesce(ST_IsEmpty(x.f), false)
		), written AS (
			INSERT INTO buildings AS b (${COLUMNS})
			SELECT source_id, name, geom, footprint_m2, levels, levels_source, height_m,
				households, households_estimated, households_estimate, community_code, grid_code, $15
			FROM located WHERE community_code IS NOT NULL ORDER BY i
			${ON_CONFLICT}
		)
		SELECT x.i, x.reason, x.f IS NOT NULL AS fixed, coalesce(ST_IsEmpty(x.f), false) AS empty, l.community_code IS NOT NULL AS placed,
			NULL::int AS inserted, NULL::int AS updated
		FROM repaired x LEFT JOIN located l ON l.i = x.i
		WHERE x.f IS NOT NULL OR l.community_code IS NULL
		UNION ALL
		SELECT -1, NULL, false, false, false, (count(*) FILTER (WHERE inserted))::int, (count(*) FILTER (WHERE NOT inserted))::int FROM written`,
		[
			b.wkb,
			b.i,
			off,
			b.len,
			b.fix,
			b.source_id,
			b.name,
			b.footprint_m2,
			b.levels,
			b.levels_source,
			b.height_m,
			b.households,
			b.households_estimated,
			b.households_estimate,
			file,
			places.community,
			places.grid,
			places.placed
		]
	);
	const total = rows.find((r) => r.i === -1)!;
	return { inserted: total.inserted ?? 0, updated: total.updated ?? 0, exceptions: rows.filter((r) => r.i !== -1) };
}

/** SET clauses: the register's count (r.<field>) when it gives one, then no longer estimated and marked official. */
function officialCount(t: string, field: 'households' | 'population', marked: boolean): string {
	const set = [`${field} = coalesce(r.${field}, ${t}.${field})`];
	if (marked) {
		set.push(`${field}_estimated = CASE WHEN r.${field} IS NULL THEN ${t}.${field}_estimated ELSE false END`);
		set.push(`${field}_official = ${t}.${field}_official OR r.${field} IS NOT NULL`);
	}
	return set.join(', ');
}

export interface RegisterRow {
	i: number;
	building_id: string | null;
	community_code: string | null;
	households: number | null;
	population: number | null;
}

/**
 * Official counts from a register (实有房屋 / 实有人口): each row's building (by source id) or community
 * (by code) takes the counts it gives, marked official; the estimate stays in households_estimate
 * (buildings). Returns the rows whose building or community does not exist.
 */
export async function applyRegister(tx: Queryable, rows: RegisterRow[], file: string): Promise<{ updated: number; unknown: RegisterRow[] }> {
	const json = JSON.stringify(rows);
	const columns = `r(i int, building_id text, community_code text, households int, population int)`;
	const buildings = await tx.query<{ i: number }>(
		`UPDATE buildings b SET ${officialCount('b', 'households', true)}, ${officialCount('b', 'population', false)},
			official_source = $2, updated_at = now()
		 FROM jsonb_to_recordset($1::jsonb) AS ${columns}
		 WHERE r.building_id IS NOT NULL AND b.source_id = r.building_id
		 RETURNING r.i`,
		[json, file]
	);
	const communities = await tx.query<{ i: number }>(
		`UPDATE communities c SET ${officialCount('c', 'households', true)}, ${officialCount('c', 'population', true)},
			official_source = $2, updated_at = now()
		 FROM jsonb_to_recordset($1::jsonb) AS ${columns}
		 WHERE r.building_id IS NULL AND c.code = r.community_code
		 RETURNING r.i`,
		[json, file]
	);
	const done = new Set([...buildings, ...communities].map((r) => r.i));
	return { updated: done.size, unknown: rows.filter((r) => !done.has(r.i)) };
}

// Building footprints with floors and households (estimated or given), placed in community and grid.
import type { Queryable } from '../db';
import type { UpsertCounts } from './types';
import { multiFromWkbHex } from '../db/sql';

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

export async function upsertBuildings(tx: Queryable, rows: BuildingRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO buildings AS b (source_id, name, geom, footprint_m2, levels, levels_source, height_m,
			households, households_estimated, households_estimate, community_code, grid_code, source_file)
		 SELECT r.source_id, r.name, ${multiFromWkbHex('r.wkb')}, r.footprint_m2, r.levels, r.levels_source, r.height_m,
			r.households, r.households_estimated, r.households_estimate, r.community_code, r.grid_code, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, name text, wkb text, footprint_m2 float8,
			levels float8, levels_source text, height_m float8, households int, households_estimated boolean,
			households_estimate int, community_code text, grid_code text)
		 ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, geom = EXCLUDED.geom, footprint_m2 = EXCLUDED.footprint_m2,
			levels = EXCLUDED.levels, levels_source = EXCLUDED.levels_source, height_m = EXCLUDED.height_m,
			-- a register's official count outlives re-importing the footprints; the estimate follows them
			households = CASE WHEN b.households_official THEN b.households ELSE EXCLUDED.households END,
			households_estimated = CASE WHEN b.households_official THEN false ELSE EXCLUDED.households_estimated END,
			households_estimate = EXCLUDED.households_estimate,
			community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code,
			source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
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

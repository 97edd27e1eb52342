// Building footprints with floors and households (estimated or given), placed in community and grid.
import type { Queryable } from './db';
import type { UpsertCounts } from './hierarchy';
import { multiFromJson } from './sql';

export interface BuildingRow {
	source_id: string;
	name?: string | null;
	geom: string;
	footprint_m2: number;
	levels?: number | null;
	levels_source: string;
	height_m?: number | null;
	households: number;
	households_estimated: boolean;
	community_code: string | null;
	grid_code: string | null;
}

export async function upsertBuildings(tx: Queryable, rows: BuildingRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO buildings AS b (source_id, name, geom, footprint_m2, levels, levels_source, height_m,
			households, households_estimated, community_code, grid_code, source_file)
		 SELECT r.source_id, r.name, ${multiFromJson('r.geom')}, r.footprint_m2, r.levels, r.levels_source, r.height_m,
			r.households, r.households_estimated, r.community_code, r.grid_code, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, name text, geom text, footprint_m2 float8,
			levels float8, levels_source text, height_m float8, households int, households_estimated boolean,
			community_code text, grid_code text)
		 ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, geom = EXCLUDED.geom, footprint_m2 = EXCLUDED.footprint_m2,
			levels = EXCLUDED.levels, levels_source = EXCLUDED.levels_source, height_m = EXCLUDED.height_m,
			households = EXCLUDED.households, households_estimated = EXCLUDED.households_estimated,
			community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code,
			source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

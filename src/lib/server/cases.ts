// Cases (事件/案件) reported at a point and attributed to the grid and community holding it.
import type { Queryable } from './db';
import type { UpsertCounts } from './hierarchy';
import { geomFromJson } from './sql';

export interface CaseRow {
	source_id: string;
	category: string;
	status: string;
	source?: string | null;
	description?: string | null;
	reported_at?: string | null;
	geom: string;
	community_code: string | null;
	grid_code: string | null;
}

export async function upsertCases(tx: Queryable, rows: CaseRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO cases AS c (source_id, category, status, source, description, reported_at, geom,
			community_code, grid_code, source_file)
		 SELECT r.source_id, r.category, r.status, r.source, r.description, coalesce(r.reported_at, now()),
			${geomFromJson('r.geom')}, r.community_code, r.grid_code, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, category text, status text, source text,
			description text, reported_at timestamptz, geom text, community_code text, grid_code text)
		 ON CONFLICT (source_id) DO UPDATE SET
			category = EXCLUDED.category, status = EXCLUDED.status, source = EXCLUDED.source,
			description = EXCLUDED.description, reported_at = EXCLUDED.reported_at, geom = EXCLUDED.geom,
			community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code,
			source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

// Land cover (water, green space, land use) for the basemap: upserted by source id like every layer.
import type { LandcoverKind } from '$geo/types';
import type { Queryable } from '../db';
import type { UpsertCounts } from './types';
import { multiFromJson } from '../db/sql';

export interface LandcoverRow {
	source_id: string;
	kind: LandcoverKind;
	name?: string | null;
	/** GeoJSON (Multi)Polygon text, WGS-84, already repaired by the import. */
	geom: string;
}

export async function upsertLandcover(tx: Queryable, rows: LandcoverRow[], file: string): Promise<UpsertCounts> {
	if (rows.length === 0) return { inserted: 0, updated: 0 };
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO landcover AS l0 (source_id, kind, name, geom, source_file)
		 SELECT r.source_id, r.kind, r.name, ${multiFromJson('r.geom')}, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, kind text, name text, geom text)
		 ON CONFLICT (source_id) DO UPDATE SET
			kind = EXCLUDED.kind, name = EXCLUDED.name, geom = EXCLUDED.geom,
			source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

/** Rows and total area (m²) per kind, for summaries and tests. */
export async function landcoverByKind(db: Queryable): Promise<Record<string, { count: number; areaM2: number }>> {
	const rows = await db.query<{ kind: string; count: number; area_m2: number }>(
		`SELECT kind, count(*)::int AS count, round(sum(ST_Area(geom::geography)))::float8 AS area_m2
		 FROM landcover GROUP BY kind ORDER BY kind`
	);
	return Object.fromEntries(rows.map((r) => [r.kind, { count: r.count, areaM2: Number(r.area_m2) }]));
}

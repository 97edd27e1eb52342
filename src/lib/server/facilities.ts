// Facilities, their categories and the editable OSM tag → category mapping.
import type { TagMapping } from '../../../geo/types';
import type { Queryable } from './db';
import type { UpsertCounts } from './hierarchy';
import { geomFromJson } from './sql';

export interface FacilityCategory {
	code: string;
	name_zh: string;
	name_en: string;
	color: string;
}

export async function listCategories(q: Queryable): Promise<FacilityCategory[]> {
	return q.query<FacilityCategory>('SELECT code, name_zh, name_en, color FROM facility_categories ORDER BY sort, code');
}

export async function loadTagMapping(q: Queryable): Promise<TagMapping[]> {
	return q.query<TagMapping>(
		`SELECT osm_key AS key, osm_value AS value, category_code AS category
		 FROM facility_tag_mappings ORDER BY priority, id`
	);
}

/** Seeds the mapping from the defaults in geo/osm once; afterwards it is the users' to edit. */
export async function seedTagMapping(q: Queryable, defaults: TagMapping[]): Promise<number> {
	const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM facility_tag_mappings');
	if (n > 0) return 0;
	const rows = defaults.map((m, priority) => ({ ...m, priority }));
	const inserted = await q.query(
		`INSERT INTO facility_tag_mappings (osm_key, osm_value, category_code, priority)
		 SELECT r.key, r.value, r.category, r.priority FROM jsonb_to_recordset($1::jsonb) AS r(key text, value text, category text, priority int)
		 WHERE EXISTS (SELECT 1 FROM facility_categories c WHERE c.code = r.category)
		 ON CONFLICT (osm_key, osm_value) DO NOTHING RETURNING id`,
		[JSON.stringify(rows)]
	);
	return inserted.length;
}

export interface FacilityRow {
	source_id: string;
	category_code: string;
	name?: string | null;
	geom: string;
	area_m2?: number | null;
	tags?: Record<string, string> | null;
}

export async function upsertFacilities(tx: Queryable, rows: FacilityRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO facilities AS f (source_id, category_code, name, geom, area_m2, tags, source_file)
		 SELECT r.source_id, r.category_code, r.name,
			CASE WHEN GeometryType(${geomFromJson('r.geom')}) = 'POINT' THEN ${geomFromJson('r.geom')} ELSE ST_Multi(${geomFromJson('r.geom')}) END,
			r.area_m2, r.tags, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, category_code text, name text, geom text, area_m2 float8, tags jsonb)
		 ON CONFLICT (source_id) DO UPDATE SET
			category_code = EXCLUDED.category_code, name = EXCLUDED.name, geom = EXCLUDED.geom,
			area_m2 = EXCLUDED.area_m2, tags = EXCLUDED.tags, source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

// Facilities, their categories and the editable OSM tag → category mapping.
import { GridAtlasError } from '$geo/errors';
import type { FacilityAttributes, TagMapping } from '$geo/types';
import type { Queryable } from '../db';
import type { UpsertCounts } from './types';
import { geomFromJson } from '../db/sql';
import type { FacilityCategory } from '../../map/types';

export type { FacilityCategory };

export async function listCategories(q: Queryable): Promise<FacilityCategory[]> {
	return q.query<FacilityCategory>('SELECT code, name_zh, name_en, color FROM facility_categories ORDER BY sort, code');
}

/** The named categories, in legend order (e.g. those an analysis found no facility of). */
export async function categoriesByCode(q: Queryable, codes: string[]): Promise<FacilityCategory[]> {
	if (codes.length === 0) return [];
	return q.query<FacilityCategory>('SELECT code, name_zh, name_en, color FROM facility_categories WHERE code = ANY($1::text[]) ORDER BY sort, code', [codes]);
}

export async function loadTagMapping(q: Queryable): Promise<TagMapping[]> {
	return q.query<TagMapping>(
		`SELECT osm_key AS key, osm_value AS value, category_code AS category
		 FROM facility_tag_mappings ORDER BY priority, id`
	);
}

export interface TagMappingRow extends TagMapping {
	id: number;
	priority: number;
}

/** The mapping as stored (seeded by migrations/013; a city edits it with `gridatlas mapping`). */
export async function listTagMappings(q: Queryable): Promise<TagMappingRow[]> {
	return q.query<TagMappingRow>(
		`SELECT id, osm_key AS key, osm_value AS value, category_code AS category, priority
		 FROM facility_tag_mappings ORDER BY priority, id`
	);
}

export class TagMappingError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_mapping' });
		this.name = 'TagMappingError';
	}
}

const OSM_KEY = /^[a-z][a-z0-9_:.-]{0,63}$/;

/**
 * Adds (or re-points) the mapping key=value → category. New rows come after every existing one
 * unless a priority is given, so the defaults' specific-before-broad order stays.
 */
export async function addTagMapping(q: Queryable, m: TagMapping & { priority?: number }): Promise<TagMappingRow> {
	if (!OSM_KEY.test(m.key)) {
		throw new TagMappingError(`OSM 键“${m.key}”无效（小写字母、数字、_ : . -）/ OSM key "${m.key}" is not valid (lower-case letters, digits, _ : . -)`);
	}
	if (m.value.length === 0 || m.value.length > 128) {
		throw new TagMappingError(`OSM 值须为 1–128 个字符（* 表示任意值）/ the OSM value must be 1–128 characters (* for any value)`);
	}
	const known = await q.query<{ code: string }>('SELECT code FROM facility_categories ORDER BY sort, code');
	if (!known.some((c) => c.code === m.category)) {
		throw new TagMappingError(
			`未知设施类别“${m.category}”，可用类别：${known.map((c) => c.code).join(', ')} / unknown facility category "${m.category}"; categories: ${known.map((c) => c.code).join(', ')}`
		);
	}
	const [row] = await q.query<TagMappingRow>(
		`INSERT INTO facility_tag_mappings (osm_key, osm_value, category_code, priority)
		 VALUES ($1, $2, $3, coalesce($4::int, (SELECT coalesce(max(priority), 0) + 1 FROM facility_tag_mappings)))
		 ON CONFLICT (osm_key, osm_value) DO UPDATE SET category_code = EXCLUDED.category_code,
			priority = coalesce($4::int, facility_tag_mappings.priority)
		 RETURNING id, osm_key AS key, osm_value AS value, category_code AS category, priority`,
		[m.key, m.value, m.category, m.priority ?? null]
	);
	return row;
}

export async function removeTagMapping(q: Queryable, key: string, value: string): Promise<boolean> {
	const rows = await q.query('DELETE FROM facility_tag_mappings WHERE osm_key = $1 AND osm_value = $2 RETURNING id', [key, value]);
	return rows.length > 0;
}

export interface FacilityRow {
	source_id: string;
	category_code: string;
	name?: string | null;
	geom: string;
	area_m2?: number | null;
	tags?: Record<string, string> | null;
	/** seats, beds, floor_area_m2, opening_hours (geo/types FacilityAttributes). */
	attributes?: FacilityAttributes | null;
}

export async function upsertFacilities(tx: Queryable, rows: FacilityRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO facilities AS f (source_id, category_code, name, geom, area_m2, tags, attributes, source_file)
		 SELECT r.source_id, r.category_code, r.name,
			CASE WHEN GeometryType(${geomFromJson('r.geom')}) = 'POINT' THEN ${geomFromJson('r.geom')} ELSE ST_Multi(${geomFromJson('r.geom')}) END,
			r.area_m2, r.tags, r.attributes, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, category_code text, name text, geom text, area_m2 float8, tags jsonb, attributes jsonb)
		 ON CONFLICT (source_id) DO UPDATE SET
			category_code = EXCLUDED.category_code, name = EXCLUDED.name, geom = EXCLUDED.geom,
			area_m2 = EXCLUDED.area_m2, tags = EXCLUDED.tags, attributes = EXCLUDED.attributes, source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

// What the map draws, read from PostGIS as GeoJSON. The map has no tile server: every layer is
// served whole (or clipped to a bbox) from /api/layers/<layer>, which is small enough for a
// subdistrict (a few thousand features). All SQL for the map lives here.
import { GridAtlasError } from '$geo/errors';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Queryable } from '../db';
import { caseScopeSql, type Scope } from '../auth/scope';
import { versionKey, type Topic, type Versions } from '../db/versions';

export const MAP_LAYERS = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'cases'] as const;
export type MapLayer = (typeof MAP_LAYERS)[number];

export function isMapLayer(name: string): name is MapLayer {
	return (MAP_LAYERS as readonly string[]).includes(name);
}

/** [minLon, minLat, maxLon, maxLat] in WGS-84. */
export type BBox = [number, number, number, number];

export interface LayerQuery {
	bbox?: BBox;
	/** Polygons as one interior point each (ST_PointOnSurface), for labels that must appear once. */
	labels?: boolean;
	/** One unit only (subdistricts, communities, grids): its outline where the map draws the level from tiles. */
	code?: string;
	/** The reader's jurisdiction: case rows outside it are left out (null: the whole city). Required for case layers. */
	scope?: Scope;
}

interface LayerSql {
	/** Columns (aliased to property names) besides geometry. */
	columns: string;
	from: string;
	/** The geometry column, qualified. */
	geom: string;
	/** Facilities and cases are drawn as circles, so polygons are reduced to a point. */
	asPoint?: boolean;
	/** The unit code column, for layers that can be asked for one unit. */
	key?: string;
	/** Rows are cases (this is the table's alias): filtered to the reader's jurisdiction. */
	cases?: string;
	order: string;
}

// Property names are what the style and the info panel read; keep them stable.
const LAYERS: Record<MapLayer, LayerSql> = {
	subdistricts: {
		columns: `s.code, s.name, s.district_name, s.illustrative`,
		from: `subdistricts s`,
		geom: 's.geom',
		order: 's.code',
		key: 's.code'
	},
	communities: {
		columns: `c.code, c.name, c.subdistrict_code, c.households, c.households_estimated, c.population,
			c.illustrative, (SELECT count(*)::int FROM grids g WHERE g.community_code = c.code) AS grids`,
		from: `communities c`,
		geom: 'c.geom',
		order: 'c.code',
		key: 'c.code'
	},
	grids: {
		columns: `g.code, g.name, g.community_code, c.name AS community_name, g.kind, g.illustrative,
			coalesce(b.households, 0) AS households, coalesce(b.buildings, 0) AS buildings`,
		from: `grids g JOIN communities c ON c.code = g.community_code
			LEFT JOIN (SELECT grid_code, sum(households)::int AS households, count(*)::int AS buildings
				FROM buildings WHERE grid_code IS NOT NULL GROUP BY grid_code) b ON b.grid_code = g.code`,
		geom: 'g.geom',
		order: 'g.code',
		key: 'g.code'
	},
	buildings: {
		columns: `b.id, b.source_id, b.name, b.levels, b.households, b.households_estimated, b.households_official,
			b.households_estimate, b.population, b.community_code, b.grid_code`,
		from: `buildings b`,
		geom: 'b.geom',
		order: 'b.id'
	},
	facilities: {
		columns: `f.id, f.source_id, f.name, f.category_code AS category, k.name_zh AS category_zh,
			k.name_en AS category_en, k.color, f.area_m2,
			(f.attributes->>'seats')::float8 AS seats, (f.attributes->>'beds')::float8 AS beds,
			(f.attributes->>'floor_area_m2')::float8 AS floor_area_m2, f.attributes->>'opening_hours' AS opening_hours`,
		from: `facilities f JOIN facility_categories k ON k.code = f.category_code`,
		geom: 'f.geom',
		asPoint: true,
		order: 'k.sort, f.id'
	},
	roads: {
		columns: `r.id, r.source_id, r.highway, r.name, r.walkable`,
		from: `roads r`,
		geom: 'r.geom',
		order: 'r.id'
	},
	// Basemap water / green / land use; ordered so water is drawn last (on top) when one fill layer draws all.
	landcover: {
		columns: `l.id, l.source_id, l.kind, l.name`,
		from: `landcover l`,
		geom: 'l.geom',
		order: `CASE l.kind WHEN 'water' THEN 3 WHEN 'park' THEN 2 WHEN 'green' THEN 1 ELSE 0 END, l.id`
	},
	cases: {
		columns: `x.id, x.source_id, x.category, x.status, x.reported_at, x.community_code, x.grid_code`,
		from: `cases x`,
		geom: 'x.geom',
		asPoint: true,
		cases: 'x.',
		order: 'x.reported_at DESC, x.id'
	}
};

interface Row {
	geometry: Geometry;
	properties: Record<string, unknown>;
}

export class LayerQueryError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_layer_query' });
		this.name = 'LayerQueryError';
	}
}

export async function layerGeoJSON(db: Queryable, layer: MapLayer, query: LayerQuery = {}): Promise<FeatureCollection> {
	const spec = LAYERS[layer];
	const point = spec.asPoint || query.labels;
	const geom = point ? `ST_PointOnSurface(${spec.geom})` : spec.geom;
	const params: unknown[] = [];
	let where = `${spec.geom} IS NOT NULL`;
	if (query.bbox) {
		params.push(...query.bbox);
		where += ` AND ${spec.geom} && ST_MakeEnvelope($1, $2, $3, $4, 4326)`;
	}
	if (query.code !== undefined) {
		if (!spec.key) throw new LayerQueryError(`图层 ${layer} 不能按编码查询 / layer ${layer} cannot be asked for one code`);
		params.push(query.code);
		where += ` AND ${spec.key} = $${params.length}`;
	}
	if (spec.cases !== undefined) {
		// Fail closed: a caller that forgot the reader would otherwise get the whole city's cases.
		if (query.scope === undefined) throw new Error(`图层 ${layer} 含案件，须给出读者的辖区 / layer ${layer} holds cases: the reader's scope is required`);
		where += caseScopeSql(query.scope, params, spec.cases);
	}
	// Properties are built in SQL so the column list above is the only place they are named.
	const rows = await db.query<Row>(
		`SELECT ST_AsGeoJSON(${geom}, 7)::json AS geometry, to_json(p) AS properties
		 FROM ${spec.from}
		 CROSS JOIN LATERAL (SELECT ${spec.columns}) p
		 WHERE ${where}
		 ORDER BY ${spec.order}`,
		params
	);
	const features: Feature[] = rows.map((r) => ({
		type: 'Feature',
		geometry: typeof r.geometry === 'string' ? JSON.parse(r.geometry) : r.geometry,
		properties: dropNulls(typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties)
	}));
	return { type: 'FeatureCollection', features };
}

// MapLibre expressions treat a missing property and null alike; dropping them halves the payload
// for sparse columns such as building names.
function dropNulls(props: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(props)) if (v !== null) out[k] = v;
	return out;
}

/**
 * Where the map opens: the boundaries when there are any (the roads of an OSM extract run on well
 * past the area being governed), otherwise everything but cases (shown to every reader, it must not
 * outline where cases outside their jurisdiction lie); null on an empty database.
 */
export async function dataExtent(db: Queryable): Promise<BBox | null> {
	const [row] = await db.query<{ minx: number | null; miny: number; maxx: number; maxy: number }>(
		`WITH boundaries AS (
			SELECT ST_Extent(geom) AS b FROM (
				SELECT geom FROM subdistricts WHERE geom IS NOT NULL
				UNION ALL SELECT geom FROM communities WHERE geom IS NOT NULL
				UNION ALL SELECT geom FROM grids
			) g
		), everything AS (
			SELECT ST_Extent(geom) AS b FROM (
				SELECT geom FROM buildings
				UNION ALL SELECT geom FROM roads
				UNION ALL SELECT geom FROM facilities
			) g
		)
		SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
		FROM (SELECT coalesce((SELECT b FROM boundaries), (SELECT b FROM everything)) AS e) x`
	);
	if (!row || row.minx === null) return null;
	return [row.minx, row.miny, row.maxx, row.maxy];
}

export interface LegendCategory {
	code: string;
	name_zh: string;
	name_en: string;
	color: string;
	count: number;
}

/** Facility categories that have at least one facility, with their colours, for the legend. */
export async function facilityLegend(db: Queryable): Promise<LegendCategory[]> {
	return db.query<LegendCategory>(
		`SELECT k.code, k.name_zh, k.name_en, k.color, count(f.id)::int AS count
		 FROM facility_categories k JOIN facilities f ON f.category_code = k.code
		 GROUP BY k.code ORDER BY k.sort, k.code`
	);
}

/** Feature counts per layer, so the page can say when there is nothing to show. */
export async function layerCounts(db: Queryable): Promise<Record<MapLayer, number>> {
	const [row] = await db.query<Record<MapLayer, number>>(
		`SELECT (SELECT count(*)::int FROM subdistricts WHERE geom IS NOT NULL) AS subdistricts,
			(SELECT count(*)::int FROM communities WHERE geom IS NOT NULL) AS communities,
			(SELECT count(*)::int FROM grids) AS grids,
			(SELECT count(*)::int FROM buildings) AS buildings,
			(SELECT count(*)::int FROM facilities) AS facilities,
			(SELECT count(*)::int FROM roads) AS roads,
			(SELECT count(*)::int FROM landcover) AS landcover,
			(SELECT count(*)::int FROM cases) AS cases`
	);
	return row;
}

/** Parses "minx,miny,maxx,maxy"; null when malformed or outside lon/lat ranges. */
export function parseBBox(text: string): BBox | null {
	const parts = text.split(',');
	if (parts.length !== 4) return null;
	const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
	if (nums.some((n) => !Number.isFinite(n))) return null;
	const [minx, miny, maxx, maxy] = nums;
	if (minx < -180 || maxx > 180 || miny < -90 || maxy > 90 || minx > maxx || miny > maxy) return null;
	return [minx, miny, maxx, maxy];
}

export interface MapSummary {
	extent: BBox | null;
	categories: LegendCategory[];
	counts: Record<MapLayer, number>;
}

const summaries = new WeakMap<object, { key: string; value: Promise<MapSummary> }>();
const caseCounts = new WeakMap<object, { key: number; value: Promise<number> }>();
// What the summary is made of, but cases: ingest moves them many times a second.
const SUMMARY_TOPICS: Topic[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover'];

/** Kept per database while `key` stands; a failed computation is not kept. */
function remembered<K, V>(map: WeakMap<object, { key: K; value: Promise<V> }>, db: object, key: K, compute: () => Promise<V>): Promise<V> {
	const hit = map.get(db);
	if (hit && hit.key === key) return hit.value;
	const value = compute();
	map.set(db, { key, value });
	value.catch(() => {
		if (map.get(db)?.value === value) map.delete(db);
	});
	return value;
}

/**
 * What every map page load needs (extent, legend, counts): counting a city of a million buildings
 * takes longer than drawing it, so the answer is kept while the data versions it is made of stand
 * (db/versions: moved by any committed write, in any process); the case count while the cases' does.
 */
export async function mapSummary(db: Queryable, versions: Versions): Promise<MapSummary> {
	const summary = await remembered(summaries, db, versionKey(versions, SUMMARY_TOPICS), async () => ({
		extent: await dataExtent(db),
		categories: await facilityLegend(db),
		counts: await layerCounts(db)
	}));
	const cases = await remembered(caseCounts, db, versions.cases, async () => {
		const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
		return n;
	});
	return { ...summary, counts: { ...summary.counts, cases } };
}

/**
 * mapSummary as one reader may see it: a reader short of the whole city gets the case count of its
 * jurisdiction only, counted per request (the city's is cached: counting every case of a big city
 * on each page load would cost more than the page).
 */
export async function readerMapSummary(db: Queryable, versions: Versions, scope: Scope): Promise<MapSummary> {
	const summary = await mapSummary(db, versions);
	if (scope === null) return summary;
	const params: unknown[] = [];
	const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE true${caseScopeSql(scope, params)}`, params);
	return { ...summary, counts: { ...summary.counts, cases: n } };
}

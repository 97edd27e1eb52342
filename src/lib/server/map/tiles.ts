// Mapbox Vector Tiles for the map: GET /tiles/{layer}/{z}/{x}/{y}.pbf. One query per tile and layer,
// with the same WHERE clause on both engines:
//   - PostgreSQL + PostGIS: ST_AsMVT over ST_AsMVTGeom, all in the database;
//   - PGlite (built without protobuf, so ST_AsMVT and ST_AsMVTGeom fail there): the same rows with
//     their geometry as WKB, tiled and encoded by geo/tiles, which follows ST_AsMVTGeom step by step.
// Tiles are cached in process (LRU) and in the tile store shared by processes (./tile-store), both keyed
// by the data version of the table they read (db/versions: moved by the database at every committed
// write, whoever made it), so no process keeps or hands out a stale tile.
// Grid tiles below zoom 12 hold only the grids large enough to see there (migrations/011).
import { createHash } from 'node:crypto';
import os from 'node:os';
import { Gate } from '../runtime/gate';
import { renderTile, parseTileCoord, mapFlatPositions, TileCoordError, DEFAULT_BUFFER, DEFAULT_EXTENT, type TileCoord } from '$geo/tiles';
import { positionWgs84ToGcj02 } from '$geo/crs';
import type { Db } from '../db';
import { wkbAggregate, wkbRows } from '../db/sql';
import { TILED_MIN_ZOOM } from '../../map/tile-zooms';
import { versionsFor, versionTracker, type Topic } from '../db/versions';
import { tileStoreFor, type StoredTile } from './tile-store';

export const TILE_LAYERS = [
	'subdistricts',
	'communities',
	'grids',
	'buildings',
	'facilities',
	'roads',
	// One label point per unit (ST_PointOnSurface, as /api/layers?labels=1): a label placed inside the
	// boundary tiles' polygons would repeat in every tile the polygon crosses.
	'subdistrict_labels',
	'community_labels',
	'grid_labels'
] as const;
export type TileLayerName = (typeof TILE_LAYERS)[number];

export function isTileLayer(name: string): name is TileLayerName {
	return (TILE_LAYERS as readonly string[]).includes(name);
}

export const TILE_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
/**
 * Browsers may reuse a tile this long without asking; after that the ETag makes asking cheap. Private:
 * a tile is for signed-in readers, and a shared cache (a proxy) must not hand it to anyone else.
 */
export const TILE_MAX_AGE_S = 60;

interface LayerSql {
	/** The table read (default: the layer's own name). */
	table?: string;
	/** Tile properties in this order (the MVT layer's keys): [SQL expression, property name]. */
	props: [string, string][];
	/** The geometry drawn; the filter always uses the table's indexed `geom`. */
	geom: string;
	/** The same geometry in EPSG:3857 where the table keeps it (ST_AsMVTGeom's input). */
	geom3857?: string;
	/** Feature order: a column of the table (codes are fixed-length digits, ids integers). */
	order: string;
	/**
	 * A column holding `props` as a JSON array text, kept by the database (grids: migrations/011),
	 * which the 'js' query reads instead of building the array per tile.
	 */
	propsJson?: string;
	/**
	 * Below this zoom only the features at least 16 px across (the table's `overview_zoom`, see
	 * migrations/011) are in the tile; from it, all: the zoom from which the map draws the layer.
	 */
	fullDetailZoom?: number;
}

/** The zoom from which grid tiles hold every grid: the zoom from which the map draws them. */
export const GRID_FULL_DETAIL_ZOOM = TILED_MIN_ZOOM.grids;

// The layer name in the tile is the table name. Property lists are the map style's contract.
const LAYER_SQL: Record<TileLayerName, LayerSql> = {
	subdistricts: { props: cols('code', 'name', 'illustrative'), geom: 'geom', order: 'code' },
	communities: { props: cols('code', 'name', 'subdistrict_code', 'households', 'illustrative'), geom: 'geom', order: 'code' },
	grids: {
		props: cols('code', 'name', 'kind', 'community_code', 'illustrative'),
		propsJson: 'tile_properties',
		geom: 'geom',
		geom3857: 'geom_3857',
		order: 'code',
		fullDetailZoom: GRID_FULL_DETAIL_ZOOM
	},
	buildings: { props: cols('id', 'households', 'grid_code', 'community_code'), geom: 'geom', order: 'id' },
	// Facilities are drawn as circles (as /api/layers does): one point inside each area.
	facilities: {
		props: [
			['id', 'id'],
			['category_code', 'category'],
			['name', 'name']
		],
		geom: 'ST_PointOnSurface(geom)',
		order: 'id'
	},
	roads: { props: cols('highway', 'name'), geom: 'geom', order: 'id' },
	subdistrict_labels: { table: 'subdistricts', props: cols('code', 'name'), geom: 'ST_PointOnSurface(geom)', order: 'code' },
	community_labels: { table: 'communities', props: cols('code', 'name'), geom: 'ST_PointOnSurface(geom)', order: 'code' },
	grid_labels: { table: 'grids', props: cols('code', 'name'), geom: 'ST_PointOnSurface(geom)', order: 'code', fullDetailZoom: GRID_FULL_DETAIL_ZOOM }
};

function cols(...names: string[]): [string, string][] {
	return names.map((n) => [n, n]);
}

// ST_TileEnvelope's margin is a fraction of the tile: the buffer, so features reaching into the
// buffer are fetched. It is a constant of the code, not a parameter.
const MARGIN = DEFAULT_BUFFER / DEFAULT_EXTENT;
const ENVELOPE_4326 = `ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${MARGIN}), 4326)`;

/**
 * The coordinates a tile is drawn in. GCJ-02 tiles line up with a Chinese (AMap) basemap: the rows are
 * fetched with a margin of GCJ_MARGIN_DEG (the offset is at most ~700 m in China), shifted WGS-84 →
 * GCJ-02 in JS, then tiled by geo/tiles — on both engines, as PostGIS has no GCJ-02.
 */
export type TileCrs = 'wgs84' | 'gcj02';
export const TILE_CRS: readonly TileCrs[] = ['wgs84', 'gcj02'];
const GCJ_MARGIN_DEG = 0.01;

/** How a tile is made: in the database (server engine only) or by geo/tiles (either engine). */
export type TileMethod = 'postgis' | 'js';

export function defaultTileMethod(db: Pick<Db, 'engine'>): TileMethod {
	return db.engine === 'postgres' ? 'postgis' : 'js';
}

/**
 * The SQL of one layer's tile at zoom z, for the method asked; parameters are always [z, x, y].
 * The 'js' query returns ONE row: each feature's properties as a JSON array (led by the order key
 * when that is not one of them; read from `propsJson` where the table keeps it), all in one JSON
 * array, and the geometries' WKB laid end to end as one bytea, both in scan order (the caller sorts:
 * an ORDER BY in each aggregate sorted the rows twice, half the query's time). On PGlite a row costs about
 * 5 µs to hand over: one aggregated row made fetching a 30,000-grid tile 7× faster than a row per
 * feature, with full double precision kept.
 */
export function tileSql(layer: TileLayerName, method: TileMethod, z: number, crs: TileCrs = 'wgs84'): string {
	const s = LAYER_SQL[layer];
	// z as a literal (a checked integer below 12): the planner can then pick the partial index of the
	// features drawn at that zoom, which it cannot prove for a parameter
	const overview = s.fullDetailZoom !== undefined && z < s.fullDetailZoom ? ` AND overview_zoom <= ${Math.trunc(z)}` : '';
	if (method === 'postgis') {
		// OFFSET 0 keeps the subquery whole: flattened, ST_AsMVTGeom ran twice per row (the filter
		// below and the column), 40 % of a zoom-12 grid tile
		return `SELECT ST_AsMVT(t, '${layer}', ${DEFAULT_EXTENT}, 'geom') AS tile FROM (
			SELECT ${s.props.map(([expr, name]) => `${expr} AS ${name}`).join(', ')},
				ST_AsMVTGeom(${s.geom3857 ?? `ST_Transform(${s.geom}, 3857)`}, ST_TileEnvelope($1::int, $2::int, $3::int), ${DEFAULT_EXTENT}, ${DEFAULT_BUFFER}, true) AS geom
			FROM ${s.table ?? layer}
			WHERE geom && ${ENVELOPE_4326}${overview}
			ORDER BY ${s.order}
			OFFSET 0
		) t WHERE t.geom IS NOT NULL`;
	}
	const props = s.propsJson
		? `'[' || string_agg(${s.propsJson}, ',') || ']'`
		: `json_agg(json_build_array(${[...(orderIndex(s) < 0 ? [s.order] : []), ...s.props.map(([expr]) => expr)].join(', ')}))::text`;
	return `SELECT count(*)::int AS n,
			${props} AS props,
			${wkbAggregate(s.geom)} AS geoms
		FROM ${s.table ?? layer}
		WHERE geom && ${crs === 'gcj02' ? `ST_Expand(${ENVELOPE_4326}, ${GCJ_MARGIN_DEG})` : ENVELOPE_4326}${overview}`;
}

/** Builds one tile without the cache. Zero bytes when the area holds nothing of the layer. */
export async function buildTile(
	db: Pick<Db, 'engine' | 'query'>,
	layer: TileLayerName,
	tile: TileCoord,
	method: TileMethod = defaultTileMethod(db),
	crs: TileCrs = 'wgs84'
): Promise<Uint8Array> {
	const params = [tile.z, tile.x, tile.y];
	if (crs === 'gcj02') method = 'js';
	if (method === 'postgis') {
		// one round trip: parallel workers and JIT are off for every app connection (db SESSION_SETTINGS)
		const [row] = await db.query<{ tile: Uint8Array | null }>(tileSql(layer, 'postgis', tile.z), params);
		return row?.tile ? new Uint8Array(row.tile.buffer, row.tile.byteOffset, row.tile.byteLength) : new Uint8Array(0);
	}
	const [row] = await db.query<{ n: number; props: string | null; geoms: Uint8Array | null }>(tileSql(layer, 'js', tile.z, crs), params);
	if (!row || row.n === 0 || row.props === null || row.geoms === null) return new Uint8Array(0);
	const s = LAYER_SQL[layer];
	const keys = s.props.map(([, name]) => name);
	// each row: [order key, …props], or just the props when the order key is one of them
	const at = orderIndex(s);
	const key = at < 0 ? 0 : at;
	const first = at < 0 ? 1 : 0;
	const values = JSON.parse(row.props) as unknown[][];
	let geometries = wkbRows(row.geoms, row.n);
	if (crs === 'gcj02') geometries = geometries.map((g) => g && mapFlatPositions(g, (x, y) => positionWgs84ToGcj02([x, y])));
	const order = values.map((_, i) => i).sort((a, b) => compareKeys(values[a][key], values[b][key]));
	const features = order.map((i) => {
		const v = values[i];
		const properties: Record<string, unknown> = {};
		for (let k = 0; k < keys.length; k++) properties[keys[k]] = v[k + first];
		return { geometry: geometries[i], properties };
	});
	return renderTile(layer, features, tile);
}

/** Where the order key is among a layer's properties (-1: it is not, and goes first in each row). */
function orderIndex(s: LayerSql): number {
	return s.props.findIndex(([expr]) => expr === s.order);
}

/** The ORDER BY of the 'postgis' query: ids as numbers; codes are ASCII digits, the same in any collation. */
function compareKeys(a: unknown, b: unknown): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const x = String(a),
		y = String(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Cache

interface CacheEntry {
	body: Uint8Array;
	etag: string;
	version: number;
}

/** Least-recently-used map bounded by entry count and by bytes (a z10 tile can be a megabyte). */
class TileCache {
	private map = new Map<string, CacheEntry>();
	private bytes = 0;
	constructor(
		private maxEntries: number,
		private maxBytes: number
	) {}
	get(key: string): CacheEntry | undefined {
		const e = this.map.get(key);
		if (e) {
			this.map.delete(key);
			this.map.set(key, e);
		}
		return e;
	}
	set(key: string, e: CacheEntry) {
		this.delete(key);
		if (e.body.byteLength > this.maxBytes) return;
		this.map.set(key, e);
		this.bytes += e.body.byteLength;
		while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
			const oldest = this.map.keys().next().value as string;
			this.delete(oldest);
		}
	}
	delete(key: string) {
		const e = this.map.get(key);
		if (!e) return;
		this.bytes -= e.body.byteLength;
		this.map.delete(key);
	}
	deleteWhere(pred: (key: string) => boolean) {
		for (const key of [...this.map.keys()]) if (pred(key)) this.delete(key);
	}
	clear() {
		this.map.clear();
		this.bytes = 0;
	}
	get size() {
		return this.map.size;
	}
}

/**
 * Tile builds in flight at once per process (GRIDATLAS_TILE_BUILDS; default the cores, at least 2);
 * the others wait here. A map asks for dozens of tiles together, a hundred users for hundreds: queued
 * in the database pool instead, they held every connection, and a case report, a search or a plan
 * save waited behind them for seconds (`npm run bench -- load`; tiles, bounded by the database's
 * cores either way, are built as many a second).
 */
const tileBuilds = new Gate(Math.max(1, Math.floor(Number(process.env.GRIDATLAS_TILE_BUILDS) || Math.max(2, os.availableParallelism()))));

const cache = new TileCache(Number(process.env.GRIDATLAS_TILE_CACHE_ENTRIES) || 20_000, (Number(process.env.GRIDATLAS_TILE_CACHE_MB) || 128) * 1024 * 1024);
const pending = new Map<string, Promise<CacheEntry & { source: TileSource }>>();
// Tests run both engines in one process: cache keys carry which database a tile came from.
const dbIds = new WeakMap<object, number>();
let nextDbId = 1;
function dbId(db: Db): number {
	let id = dbIds.get(db);
	if (id === undefined) {
		dbIds.set(db, (id = nextDbId++));
		// a moved topic makes its layers' tiles useless: free them now rather than when the LRU gets there
		const prefix = `${id}|`;
		versionTracker(db).onChange((topics) => {
			const stale = TILE_LAYERS.filter((l) => topics.includes(tileTopic(l))).map((l) => `${prefix}${l}/`);
			if (stale.length) cache.deleteWhere((key) => stale.some((p) => key.startsWith(p)));
		});
	}
	return id;
}

/** The data version (db/versions topic) a tile layer is made from: the table it reads, named alike. */
const tileTopic = (layer: TileLayerName) => (LAYER_SQL[layer].table ?? layer) as Topic;

/**
 * What makes a tile, for the tile store (a folder of its own for each): the layers' SQL and properties,
 * the tiling constants and the source of the functions that build and encode tiles. An upgrade that
 * changes how tiles are made never reads the tiles the old code stored. Raise the revision when a change
 * deeper down (geo/tiles' encoders) changes the bytes.
 */
const TILE_FORMAT_REVISION = 1;
const tileFormat = createHash('sha256')
	.update(
		JSON.stringify({
			revision: TILE_FORMAT_REVISION,
			LAYER_SQL,
			DEFAULT_EXTENT,
			DEFAULT_BUFFER,
			code: [buildTile, renderTile, mapFlatPositions, positionWgs84ToGcj02].map(String)
		})
	)
	.digest('hex')
	.slice(0, 12);

/** Drops this process's cached tiles (as a restart would; the tile store keeps its own). */
export function forgetCachedTiles(): void {
	cache.clear();
}

export function tileCacheStats() {
	return { entries: cache.size };
}

function etagOf(body: Uint8Array): string {
	return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** Where a tile came from: this process's memory, the tile store (./tile-store), or built now. */
export type TileSource = 'memory' | 'store' | 'built';

/**
 * A tile through the in-process cache, then the tile store, then built; concurrent requests for the
 * same tile share one lookup and build.
 */
export async function getTile(db: Db, layer: TileLayerName, tile: TileCoord, crs: TileCrs = 'wgs84'): Promise<CacheEntry & { source: TileSource }> {
	const key = `${dbId(db)}|${layer}/${tile.z}/${tile.x}/${tile.y}${crs === 'wgs84' ? '' : `@${crs}`}`;
	// Read before the rows: a tile built from rows at least this new may be kept under it.
	const version = (await versionsFor(db))[tileTopic(layer)];
	const hit = cache.get(key);
	if (hit && hit.version === version) return { ...hit, source: 'memory' };
	// requests planned with different versions never share a build
	const buildKey = `${key}#${version}`;
	let build = pending.get(buildKey);
	if (!build) {
		build = (async () => {
			const store = tileStoreFor(db);
			const stored: StoredTile = { format: tileFormat, layer, ...tile, crs: crs === 'wgs84' ? '' : crs, version };
			let body = await store?.get(stored);
			const source = body ? 'store' : 'built';
			if (!body) {
				body = await tileBuilds.run(() => buildTile(db, layer, tile, defaultTileMethod(db), crs));
				store?.put(stored, body);
			}
			const entry = { body, etag: etagOf(body), version, source } as const;
			// never replace a tile of a newer version (a slower build of an older one finishing last)
			const held = cache.get(key);
			if (!held || held.version <= version) cache.set(key, { body, etag: entry.etag, version });
			return entry;
		})().finally(() => pending.delete(buildKey));
		pending.set(buildKey, build);
	}
	return await build;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface TileResponse {
	status: number;
	headers: Record<string, string>;
	body: Uint8Array | string | null;
}

/** A refusal in the one answer shape (http/api-errors: `{message, code}`), as a TileResponse. */
const jsonError = (status: number, message: string, code: string): TileResponse => ({
	status,
	headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
	body: JSON.stringify({ message, code })
});

/** The whole answer to GET /tiles/{layer}/{z}/{x}/{y}.pbf; the route only adapts it to a Response. */
export async function serveTile(
	db: Db,
	params: { layer: string; z: string; x: string; y: string },
	ifNoneMatch?: string | null,
	crsParam: string | null = null
): Promise<TileResponse> {
	const crs = (crsParam ?? 'wgs84').toLowerCase() as TileCrs;
	if (!TILE_CRS.includes(crs)) {
		return jsonError(400, `坐标系“${crsParam}”无效，瓦片可用 wgs84、gcj02 / unknown crs "${crsParam}"; tiles come in wgs84 or gcj02`, 'bad_crs');
	}
	if (!isTileLayer(params.layer)) {
		return jsonError(
			404,
			`未知图层「${params.layer}」，可用图层：${TILE_LAYERS.join('、')} / unknown layer "${params.layer}"; known: ${TILE_LAYERS.join(', ')}`,
			'unknown_layer'
		);
	}
	let tile: TileCoord;
	try {
		tile = parseTileCoord(params.z, params.x, params.y);
	} catch (err) {
		if (err instanceof TileCoordError) return jsonError(err.status, err.message, err.code);
		throw err;
	}
	const entry = await getTile(db, params.layer, tile, crs);
	const headers: Record<string, string> = {
		'content-type': TILE_CONTENT_TYPE,
		'cache-control': `private, max-age=${TILE_MAX_AGE_S}`,
		etag: entry.etag,
		// hit: this process had it; store: another process (or this one before a restart) built it; miss: built now
		'x-tile-cache': entry.source === 'memory' ? 'hit' : entry.source === 'store' ? 'store' : 'miss'
	};
	if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === entry.etag || t.trim() === `W/${entry.etag}`)) {
		return { status: 304, headers, body: null };
	}
	return { status: 200, headers: { ...headers, 'content-length': String(entry.body.byteLength) }, body: entry.body };
}

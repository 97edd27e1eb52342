// The walking network in memory for the server: loaded once from walk_edges (the importer rebuilds
// that table whenever roads change), laid out as a WalkGraph (geo/network/graph), and reused by
// every request until the table changes. Also the /api/isochrone answer.
//
// Version: the roads' data version (db/versions; walk_nodes and walk_edges belong to it), moved by any
// committed write to them in any process, with (min id, max id) of walk_edges to tell an empty
// network ('empty') — two index lookups. invalidateWalkGraph() forgets a graph explicitly.
import { graphFromEdgeList, graphBounds, type WalkGraph } from '$geo/network/graph';
import { versionsFor } from '../db/versions';
import { DEFAULT_SPEED_M_PER_MIN, SLOW_SPEED_M_PER_MIN, IsochroneError, isochrones, type IsochroneCollection, type IsochroneErrorCode } from '$geo/isochrone';
import type { Db, Queryable } from '../db';
import { wkbAggregate } from '../db/sql';

/** Largest number of minutes an isochrone request may ask for (GRIDATLAS_ISOCHRONE_MAX_MINUTES, default 60). */
export const ISOCHRONE_MAX_MINUTES = Number(process.env.GRIDATLAS_ISOCHRONE_MAX_MINUTES) || 60;
/** How far (m) a requested point may be from the nearest walkable road. */
export const ISOCHRONE_MAX_SNAP_M = 500;
/** Edges fetched per query while loading. */
const LOAD_CHUNK = 50_000;

export interface NetworkStats {
	version: string;
	nodes: number;
	edges: number;
	dropped: { nodes: number; edges: number };
	bbox: [number, number, number, number] | null;
	loadMs: number;
	loadedAt: string;
}

interface CacheEntry {
	version: string;
	pending: Promise<WalkGraph>;
	graph?: WalkGraph;
	stats?: NetworkStats;
}

const cache = new WeakMap<object, CacheEntry>();

/** Changes whenever the walk network is rebuilt ('empty' when there is none). */
export async function walkNetworkVersion(db: Db): Promise<string> {
	const roads = (await versionsFor(db)).roads;
	const [row] = await db.query<{ lo: string | null; hi: string | null }>('SELECT min(id)::text AS lo, max(id)::text AS hi FROM walk_edges');
	return row?.lo == null ? 'empty' : `${row.lo}-${row.hi}@${roads}`;
}

/** Reads walk_edges into a WalkGraph (largest connected component; dropped parts counted and kept for snapping). */
export async function loadWalkGraph(db: Db): Promise<WalkGraph> {
	const read = async (tx: Queryable) => {
		if (db.engine === 'postgres') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
		const ids: number[] = [];
		const from: number[] = [];
		const to: number[] = [];
		const lengths: number[] = [];
		const coordChunks: Float64Array[] = [];
		const counts: number[] = [];
		let after = -1;
		for (;;) {
			const [row] = await tx.query<{ n: number; last: number | null; rows: string | null; geoms: Uint8Array | null }>(
				`SELECT count(*)::int AS n, max(id) AS last,
					json_agg(json_build_array(id, from_node, to_node, length_m) ORDER BY id)::text AS rows,
					${wkbAggregate('geom', 'id')} AS geoms
				 FROM (SELECT id, from_node, to_node, length_m, geom FROM walk_edges WHERE id > $1 ORDER BY id LIMIT ${LOAD_CHUNK}) e`,
				[after]
			);
			if (!row || row.n === 0 || row.rows === null || row.geoms === null) break;
			for (const [id, a, b, len] of JSON.parse(row.rows) as [number, number, number, number][]) {
				ids.push(id);
				from.push(a);
				to.push(b);
				lengths.push(len);
			}
			const bytes = row.geoms;
			readLineStrings(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), row.n, coordChunks, counts);
			after = row.last!;
			if (row.n < LOAD_CHUNK) break;
		}
		return { ids, from, to, lengths, coordChunks, counts };
	};
	const { ids, from, to, lengths, coordChunks, counts } = await db.transaction(read);
	const m = ids.length;
	// nodes: walk_nodes ids, positioned at the ends of their edges
	const nodeIndex = new Map<number, number>();
	const nodeLon: number[] = [];
	const nodeLat: number[] = [];
	const nodeSourceId: number[] = [];
	const edgeFrom = new Uint32Array(m);
	const edgeTo = new Uint32Array(m);
	const edgeCoordOffsets = new Uint32Array(m + 1);
	let total = 0;
	for (let e = 0; e < m; e++) {
		edgeCoordOffsets[e] = total;
		total += counts[e];
	}
	edgeCoordOffsets[m] = total;
	const edgeCoords = new Float64Array(total * 2);
	let k = 0;
	for (const chunk of coordChunks) {
		edgeCoords.set(chunk, k);
		k += chunk.length;
	}
	const node = (id: number, lon: number, lat: number) => {
		let i = nodeIndex.get(id);
		if (i === undefined) {
			nodeIndex.set(id, (i = nodeLon.length));
			nodeLon.push(lon);
			nodeLat.push(lat);
			nodeSourceId.push(id);
		}
		return i;
	};
	for (let e = 0; e < m; e++) {
		const a = edgeCoordOffsets[e];
		const b = edgeCoordOffsets[e + 1] - 1;
		edgeFrom[e] = node(from[e], edgeCoords[2 * a], edgeCoords[2 * a + 1]);
		edgeTo[e] = node(to[e], edgeCoords[2 * b], edgeCoords[2 * b + 1]);
	}
	return graphFromEdgeList({
		nodeLon: Float64Array.from(nodeLon),
		nodeLat: Float64Array.from(nodeLat),
		edgeFrom,
		edgeTo,
		edgeLength: Float64Array.from(lengths),
		edgeCoordOffsets,
		edgeCoords,
		nodeSourceId: Float64Array.from(nodeSourceId),
		edgeSourceId: Float64Array.from(ids)
	});
}

/** Appends `count` WKB LineStrings (2D, either byte order) as flat coordinate arrays, with their point counts. */
function readLineStrings(view: DataView, count: number, out: Float64Array[], counts: number[]): void {
	let pos = 0;
	for (let i = 0; i < count; i++) {
		const little = view.getUint8(pos) === 1;
		const type = view.getUint32(pos + 1, little);
		if (type !== 2) throw new Error(`walk_edges: expected a WKB LineString, got type ${type}`);
		const n = view.getUint32(pos + 5, little);
		pos += 9;
		const coords = new Float64Array(2 * n);
		for (let j = 0; j < 2 * n; j++, pos += 8) coords[j] = view.getFloat64(pos, little);
		out.push(coords);
		counts.push(n);
	}
	if (pos !== view.byteLength) throw new Error(`walk_edges: ${view.byteLength - pos} bytes left after ${count} geometries`);
}

/**
 * The walk network of this database, loaded on first use and again whenever walk_edges has been
 * rebuilt since; concurrent callers share one load.
 */
export async function getWalkGraph(db: Db): Promise<WalkGraph> {
	const version = await walkNetworkVersion(db);
	const entry = cache.get(db);
	if (entry && entry.version === version) return entry.graph ?? entry.pending;
	const started = Date.now();
	const fresh: CacheEntry = {
		version,
		pending: loadWalkGraph(db).then(
			(graph) => {
				fresh.graph = graph;
				fresh.stats = {
					version,
					nodes: graph.nodeCount,
					edges: graph.edgeCount,
					dropped: graph.dropped,
					bbox: graphBounds(graph),
					loadMs: Date.now() - started,
					loadedAt: new Date().toISOString()
				};
				return graph;
			},
			(err) => {
				if (cache.get(db) === fresh) cache.delete(db);
				throw err;
			}
		)
	};
	cache.set(db, fresh);
	return fresh.pending;
}

/** Figures of the graph in memory for this database (null before the first load). */
export function networkStats(db: Db): NetworkStats | null {
	return cache.get(db)?.stats ?? null;
}

/** Forgets the graph in memory (the next request loads it again). */
export function invalidateWalkGraph(db: Db): void {
	cache.delete(db);
}

// ---------------------------------------------------------------------------------------------
// GET /api/isochrone

export interface IsochroneRequest {
	lon: number;
	lat: number;
	minutes: number[];
	speedMPerMin: number;
}

/** Speeds by profile name: the default adult pace and a slower one for elderly people and children. */
export const WALK_PROFILES: Record<string, number> = { default: DEFAULT_SPEED_M_PER_MIN, slow: SLOW_SPEED_M_PER_MIN };

/**
 * Reads ?lon=&lat=&minutes=5,10,15&speed=75 (or &profile=slow). Throws IsochroneError for anything
 * missing or malformed; ranges (speed > 0, minutes ≤ the maximum) are checked by isochrones().
 */
export function parseIsochroneParams(params: URLSearchParams): IsochroneRequest {
	const numberParam = (name: string) => {
		const text = params.get(name);
		return text === null || text.trim() === '' ? Number.NaN : Number(text);
	};
	const lon = numberParam('lon');
	const lat = numberParam('lat');
	if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
		throw new IsochroneError('bad_point', '需要数字参数 lon 和 lat（WGS-84）/ lon and lat (WGS-84 numbers) are required');
	}
	if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
		const swapped = Math.abs(lat) > 90 && Math.abs(lon) <= 90 ? ' — 经纬度可能写反了 / lon and lat look swapped' : '';
		throw new IsochroneError('bad_point', `坐标超出范围 / coordinates out of range: lon ${lon}, lat ${lat}${swapped}`);
	}
	const minutesText = params.get('minutes') ?? '5,10,15';
	const minutes = minutesText.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
	if (minutes.some((m) => !Number.isFinite(m))) {
		throw new IsochroneError(
			'bad_minutes',
			`minutes 须为逗号分隔的数字，如 5,10,15，收到「${minutesText}」/ minutes must be comma-separated numbers such as 5,10,15, got "${minutesText}"`
		);
	}
	let speedMPerMin = DEFAULT_SPEED_M_PER_MIN;
	const profile = params.get('profile');
	if (profile !== null) {
		if (!(profile in WALK_PROFILES)) {
			throw new IsochroneError(
				'bad_speed',
				`未知步行档位「${profile}」，可用：${Object.keys(WALK_PROFILES).join('、')} / unknown walking profile "${profile}"; known: ${Object.keys(WALK_PROFILES).join(', ')}`
			);
		}
		speedMPerMin = WALK_PROFILES[profile];
	}
	if (params.has('speed')) {
		speedMPerMin = numberParam('speed');
		if (!Number.isFinite(speedMPerMin)) {
			throw new IsochroneError(
				'bad_speed',
				`speed 须为数字（米/分钟），收到「${params.get('speed')}」/ speed must be a number of metres per minute, got "${params.get('speed')}"`
			);
		}
	}
	return { lon, lat, minutes, speedMPerMin };
}

export interface IsochroneResponse {
	status: number;
	body: IsochroneCollection | { code: IsochroneErrorCode; message: string };
}

const ORIGIN_SQL: Record<string, string> = {
	community: 'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM communities WHERE code = $1 AND geom IS NOT NULL) x',
	building: 'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM buildings WHERE source_id = $1) x',
	facility: 'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM facilities WHERE source_id = $1) x'
};

/**
 * ?community=<code>, ?building=<id> or ?facility=<id> instead of lon/lat: the walk starts at that
 * feature's representative point (inside it).
 */
async function withOrigin(db: Db, params: URLSearchParams): Promise<URLSearchParams> {
	if (params.has('lon') || params.has('lat')) return params;
	const kind = Object.keys(ORIGIN_SQL).find((k) => params.has(k));
	if (!kind) return params;
	const id = params.get(kind) ?? '';
	const [row] = await db.query<{ lon: number; lat: number }>(ORIGIN_SQL[kind], [id]);
	if (!row) throw new IsochroneError('bad_point', `未找到 ${kind} ${id}（或它没有边界）/ no ${kind} ${id} (or it has no boundary)`);
	const out = new URLSearchParams(params);
	out.set('lon', String(row.lon));
	out.set('lat', String(row.lat));
	return out;
}

/** The whole answer to GET /api/isochrone; the route only adapts it to a Response. */
export async function serveIsochrone(db: Db, params: URLSearchParams): Promise<IsochroneResponse> {
	try {
		const req = parseIsochroneParams(await withOrigin(db, params));
		const graph = await getWalkGraph(db);
		const fc = isochrones(graph, req.lon, req.lat, {
			minutes: req.minutes,
			speedMPerMin: req.speedMPerMin,
			maxMinutes: ISOCHRONE_MAX_MINUTES,
			maxSnapM: ISOCHRONE_MAX_SNAP_M
		});
		return { status: 200, body: fc };
	} catch (err) {
		if (err instanceof IsochroneError) return { status: err.status, body: { code: err.code, message: err.message } };
		throw err;
	}
}

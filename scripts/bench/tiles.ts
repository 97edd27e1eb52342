// npm run bench -- tiles
// Vector tiles of grid polygons on a synthetic city of 100,000 grids (BENCH_TILES_GRIDS to change),
// generated once into a temporary embedded database (kept in the system temp folder and reused by
// later runs) and, when BENCH_DATABASE_URL or DATABASE_URL names a PostgreSQL + PostGIS server, into
// a database of its own there (gridatlas_bench_tiles), so both engines are measured.
//   - payload: tile bytes vs the same features as GeoJSON (raw bytes; goal ≥ 5× smaller);
//   - server time per tile, uncached, over tiles sampled at z10–z16 (goal p95 ≤ 20 ms);
//   - cached tiles per second through the in-process cache (serveTile: lookup, ETag, headers).
// Ends with RESULT {json}: payload_ratio, p95_ms, cached_tiles_per_s (embedded engine), plus the
// server engine's figures when measured.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): 1,000 grids in an
// in-memory embedded database (nothing kept), 3 tiles per zoom, cached tiles served for 0.2 s.
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/lib/server/db';
import { writeSynthCity } from '../../src/lib/server/imports/synth';
import { buildTile, getTile, serveTile, defaultTileMethod, GRID_FULL_DETAIL_ZOOM } from '../../src/lib/server/map/tiles';
import { tilesCovering, type TileCoord } from '$geo/tiles';
import { mulberry32 } from '$geo/synth';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const GRIDS = Number(process.env.BENCH_TILES_GRIDS) || (SMOKE ? 1_000 : 100_000);
const SEED = 1;
const ZOOMS = [10, 11, 12, 13, 14, 15, 16];
const PER_ZOOM = Number(process.env.BENCH_TILES_PER_ZOOM) || (SMOKE ? 3 : 24);
const CACHED_MS = SMOKE ? 200 : 2000;
const GOAL_RATIO = 5;
const GOAL_P95_MS = 20;
const MARKER = 'bench_tiles_city';
const SERVER_DB = 'gridatlas_bench_tiles';

interface City {
	db: Db;
	label: string;
	setup: string;
}

async function ensureCity(db: Db, label: string): Promise<string> {
	const want = { grids: GRIDS, seed: SEED, buildings: 0 };
	const [row] = await db.query<{ value: typeof want }>('SELECT value FROM app_settings WHERE key = $1', [MARKER]);
	const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grids');
	const same = row && (Object.keys(want) as (keyof typeof want)[]).every((k) => row.value[k] === want[k]);
	if (same && n === GRIDS) return `reused (${n} grids)`;
	if (n > 0) {
		// a database of our own: start from nothing so the counts are exact
		await db.exec('TRUNCATE buildings, grids, communities, subdistricts CASCADE');
	}
	const t0 = performance.now();
	console.log(`  ${label}: generating the synthetic city (${GRIDS} grids, seed ${SEED}) once…`);
	await writeSynthCity(db, { grids: GRIDS, buildings: 0, seed: SEED });
	await db.query(`INSERT INTO app_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
		MARKER,
		JSON.stringify(want)
	]);
	await db.exec('ANALYZE grids');
	return `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

async function embeddedCity(): Promise<City> {
	const dir = path.join(os.tmpdir(), `gridatlas-bench-tiles-${GRIDS}`);
	const db = await openDb({ dataDir: SMOKE ? 'memory://' : path.join(dir, 'pglite') });
	return { db, label: 'embedded (PGlite, JS tiler)', setup: await ensureCity(db, 'embedded') };
}

async function serverCity(url: string): Promise<City> {
	const admin = await openDb({ databaseUrl: url, migrate: false });
	const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [SERVER_DB]);
	if (exists.length === 0) await admin.exec(`CREATE DATABASE ${SERVER_DB}`);
	await admin.close();
	const u = new URL(url);
	u.pathname = `/${SERVER_DB}`;
	const db = await openDb({ databaseUrl: u.toString() });
	return { db, label: 'server (PostgreSQL, ST_AsMVT)', setup: await ensureCity(db, 'server') };
}

/** Tiles at z10–z16 over the city, the same for both engines (seeded sample). */
async function sampleTiles(db: Db): Promise<TileCoord[]> {
	const [e] = await db.query<{ w: number; s: number; e: number; n: number }>(
		`SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n FROM (SELECT ST_Extent(geom) AS b FROM grids) x`
	);
	const rng = mulberry32(SEED);
	const out: TileCoord[] = [];
	for (const z of ZOOMS) {
		const r = tilesCovering([e.w, e.s, e.e, e.n], z);
		const all: TileCoord[] = [];
		for (let x = r.x0; x <= r.x1; x++) for (let y = r.y0; y <= r.y1; y++) all.push({ z, x, y });
		for (let i = all.length - 1; i > 0; i--) {
			const j = Math.floor(rng() * (i + 1));
			[all[i], all[j]] = [all[j], all[i]];
		}
		out.push(...all.slice(0, PER_ZOOM));
	}
	return out;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
};

interface Measured {
	ms: number[];
	byZoom: Map<number, { ms: number[]; bytes: number; features: number }>;
	tileBytes: number;
	cachedPerS: number;
}

async function measure(city: City, tiles: TileCoord[]): Promise<Measured> {
	const { db } = city;
	await buildTile(db, 'grids', tiles[tiles.length - 1]); // warm the connection and the plan
	const ms: number[] = [];
	const byZoom = new Map<number, { ms: number[]; bytes: number; features: number }>();
	let tileBytes = 0;
	for (const t of tiles) {
		const t0 = performance.now();
		const body = await buildTile(db, 'grids', t);
		const dt = performance.now() - t0;
		ms.push(dt);
		tileBytes += body.byteLength;
		const z = byZoom.get(t.z) ?? { ms: [], bytes: 0, features: 0 };
		z.ms.push(dt);
		z.bytes += body.byteLength;
		byZoom.set(t.z, z);
	}
	// cached: fill the cache, then serve the sampled tiles round-robin for about two seconds (smoke: 0.2 s)
	for (const t of tiles) await getTile(db, 'grids', t);
	const params = tiles.map((t) => ({ layer: 'grids', z: String(t.z), x: String(t.x), y: String(t.y) }));
	let served = 0;
	const t0 = performance.now();
	while (performance.now() - t0 < CACHED_MS) {
		for (let i = 0; i < 1000; i++) {
			const r = await serveTile(db, params[served % params.length]);
			if (r.headers['x-tile-cache'] !== 'hit') throw new Error('cache miss while measuring cached tiles');
			served++;
		}
	}
	const cachedPerS = served / ((performance.now() - t0) / 1000);
	return { ms, byZoom, tileBytes, cachedPerS };
}

/**
 * The same features the tiles hold (below zoom 12 the grids large enough to draw), as a GeoJSON
 * FeatureCollection (what /api/layers would send).
 */
async function geojsonBytes(db: Db, tiles: TileCoord[]): Promise<{ total: number; byZoom: Map<number, number>; features: Map<number, number> }> {
	const byZoom = new Map<number, number>();
	const features = new Map<number, number>();
	let total = 0;
	for (const t of tiles) {
		const [row] = await db.query<{ n: number; fc: string }>(
			`SELECT count(*)::int AS n, json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
					'type', 'Feature',
					'properties', json_build_object('code', code, 'name', name, 'kind', kind, 'community_code', community_code, 'illustrative', illustrative),
					'geometry', ST_AsGeoJSON(geom, 7)::json) ORDER BY code), '[]'::json))::text AS fc
			 FROM grids WHERE geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625), 4326)
			   AND ($1::int >= ${GRID_FULL_DETAIL_ZOOM} OR overview_zoom <= $1::int)`,
			[t.z, t.x, t.y]
		);
		const bytes = Buffer.byteLength(row.fc);
		total += bytes;
		byZoom.set(t.z, (byZoom.get(t.z) ?? 0) + bytes);
		features.set(t.z, (features.get(t.z) ?? 0) + row.n);
	}
	return { total, byZoom, features };
}

const f1 = (n: number) => n.toFixed(1);
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

function report(city: City, m: Measured, geo: Awaited<ReturnType<typeof geojsonBytes>>, tiles: TileCoord[]) {
	console.log(`\n${city.label} — city ${city.setup}; method ${defaultTileMethod(city.db)}`);
	console.log('  zoom  tiles  grids/tile   tile bytes   GeoJSON bytes  ratio    p50 ms   p95 ms   max ms');
	for (const z of ZOOMS) {
		const s = m.byZoom.get(z);
		if (!s) continue;
		const n = s.ms.length;
		const g = geo.byZoom.get(z) ?? 0;
		console.log(
			`  z${String(z).padEnd(4)}${String(n).padStart(5)} ${f1((geo.features.get(z) ?? 0) / n).padStart(11)} ${kb(s.bytes / n).padStart(12)} ${kb(g / n).padStart(15)} ${(g / Math.max(1, s.bytes)).toFixed(1).padStart(6)}× ${f1(quantile(s.ms, 0.5)).padStart(8)} ${f1(quantile(s.ms, 0.95)).padStart(8)} ${f1(Math.max(...s.ms)).padStart(8)}`
		);
	}
	const p95 = quantile(m.ms, 0.95);
	console.log(
		`  all ${tiles.length} tiles: p50 ${f1(quantile(m.ms, 0.5))} ms, p95 ${f1(p95)} ms; payload ${kb(m.tileBytes)} as tiles vs ${kb(geo.total)} as GeoJSON → ${(geo.total / m.tileBytes).toFixed(1)}× smaller; cached ${m.cachedPerS.toFixed(0)} tiles/s (in process)`
	);
	return p95;
}

const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
console.log(`tiles bench: grid polygons, synthetic city of ${GRIDS} grids, ${PER_ZOOM} sampled tiles per zoom at z${ZOOMS[0]}–z${ZOOMS.at(-1)}`);
const cities: City[] = [await embeddedCity()];
if (serverUrl) cities.push(await serverCity(serverUrl));
else console.log('(no BENCH_DATABASE_URL / DATABASE_URL: the server engine is not measured)');

const tiles = await sampleTiles(cities[0].db);
const geo = await geojsonBytes(cities[0].db, tiles);
const results: { city: City; m: Measured; p95: number }[] = [];
for (const city of cities) {
	const m = await measure(city, tiles);
	results.push({ city, m, p95: report(city, m, geo, tiles) });
}
for (const c of cities) await c.db.close();

const embedded = results[0];
const ratio = geo.total / embedded.m.tileBytes;
const minZoomRatio = Math.min(...ZOOMS.map((z) => (geo.byZoom.get(z) ?? 0) / Math.max(1, embedded.m.byZoom.get(z)?.bytes ?? 1)));
console.log(`\ngoals (embedded engine):`);
console.log(
	`  payload ≥ ${GOAL_RATIO}× smaller than GeoJSON: ${ratio.toFixed(1)}× overall, ≥ ${minZoomRatio.toFixed(1)}× at every zoom → ${ratio >= GOAL_RATIO && minZoomRatio >= GOAL_RATIO ? 'met' : 'NOT met'}`
);
for (const r of results) {
	const slow = ZOOMS.filter((z) => quantile(r.m.byZoom.get(z)?.ms ?? [], 0.95) > GOAL_P95_MS);
	const verdict = r.p95 <= GOAL_P95_MS ? 'met' : `NOT met — tiles over ${GOAL_P95_MS} ms at z${slow.join(', z')}`;
	console.log(`  ${r.city.label}: p95 uncached ≤ ${GOAL_P95_MS} ms: ${f1(r.p95)} ms → ${verdict}`);
	if (r.p95 > GOAL_P95_MS) {
		const worst = ZOOMS.find((z) => slow.includes(z))!;
		const w = r.m.byZoom.get(worst)!;
		const mid = quantile(
			ZOOMS.filter((z) => z >= 12).flatMap((z) => r.m.byZoom.get(z)?.ms ?? []),
			0.95
		);
		console.log(
			`    slowest: z${worst} tiles hold about ${Math.round((geo.features.get(worst) ?? 0) / w.ms.length)} grids of this dense city (${kb(w.bytes / w.ms.length)} per tile), ` +
				`every one read, projected, clipped and encoded; z12–z16 alone: p95 ${f1(mid)} ms.`
		);
	}
}
const result: Record<string, number> = {
	payload_ratio: Number(ratio.toFixed(2)),
	p95_ms: Number(f1(embedded.p95)),
	cached_tiles_per_s: Math.round(embedded.m.cachedPerS),
	grids: GRIDS,
	p95_ms_z12_z16: Number(
		f1(
			quantile(
				ZOOMS.filter((z) => z >= 12).flatMap((z) => embedded.m.byZoom.get(z)?.ms ?? []),
				0.95
			)
		)
	)
};
if (results[1]) {
	result.server_p95_ms = Number(f1(results[1].p95));
	result.server_cached_tiles_per_s = Math.round(results[1].m.cachedPerS);
	result.embedded_vs_server_p95_ratio = Number((embedded.p95 / results[1].p95).toFixed(2));
}
console.log(`RESULT ${JSON.stringify(result)}`);

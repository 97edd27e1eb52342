// `npm run bench -- isochrone`: walking isochrones and network distances on a synthetic walk graph of
// about 4 million edges (a jittered street lattice, 80 m blocks, a tenth of the links removed and a
// tenth bent), then on the real demo network (the Xinjiekou OSM extract, read with geo/import).
//
//  - one 15-minute isochrone (75 m/min) including its polygon, from random points: median and p95;
//  - isochrones for 1,500 communities (one 15-minute isochrone from each community's point; also
//    5/10/15 together);
//  - network coverage: the walking distance from every building to the nearest facility of every
//    category — one multi-source search per category, snapping included — with buildings and
//    facilities at the demo's density per km² (1,000,000 buildings on the synthetic graph, BENCH_BUILDINGS);
//  - with DATABASE_URL (a PostgreSQL server with pgRouting and PostGIS): on a 12 × 12 km part of the
//    same graph, from the same nodes, pgr_drivingDistance with a bounding-box-filtered edge query
//    against our bounded search (both: the reachable nodes), and pgr_drivingDistance + a PostGIS
//    buffer of the reached edges against our isochrone with its polygon (RESULT's vs_pgrouting).
//
// Ends with RESULT {"edges", "isochrone_ms", "all_communities_ms", "network_coverage_ms", "vs_pgrouting"}
// (synthetic graph; vs_pgrouting null without DATABASE_URL). BENCH_EDGES changes the graph size.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): 20,000 edges, 5,000
// buildings, 50 communities, 30 timed isochrones (the demo network as in the full run).
import fs from 'node:fs';
import path from 'node:path';
import type { Geometry, LineString, Position } from 'geojson';
import { parseLayer } from '../import';
import { FACILITY_CATEGORIES } from '../osm/tag-mapping';
import {
	buildWalkGraph,
	graphBounds,
	graphFromEdgeList,
	metresPerDegree,
	networkNearestDistances,
	searchSpace,
	snapIndex,
	snapPoints,
	type WalkGraph
} from '../network/graph';
import { latticeSideFor, seededRandom, syntheticLattice } from '../network/synthetic';
import { isochrones, IsochroneError } from './index';

const root = path.resolve(import.meta.dirname, '../..');
const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const EDGES = Number(process.env.BENCH_EDGES) || (SMOKE ? 20_000 : 4_000_000);
const BUILDINGS = Number(process.env.BENCH_BUILDINGS) || (SMOKE ? 5_000 : 1_000_000);
const COMMUNITIES = SMOKE ? 50 : 1500;
/** Isochrones timed one by one (after as many again / 3 to warm up), and pgRouting comparison starts. */
const TIMED = SMOKE ? 30 : 300;
const PGR_STARTS = SMOKE ? 8 : 30; // the first 5 warm up
const SPEED = 75;
const MINUTES = 15;
const COVERAGE_MAX_M = MINUTES * SPEED; // the 15-minute life circle
const CATEGORIES = [...FACILITY_CATEGORIES.map((c) => c.code), 'waste_point']; // as seeded by migrations/004

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number, d = 1) => x.toFixed(d);
const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const areaKm2 = (g: WalkGraph) => {
	const [x0, y0, x1, y1] = graphBounds(g)!;
	const { kx, ky } = metresPerDegree((y0 + y1) / 2);
	return ((x1 - x0) * kx * (y1 - y0) * ky) / 1e6;
};

/** Random points in the graph's bounding box that start a walk (within 300 m of the network). */
function origins(g: WalkGraph, n: number, seed: number): [number, number][] {
	const [x0, y0, x1, y1] = graphBounds(g)!;
	const rand = seededRandom(seed);
	const out: [number, number][] = [];
	while (out.length < n) {
		const lon = x0 + rand() * (x1 - x0);
		const lat = y0 + rand() * (y1 - y0);
		if (snapPoints(g, [lon], [lat], 300).unsnapped.length === 0) out.push([lon, lat]);
	}
	return out;
}

function timeIsochrones(g: WalkGraph, points: [number, number][], minutes: number[]): number[] {
	const times: number[] = [];
	for (const [lon, lat] of points) {
		const t0 = performance.now();
		try {
			isochrones(g, lon, lat, { minutes, speedMPerMin: SPEED, maxSnapM: 300 });
		} catch (err) {
			if (!(err instanceof IsochroneError)) throw err;
		}
		times.push(ms(t0));
	}
	return times;
}

interface Figures {
	edges: number;
	isochroneMs: number;
	isochroneP95: number;
	allCommunitiesMs: number;
	allCommunities51015Ms: number;
	coverageMs: number;
}

function runGraph(
	label: string,
	g: WalkGraph,
	buildings: { lon: Float64Array; lat: Float64Array },
	facilities: Map<string, { lon: number[]; lat: number[] }>
): Figures {
	console.log(
		`\n== ${label}: ${g.nodeCount.toLocaleString()} nodes, ${g.edgeCount.toLocaleString()} edges (dropped ${g.dropped.nodes} nodes, ${g.dropped.edges} edges), ${fmt(areaKm2(g), 0)} km²`
	);
	let t0 = performance.now();
	snapIndex(g);
	console.log(`snap index: ${fmt(ms(t0), 0)} ms`);
	timeIsochrones(g, origins(g, Math.ceil(TIMED / 3), 99), [MINUTES]); // warm-up (JIT)

	const single = timeIsochrones(g, origins(g, TIMED, 1), [MINUTES]);
	const isochroneMs = quantile(single, 0.5);
	const isochroneP95 = quantile(single, 0.95);
	console.log(
		`one ${MINUTES}-minute isochrone incl. polygon: median ${fmt(isochroneMs, 2)} ms, p95 ${fmt(isochroneP95, 2)} ms, max ${fmt(Math.max(...single), 2)} ms (goal ≤ 5 ms)`
	);
	// an example from the middle of the graph
	const [bx0, by0, bx1, by1] = graphBounds(g)!;
	const sample = isochrones(g, (bx0 + bx1) / 2, (by0 + by1) / 2, { minutes: [5, 10, 15], speedMPerMin: SPEED, maxSnapM: 1000 });
	for (const f of sample.features) {
		const p = f.properties;
		console.log(
			`  e.g. ${p.minutes} min: ${fmt(p.area_m2 / 1e6, 3)} km² of a ${fmt(p.circle_area_m2 / 1e6, 3)} km² circle (walkable ${fmt(100 * p.walkable_ratio, 0)} %), ${JSON.stringify(f.geometry).length.toLocaleString()} bytes`
		);
	}

	const communities = origins(g, COMMUNITIES, 2);
	t0 = performance.now();
	timeIsochrones(g, communities, [MINUTES]);
	const allCommunitiesMs = ms(t0);
	t0 = performance.now();
	timeIsochrones(g, communities, [5, 10, 15]);
	const allCommunities51015Ms = ms(t0);
	console.log(
		`${COMMUNITIES} communities: ${fmt(allCommunitiesMs, 0)} ms for the ${MINUTES}-minute isochrones (goal ≤ 2000 ms), ${fmt(allCommunities51015Ms, 0)} ms for 5/10/15`
	);

	// network coverage: snap the buildings once, then one multi-source search per category
	t0 = performance.now();
	const targets = snapPoints(g, buildings.lon, buildings.lat, 300);
	const snapMs = ms(t0);
	let facilityCount = 0;
	let searchMs = 0;
	let reached = 0;
	for (const [category, f] of facilities) {
		const t1 = performance.now();
		const sources = snapPoints(g, f.lon, f.lat, 300);
		const d = networkNearestDistances(g, sources, targets, COVERAGE_MAX_M);
		searchMs += ms(t1);
		facilityCount += f.lon.length;
		let n = 0;
		for (let i = 0; i < d.length; i++) if (d[i] < Infinity) n++;
		reached += n;
		void category;
	}
	const coverageMs = snapMs + searchMs;
	console.log(
		`network coverage: ${buildings.lon.length.toLocaleString()} buildings × ${facilities.size} categories (${facilityCount.toLocaleString()} facilities), ≤ ${COVERAGE_MAX_M} m: ` +
			`${fmt(coverageMs, 0)} ms (snapping buildings ${fmt(snapMs, 0)} ms, searches ${fmt(searchMs, 0)} ms; goal ≤ 10000 ms); ` +
			`${fmt((100 * reached) / (buildings.lon.length * facilities.size), 0)} % of building × category pairs within ${COVERAGE_MAX_M} m; ${targets.unsnapped.length} buildings unsnapped`
	);
	return { edges: g.edgeCount, isochroneMs, isochroneP95, allCommunitiesMs, allCommunities51015Ms, coverageMs };
}

/** A representative point of a geometry: the point itself, or the mean of its outer ring's vertices. */
function point(geometry: Geometry): Position {
	if (geometry.type === 'Point') return geometry.coordinates;
	const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.type === 'MultiPolygon' ? geometry.coordinates[0][0] : [];
	const n = Math.max(1, ring.length - 1);
	let x = 0;
	let y = 0;
	for (let i = 0; i < n; i++) {
		x += ring[i][0];
		y += ring[i][1];
	}
	return [x / n, y / n];
}

async function main() {
	const started = performance.now();
	// --- the demo city: network, buildings, facilities (also the densities for the synthetic city)
	const pbf = new Uint8Array(fs.readFileSync(path.join(root, 'demo/osm/xinjiekou.osm.pbf')));
	const opts = { crs: 'wgs84' as const, fileName: 'xinjiekou.osm.pbf' };
	const [roads, demoBuildings, demoFacilities] = await Promise.all([
		parseLayer(pbf, { ...opts, layer: 'roads' }),
		parseLayer(pbf, { ...opts, layer: 'buildings' }),
		parseLayer(pbf, { ...opts, layer: 'facilities' })
	]);
	const demo = buildWalkGraph(roads.records.filter((r) => r.walkable).map((r) => ({ sourceId: r.sourceId, geometry: r.geometry as LineString })));
	const demoArea = areaKm2(demo);
	const bPts = demoBuildings.records.map((r) => point(r.geometry!));
	const demoB = { lon: Float64Array.from(bPts, (p) => p[0]), lat: Float64Array.from(bPts, (p) => p[1]) };
	const demoF = new Map<string, { lon: number[]; lat: number[] }>();
	for (const r of demoFacilities.records) {
		const p = point(r.geometry!);
		const f = demoF.get(r.category) ?? { lon: [], lat: [] };
		f.lon.push(p[0]);
		f.lat.push(p[1]);
		demoF.set(r.category, f);
	}

	// --- the synthetic city
	const t0 = performance.now();
	const list = syntheticLattice({ side: latticeSideFor(EDGES), seed: 1 });
	const synth = graphFromEdgeList(list);
	console.log(
		`synthetic walk graph: ${synth.edgeCount.toLocaleString()} edges built in ${fmt(ms(t0), 0)} ms (lattice side ${latticeSideFor(EDGES)}, 80 m blocks)`
	);
	const synthArea = areaKm2(synth);
	const [x0, y0, x1, y1] = graphBounds(synth)!;
	const rand = seededRandom(42);
	const synthB = { lon: new Float64Array(BUILDINGS), lat: new Float64Array(BUILDINGS) };
	for (let i = 0; i < BUILDINGS; i++) {
		synthB.lon[i] = x0 + rand() * (x1 - x0);
		synthB.lat[i] = y0 + rand() * (y1 - y0);
	}
	const synthF = new Map<string, { lon: number[]; lat: number[] }>();
	for (const category of CATEGORIES) {
		// the demo's count per km² (at least one per 50 km², for categories the extract lacks)
		const perKm2 = Math.max((demoF.get(category)?.lon.length ?? 0) / demoArea, 1 / 50);
		const n = Math.round(perKm2 * synthArea);
		const f = { lon: [] as number[], lat: [] as number[] };
		for (let i = 0; i < n; i++) {
			f.lon.push(x0 + rand() * (x1 - x0));
			f.lat.push(y0 + rand() * (y1 - y0));
		}
		synthF.set(category, f);
	}
	const s = runGraph('synthetic', synth, synthB, synthF);

	const d = runGraph(`demo (Xinjiekou, ${demoBuildings.records.length} buildings, ${demoFacilities.records.length} facilities)`, demo, demoB, demoF);

	// --- pgRouting on the same graph
	let vsPgrouting: number | null = null;
	if (process.env.DATABASE_URL) vsPgrouting = await comparePgRouting(synth);
	else console.log('\npgRouting: set DATABASE_URL (PostgreSQL with pgRouting) to compare with pgr_drivingDistance');

	console.log(`\nwhole run: ${fmt(ms(started) / 1000, 1)} s`);
	console.log(`demo: isochrone ${fmt(d.isochroneMs, 2)} ms, ${COMMUNITIES} communities ${fmt(d.allCommunitiesMs, 0)} ms, coverage ${fmt(d.coverageMs, 0)} ms`);
	const result = {
		edges: s.edges,
		isochrone_ms: +s.isochroneMs.toFixed(3),
		all_communities_ms: +s.allCommunitiesMs.toFixed(1),
		network_coverage_ms: +s.coverageMs.toFixed(1),
		vs_pgrouting: vsPgrouting === null ? null : +vsPgrouting.toFixed(1)
	};
	console.log(`RESULT ${JSON.stringify(result)}`);
}

/**
 * Loads a 12 × 12 km square of the graph into a scratch table and, from the same nodes, times
 *  - pgr_drivingDistance alone (15 minutes of walking, edges filtered by a bounding box around the
 *    start): nodes and distances, against our bounded search alone (the same output);
 *  - the isochrone the PostGIS way: pgr_drivingDistance, then the reached edges buffered by 50 m in
 *    a metric CRS (ST_Buffer of their collection, UTM 50N) — against our isochrone with its polygon.
 * Returns the second ratio (pgRouting + PostGIS time / ours), or null when pgRouting is missing.
 */
async function comparePgRouting(g: WalkGraph): Promise<number | null> {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
	await client.connect();
	const schema = `bench_isochrone_${process.pid}`;
	try {
		try {
			await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
			await client.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
		} catch (err) {
			console.log(`\npgRouting: not available on this server (${(err as Error).message}); apt-get install postgresql-15-pgrouting`);
			return null;
		}
		const [x0, y0, x1, y1] = graphBounds(g)!;
		const cx = (x0 + x1) / 2;
		const cy = (y0 + y1) / 2;
		const { kx, ky } = metresPerDegree(cy);
		const half = 6000;
		const inBox = (lon: number, lat: number) => Math.abs(lon - cx) * kx <= half && Math.abs(lat - cy) * ky <= half;
		const ids: number[] = [];
		for (let e = 0; e < g.edgeCount; e++) {
			if (inBox(g.nodeLon[g.edgeFrom[e]], g.nodeLat[g.edgeFrom[e]]) && inBox(g.nodeLon[g.edgeTo[e]], g.nodeLat[g.edgeTo[e]])) ids.push(e);
		}
		await client.query(`CREATE SCHEMA ${schema}`);
		await client.query(
			`CREATE TABLE ${schema}.edges (id int PRIMARY KEY, source int NOT NULL, target int NOT NULL, cost float8 NOT NULL,
				x float8 NOT NULL, y float8 NOT NULL, geom geometry(LineString, 4326) NOT NULL)`
		);
		let t0 = performance.now();
		const coords = (e: number) => {
			const out: number[] = [];
			for (let k = g.edgeCoordOffsets[e]; k < g.edgeCoordOffsets[e + 1]; k++) out.push(g.edgeCoords[2 * k], g.edgeCoords[2 * k + 1]);
			return out;
		};
		for (let i = 0; i < ids.length; i += 20_000) {
			const part = ids.slice(i, i + 20_000);
			await client.query(
				`INSERT INTO ${schema}.edges
				 SELECT id, source, target, cost, x, y, ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type', 'LineString', 'coordinates', c)::text), 4326)
				 FROM jsonb_to_recordset($1::jsonb) AS r(id int, source int, target int, cost float8, x float8, y float8, c jsonb)`,
				[
					JSON.stringify(
						part.map((e) => {
							const c = coords(e);
							const pairs: number[][] = [];
							for (let k = 0; k < c.length; k += 2) pairs.push([c[k], c[k + 1]]);
							return {
								id: e,
								source: g.edgeFrom[e],
								target: g.edgeTo[e],
								cost: g.edgeLength[e],
								x: (g.nodeLon[g.edgeFrom[e]] + g.nodeLon[g.edgeTo[e]]) / 2,
								y: (g.nodeLat[g.edgeFrom[e]] + g.nodeLat[g.edgeTo[e]]) / 2,
								c: pairs
							};
						})
					)
				]
			);
		}
		await client.query(`CREATE INDEX ON ${schema}.edges USING gist (point(x, y))`);
		await client.query(`ANALYZE ${schema}.edges`);
		console.log(`\npgRouting: ${ids.length.toLocaleString()} edges of the synthetic graph (12 × 12 km) loaded in ${fmt(ms(t0), 0)} ms`);

		// start nodes: near the middle, so every 15-minute walk stays inside the loaded square
		const rand = seededRandom(8);
		const starts: number[] = [];
		while (starts.length < PGR_STARTS) {
			const n = Math.floor(rand() * g.nodeCount);
			if (Math.abs(g.nodeLon[n] - cx) * kx < 3000 && Math.abs(g.nodeLat[n] - cy) * ky < 3000) starts.push(n);
		}
		const budget = MINUTES * SPEED;
		const dLon = (budget + 200) / kx;
		const dLat = (budget + 200) / ky;
		const t = { pgr: [] as number[], pgrPolygon: [] as number[], search: [] as number[], isochrone: [] as number[] };
		let nodesPgr = 0;
		let nodesOurs = 0;
		for (const [i, n] of starts.entries()) {
			const [lon, lat] = [g.nodeLon[n], g.nodeLat[n]];
			const edgesSql = `SELECT id, source, target, cost, cost AS reverse_cost FROM ${schema}.edges WHERE point(x, y) <@ box(point(${lon - dLon}, ${lat - dLat}), point(${lon + dLon}, ${lat + dLat}))`;
			t0 = performance.now();
			const r = await client.query(`SELECT count(*)::int AS n FROM pgr_drivingDistance($1, $2::bigint, $3::float8, directed => false)`, [edgesSql, n, budget]);
			const pgrMs = ms(t0);
			t0 = performance.now();
			await client.query(
				`WITH dd AS (SELECT node FROM pgr_drivingDistance($1, $2::bigint, $3::float8, directed => false))
				 SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_Transform(ST_Collect(e.geom), 32650), 50, 'quad_segs=4'), 4326), 7) AS polygon
				 FROM ${schema}.edges e WHERE e.source IN (SELECT node FROM dd) AND e.target IN (SELECT node FROM dd)`,
				[edgesSql, n, budget]
			);
			const pgrPolygonMs = ms(t0);
			t0 = performance.now();
			const ws = searchSpace(g);
			ws.seed(n, 0);
			ws.run(budget);
			const reachedNodes = ws.touchedCount;
			ws.clear();
			const searchMs = ms(t0);
			t0 = performance.now();
			isochrones(g, lon, lat, { minutes: [MINUTES], speedMPerMin: SPEED });
			const isochroneMs = ms(t0);
			if (i < 5) continue; // warm-up: plans, caches, JIT
			t.pgr.push(pgrMs);
			t.pgrPolygon.push(pgrPolygonMs);
			t.search.push(searchMs);
			t.isochrone.push(isochroneMs);
			nodesPgr += r.rows[0].n;
			nodesOurs += reachedNodes;
		}
		const med = (xs: number[]) => quantile(xs, 0.5);
		const runs = t.pgr.length;
		console.log(
			`reachable nodes (${MINUTES} min): pgr_drivingDistance median ${fmt(med(t.pgr), 2)} ms (${Math.round(nodesPgr / runs)} nodes), ` +
				`our bounded search ${fmt(med(t.search), 3)} ms (${Math.round(nodesOurs / runs)} nodes) → ${fmt(med(t.pgr) / med(t.search), 0)}×`
		);
		console.log(
			`isochrone polygon: pgr_drivingDistance + PostGIS buffer of the reached edges ${fmt(med(t.pgrPolygon), 2)} ms, ` +
				`ours ${fmt(med(t.isochrone), 2)} ms → ${fmt(med(t.pgrPolygon) / med(t.isochrone), 1)}× (goal ≥ 10×); ` +
				`bare pgr_drivingDistance (no polygon) against our isochrone with its polygon: ${fmt(med(t.pgr) / med(t.isochrone), 1)}×`
		);
		return med(t.pgrPolygon) / med(t.isochrone);
	} finally {
		await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
		await client.end();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});

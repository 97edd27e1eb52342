// Roads (all classes, for the basemap) and the walking network derived from the walkable ones.
import type { LineString, MultiLineString } from 'geojson';
import { buildWalkNetwork } from '$geo/network';
import type { Queryable } from '../db';
import type { UpsertCounts } from './types';
import { batches, multiFromJson } from '../db/sql';
import type { NearestRoad, SuggestedSite } from '../../coverage/types';

export type { NearestRoad, SuggestedSite };

export interface RoadRow {
	source_id: string;
	highway: string;
	name?: string | null;
	walkable: boolean;
	geom: string;
}

export async function upsertRoads(tx: Queryable, rows: RoadRow[], file: string): Promise<UpsertCounts> {
	const result = await tx.query<{ inserted: boolean }>(
		`INSERT INTO roads AS r0 (source_id, highway, name, walkable, geom, source_file)
		 SELECT r.source_id, r.highway, r.name, r.walkable, ${multiFromJson('r.geom')}, $2
		 FROM jsonb_to_recordset($1::jsonb) AS r(source_id text, highway text, name text, walkable boolean, geom text)
		 ON CONFLICT (source_id) DO UPDATE SET
			highway = EXCLUDED.highway, name = EXCLUDED.name, walkable = EXCLUDED.walkable,
			geom = EXCLUDED.geom, source_file = EXCLUDED.source_file, updated_at = now()
		 RETURNING (xmax = 0) AS inserted`,
		[JSON.stringify(rows), file]
	);
	const inserted = result.filter((r) => r.inserted).length;
	return { inserted, updated: result.length - inserted };
}

/** Rebuilds walk_nodes / walk_edges from every walkable road (the network is derived data). */
export async function rebuildWalkNetwork(tx: Queryable): Promise<{ nodes: number; edges: number }> {
	const roads = await tx.query<{ source_id: string; geom: MultiLineString }>(
		`SELECT source_id, ST_AsGeoJSON(geom, 7)::json AS geom FROM roads WHERE walkable ORDER BY source_id`
	);
	const net = buildWalkNetwork(roads.map((r) => ({ sourceId: r.source_id, geometry: r.geom as MultiLineString | LineString })));
	await tx.query('DELETE FROM walk_edges');
	await tx.query('DELETE FROM walk_nodes');
	for (const batch of batches(net.nodes, 2000)) {
		await tx.query(
			`INSERT INTO walk_nodes (node_key, geom)
			 SELECT n.key, ST_SetSRID(ST_MakePoint(n.lon, n.lat), 4326)
			 FROM jsonb_to_recordset($1::jsonb) AS n(key text, lon float8, lat float8)`,
			[JSON.stringify(batch)]
		);
	}
	for (const batch of batches(net.edges, 1000)) {
		await tx.query(
			`INSERT INTO walk_edges (road_source_id, from_node, to_node, length_m, geom)
			 SELECT e.road, a.id, b.id, e.length_m,
				ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type', 'LineString', 'coordinates', e.coords)::text), 4326)
			 FROM jsonb_to_recordset($1::jsonb) AS e(road text, "from" text, "to" text, length_m float8, coords jsonb)
			 JOIN walk_nodes a ON a.node_key = e."from"
			 JOIN walk_nodes b ON b.node_key = e."to"`,
			[JSON.stringify(batch.map((e) => ({ road: e.roadSourceId, from: e.from, to: e.to, length_m: e.lengthM, coords: e.coordinates })))]
		);
	}
	return { nodes: net.nodes.length, edges: net.edges.length };
}

/**
 * The nearest named road (any class) to each point within `maxM`, or null: how a suggested site is
 * found on the ground ("珠江路, 35 m"). Points are [lon, lat] in WGS-84; answers keep their order.
 */
export async function nearestRoadNames(q: Queryable, points: readonly { lon: number; lat: number }[], maxM = 300): Promise<(NearestRoad | null)[]> {
	if (points.length === 0) return [];
	const rows = await q.query<{ i: number; name: string | null; distance_m: number | null }>(
		`SELECT p.i, r.name, r.distance_m
		 FROM jsonb_to_recordset($1::jsonb) AS p(i int, lon float8, lat float8)
		 LEFT JOIN LATERAL (
			SELECT n.name, ST_Distance(n.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography) AS distance_m
			FROM roads n
			WHERE n.name IS NOT NULL AND btrim(n.name) <> ''
			ORDER BY n.geom <-> ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)
			LIMIT 1
		 ) r ON r.distance_m <= $2`,
		[JSON.stringify(points.map((p, i) => ({ i, lon: p.lon, lat: p.lat }))), maxM]
	);
	const out: (NearestRoad | null)[] = points.map(() => null);
	for (const r of rows) if (r.name !== null && r.distance_m !== null) out[r.i] = { name: r.name, distanceM: Math.round(r.distance_m) };
	return out;
}

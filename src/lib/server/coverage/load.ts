// Coverage's inputs read from the database: buildings, facilities by category, communities, and the
// fingerprint (data versions) that says when they changed.
import type { Geometry } from 'geojson';
import type { BuildingSet, CoverageFacility } from '$geo/coverage';
import type { Db } from '../db';
import { versionKey, versionsFor, type Topic } from '../db/versions';
import { pagedRows, statementTargetMs } from '../db/sql';
import type { CoverageCommunity } from './types';

/** The data versions coverage is made of (db/versions: moved by any committed write, in any process). */
const COVERAGE_TOPICS: Topic[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'rules'];
export async function fingerprint(db: Db): Promise<string> {
	return versionKey(await versionsFor(db), COVERAGE_TOPICS);
}

export async function loadBuildings(db: Db, communityIndex: Map<string, number>) {
	type Row = {
		id: string;
		source_id: string;
		lon: number;
		lat: number;
		households: number;
		population: number | null;
		community_code: string | null;
		grid_code: string | null;
	};
	// In pages: on the embedded engine one statement over a whole city would hold the request thread.
	const rows = await pagedRows<Row>(
		statementTargetMs(db),
		(r) => r.id,
		(after, limit) =>
			db.query<Row>(
				`SELECT id::text AS id, source_id, ST_X(p) AS lon, ST_Y(p) AS lat, households, population, community_code, grid_code
				 FROM (SELECT id, source_id, households, population, community_code, grid_code, ST_PointOnSurface(geom) AS p FROM buildings
				       WHERE id > COALESCE($1::bigint, 0) ORDER BY id LIMIT $2) b
				 ORDER BY id`,
				[after, limit]
			)
	);
	const n = rows.length;
	const buildings: BuildingSet = { ids: new Array(n), lon: new Float64Array(n), lat: new Float64Array(n), households: new Float64Array(n) };
	const buildingCommunity = new Int32Array(n);
	const buildingGrid = new Int32Array(n);
	const population = new Float64Array(n);
	const gridIndex = new Map<string, number>();
	rows.forEach((r, i) => {
		buildings.ids[i] = r.source_id;
		buildings.lon[i] = r.lon;
		buildings.lat[i] = r.lat;
		buildings.households[i] = r.households ?? Number.NaN;
		population[i] = r.population ?? Number.NaN;
		buildingCommunity[i] = r.community_code ? (communityIndex.get(r.community_code) ?? -1) : -1;
		if (r.grid_code) {
			if (!gridIndex.has(r.grid_code)) gridIndex.set(r.grid_code, gridIndex.size);
			buildingGrid[i] = gridIndex.get(r.grid_code)!;
		} else buildingGrid[i] = -1;
	});
	return { buildings, buildingCommunity, buildingGrid, population, gridCodes: [...gridIndex.keys()] };
}

/** What capacity rules read of a facility beside its geometry (index-aligned with its category's facilities). */
export interface FacilityFacts {
	name: string | null;
	/** a point on it (ST_PointOnSurface), WGS-84 */
	lon: number;
	lat: number;
	attributes: Record<string, unknown> | null;
}

/** The facilities of these categories, read once in keyset pages: their geometry for every rule, their facts for capacity rules. */
export async function loadFacilities(
	db: Db,
	categories: string[]
): Promise<{ byCategory: Map<string, CoverageFacility[]>; facts: Map<string, FacilityFacts[]> }> {
	const byCategory = new Map<string, CoverageFacility[]>(categories.map((c) => [c, []]));
	const facts = new Map<string, FacilityFacts[]>(categories.map((c) => [c, []]));
	if (categories.length === 0) return { byCategory, facts };
	type Row = { id: string; source_id: string; category_code: string; geom: Geometry } & FacilityFacts;
	const rows = await pagedRows<Row>(
		statementTargetMs(db),
		(r) => r.id,
		(after, limit) =>
			db.query<Row>(
				`SELECT id::text AS id, source_id, category_code, ST_AsGeoJSON(geom, 7)::json AS geom, name, ST_X(p) AS lon, ST_Y(p) AS lat, attributes
				 FROM (SELECT *, ST_PointOnSurface(geom) AS p FROM facilities
				       WHERE category_code = ANY($1::text[]) AND id > COALESCE($2::bigint, 0) ORDER BY id LIMIT $3) f ORDER BY id`,
				[categories, after, limit]
			),
		1000
	);
	for (const r of rows) {
		byCategory.get(r.category_code)!.push({ id: r.source_id, category: r.category_code, geometry: r.geom });
		facts.get(r.category_code)!.push({ name: r.name, lon: r.lon, lat: r.lat, attributes: r.attributes });
	}
	return { byCategory, facts };
}

export async function loadCommunities(db: Db): Promise<CoverageCommunity[]> {
	return pagedRows<CoverageCommunity>(
		statementTargetMs(db),
		(c) => c.code,
		(after, limit) =>
			db.query<CoverageCommunity>(
				`SELECT c.code, c.name, c.subdistrict_code AS "subdistrictCode", s.name AS "subdistrictName", c.households,
					c.service_space_m2 AS "serviceSpaceM2", c.illustrative
				 FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
				 WHERE c.code > COALESCE($1, '') ORDER BY c.code LIMIT $2`,
				[after, limit]
			),
		500
	);
}

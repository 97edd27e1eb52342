// The facts a side panel shows for one administrative unit (the whole city, a subdistrict, a community
// or a grid): its parent chain, households and population, grids, buildings, facilities inside its
// boundary and the units one level down. One call, several small queries, all parameterised.
import type { Queryable } from '../db';
import type { FacilityCount, UnitChild, UnitFacts, UnitKind, UnitRef } from '../../map/types';

export type { FacilityCount, UnitChild, UnitFacts, UnitKind, UnitRef };

export const UNIT_KINDS = ['city', 'subdistrict', 'community', 'grid'] as const satisfies readonly UnitKind[];

/** The code that stands for "everything in the database" (the city level of the drill-down). */
export const CITY_CODE = 'city';

/** What a code names, from its shape: 9 digits subdistrict, 12 community, 15 grid; null if none. */
export function unitKindOf(code: string): UnitKind | null {
	if (code === CITY_CODE) return 'city';
	if (!/^[0-9]+$/.test(code)) return null;
	return ({ 9: 'subdistrict', 12: 'community', 15: 'grid' } as Record<number, UnitKind>)[code.length] ?? null;
}

interface UnitRow {
	name: string;
	illustrative: boolean;
	has_boundary: boolean;
	minx: number | null;
	miny: number;
	maxx: number;
	maxy: number;
	district_name: string | null;
	households: number | null;
	households_estimated: boolean | null;
	population: number | null;
	population_estimated: boolean | null;
	grid_kind: string | null;
	band_min: number | null;
	band_max: number | null;
	parents: UnitRef[] | string | null;
}

const EXTENT = `ST_XMin(u.geom) AS minx, ST_YMin(u.geom) AS miny, ST_XMax(u.geom) AS maxx, ST_YMax(u.geom) AS maxy`;

// One statement per kind; table names are constants here, only the code is a parameter. Households
// and population sum the community figures (official ones, or the building estimates the importer
// keeps in communities.households); a grid has only its buildings' estimates.
const UNIT_SQL: Record<Exclude<UnitKind, 'city'>, string> = {
	subdistrict: `SELECT u.name, u.illustrative, u.geom IS NOT NULL AS has_boundary, ${EXTENT}, u.district_name,
			(SELECT sum(households)::int FROM communities WHERE subdistrict_code = u.code) AS households,
			(SELECT bool_or(households_estimated) FROM communities WHERE subdistrict_code = u.code AND households IS NOT NULL) AS households_estimated,
			(SELECT sum(population)::int FROM communities WHERE subdistrict_code = u.code) AS population,
			(SELECT bool_or(population_estimated) FROM communities WHERE subdistrict_code = u.code AND population IS NOT NULL) AS population_estimated,
			NULL AS grid_kind, NULL::int AS band_min, NULL::int AS band_max, '[]'::json AS parents
		FROM subdistricts u WHERE u.code = $1`,
	community: `SELECT u.name, u.illustrative, u.geom IS NOT NULL AS has_boundary, ${EXTENT}, s.district_name,
			u.households, u.households_estimated, u.population, u.population_estimated,
			NULL AS grid_kind, u.grid_households_min AS band_min, u.grid_households_max AS band_max,
			json_build_array(json_build_object('kind', 'subdistrict', 'code', s.code, 'name', s.name)) AS parents
		FROM communities u JOIN subdistricts s ON s.code = u.subdistrict_code WHERE u.code = $1`,
	grid: `SELECT u.name, u.illustrative, true AS has_boundary, ${EXTENT}, s.district_name,
			(SELECT sum(households)::int FROM buildings WHERE grid_code = u.code) AS households,
			(SELECT bool_or(households_estimated) FROM buildings WHERE grid_code = u.code) AS households_estimated,
			NULL::int AS population, false AS population_estimated,
			u.kind AS grid_kind, c.grid_households_min AS band_min, c.grid_households_max AS band_max,
			json_build_array(json_build_object('kind', 'subdistrict', 'code', s.code, 'name', s.name),
				json_build_object('kind', 'community', 'code', c.code, 'name', c.name)) AS parents
		FROM grids u JOIN communities c ON c.code = u.community_code JOIN subdistricts s ON s.code = c.subdistrict_code
		WHERE u.code = $1`
};

/** Which rows of grids / buildings belong to the unit (by their stored community and grid codes). */
const MEMBERSHIP: Record<UnitKind, { grids: string; buildings: string }> = {
	city: { grids: 'true', buildings: 'true' },
	subdistrict: { grids: 'substr(community_code, 1, 9) = $1', buildings: 'substr(community_code, 1, 9) = $1' },
	community: { grids: 'community_code = $1', buildings: 'community_code = $1' },
	grid: { grids: 'code = $1', buildings: 'grid_code = $1' }
};

const BOUNDARY_TABLE: Record<Exclude<UnitKind, 'city'>, string> = {
	subdistrict: 'subdistricts',
	community: 'communities',
	grid: 'grids'
};

const CHILDREN_SQL: Record<UnitKind, string | null> = {
	// The city lists the subdistricts on the map, not all the code list names.
	city: `SELECT 'subdistrict' AS kind, s.code, s.name, true AS has_boundary, NULL AS grid_kind,
			(SELECT sum(households)::int FROM communities WHERE subdistrict_code = s.code) AS households
		FROM subdistricts s WHERE s.geom IS NOT NULL ORDER BY s.code`,
	subdistrict: `SELECT 'community' AS kind, c.code, c.name, c.geom IS NOT NULL AS has_boundary, NULL AS grid_kind, c.households
		FROM communities c WHERE c.subdistrict_code = $1 ORDER BY (c.geom IS NULL), c.code`,
	community: `SELECT 'grid' AS kind, g.code, g.name, true AS has_boundary, g.kind AS grid_kind,
			(SELECT coalesce(sum(households), 0)::int FROM buildings b WHERE b.grid_code = g.code) AS households
		FROM grids g WHERE g.community_code = $1 ORDER BY g.code`,
	grid: null
};

function parseJson<T>(v: T | string | null): T | null {
	return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

/** Facts for `code` ("city", or a 9/12/15-digit code); null when no such unit exists. */
export async function unitFacts(db: Queryable, code: string): Promise<UnitFacts | null> {
	const kind = unitKindOf(code);
	if (!kind) return null;
	const params = kind === 'city' ? [] : [code];
	const city: UnitRef = { kind: 'city', code: CITY_CODE, name: '' };

	let row: UnitRow;
	if (kind === 'city') {
		[row] = await db.query<UnitRow>(
			`SELECT NULL AS name, bool_or(illustrative) AS illustrative, count(geom) > 0 AS has_boundary,
				ST_XMin(ST_Extent(geom)) AS minx, ST_YMin(ST_Extent(geom)) AS miny,
				ST_XMax(ST_Extent(geom)) AS maxx, ST_YMax(ST_Extent(geom)) AS maxy, NULL AS district_name,
				(SELECT sum(households)::int FROM communities) AS households,
				(SELECT bool_or(households_estimated) FROM communities WHERE households IS NOT NULL) AS households_estimated,
				(SELECT sum(population)::int FROM communities) AS population,
				(SELECT bool_or(population_estimated) FROM communities WHERE population IS NOT NULL) AS population_estimated,
				NULL AS grid_kind, NULL::int AS band_min, NULL::int AS band_max, '[]'::json AS parents
			 FROM subdistricts`
		);
	} else {
		const rows = await db.query<UnitRow>(UNIT_SQL[kind], params);
		if (rows.length === 0) return null;
		row = rows[0];
	}

	const member = MEMBERSHIP[kind];
	const [counts] = await db.query<{ total: number; basic: number; dedicated: number; buildings: number }>(
		`SELECT count(*)::int AS total, count(*) FILTER (WHERE kind = 'basic')::int AS basic,
			count(*) FILTER (WHERE kind = 'dedicated')::int AS dedicated,
			(SELECT count(*)::int FROM buildings WHERE ${member.buildings}) AS buildings
		 FROM grids WHERE ${member.grids}`,
		params
	);

	let facilities: FacilityCount[] | null = null;
	if (kind === 'city') {
		facilities = await db.query<FacilityCount>(
			`SELECT k.code, k.name_zh, k.name_en, k.color, count(*)::int AS count
			 FROM facilities f JOIN facility_categories k ON k.code = f.category_code
			 GROUP BY k.code ORDER BY k.sort, k.code`
		);
	} else if (row.has_boundary) {
		// The point a facility is drawn at (as /api/layers draws it), so a facility counts in exactly
		// one of two neighbouring units and the panel agrees with what the map shows.
		facilities = await db.query<FacilityCount>(
			`SELECT k.code, k.name_zh, k.name_en, k.color, count(*)::int AS count
			 FROM ${BOUNDARY_TABLE[kind]} u
			 JOIN facilities f ON f.geom && u.geom AND ST_Covers(u.geom, ST_PointOnSurface(f.geom))
			 JOIN facility_categories k ON k.code = f.category_code
			 WHERE u.code = $1
			 GROUP BY k.code ORDER BY k.sort, k.code`,
			params
		);
	}

	const childSql = CHILDREN_SQL[kind];
	const children = childSql
		? (
				await db.query<{ kind: UnitKind; code: string; name: string; has_boundary: boolean; grid_kind: string | null; households: number | null }>(
					childSql,
					params
				)
			).map((c) => ({
				kind: c.kind,
				code: c.code,
				name: c.name,
				households: c.households,
				hasBoundary: c.has_boundary,
				...(c.grid_kind ? { gridKind: c.grid_kind } : {})
			}))
		: [];

	const facts: UnitFacts = {
		kind,
		code: kind === 'city' ? CITY_CODE : code,
		name: row.name,
		parents: kind === 'city' ? [] : [city, ...(parseJson(row.parents) ?? [])],
		illustrative: Boolean(row.illustrative),
		hasBoundary: Boolean(row.has_boundary),
		bbox: row.minx === null ? null : [row.minx, row.miny, row.maxx, row.maxy],
		districtName: row.district_name,
		households: row.households,
		householdsEstimated: Boolean(row.households_estimated),
		population: row.population,
		populationEstimated: Boolean(row.population_estimated),
		grids: { total: counts.total, basic: counts.basic, dedicated: counts.dedicated },
		gridKind: row.grid_kind,
		buildings: counts.buildings,
		facilities,
		facilitiesTotal: facilities ? facilities.reduce((n, f) => n + f.count, 0) : null,
		householdBand: row.band_min === null || row.band_max === null ? null : { min: row.band_min, max: row.band_max },
		children
	};
	if (kind === 'city') {
		const [t] = await db.query<{ s_mapped: number; s_listed: number; c_mapped: number; c_listed: number }>(
			`SELECT count(geom)::int AS s_mapped, count(*)::int AS s_listed,
				(SELECT count(geom)::int FROM communities) AS c_mapped, (SELECT count(*)::int FROM communities) AS c_listed
			 FROM subdistricts`
		);
		facts.totals = {
			subdistricts: { mapped: t.s_mapped, listed: t.s_listed },
			communities: { mapped: t.c_mapped, listed: t.c_listed }
		};
	}
	return facts;
}

export interface PlanningCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	subdistrictName: string;
	households: number | null;
	grids: number;
}

/**
 * The communities with a boundary (only those can be planned) inside a reader's jurisdiction
 * (`units`: codes as in readScope; null = the whole city), by subdistrict and code: the planning
 * index at /plan.
 */
export async function communitiesForPlanning(q: Queryable, units: string[] | null): Promise<PlanningCommunity[]> {
	return q.query<PlanningCommunity>(
		`SELECT c.code, c.name, c.subdistrict_code AS "subdistrictCode", s.name AS "subdistrictName", c.households,
			(SELECT count(*)::int FROM grids g WHERE g.community_code = c.code) AS grids
		 FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
		 WHERE c.geom IS NOT NULL AND ($1::text[] IS NULL OR c.code LIKE ANY ($1::text[]))
		 ORDER BY c.subdistrict_code, c.code`,
		[units === null ? null : units.map((u) => `${u}%`)]
	);
}

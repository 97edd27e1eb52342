// Grid plans (see ./index.ts): loading.

import type { MultiPolygon, LineString, MultiLineString } from 'geojson';
import type { Queryable } from '../db';
import type { PlanCommunity, PlanGrid, PlanBuildingInfo, RevisionSummary, CurrentPlan, Areal } from './types';
import { PlanInputError } from './errors';
import { checkCommunityCode, type RevisionRow, REVISION_COLUMNS, summary } from './util';

export async function getCommunity(q: Queryable, code: string): Promise<PlanCommunity> {
	checkCommunityCode(code);
	const [row] = await q.query<{
		code: string;
		name: string;
		subdistrict_code: string;
		subdistrict_name: string | null;
		households: number | null;
		geom: MultiPolygon | null;
		min: number;
		max: number;
		illustrative: boolean;
	}>(
		`SELECT c.code, c.name, c.subdistrict_code, s.name AS subdistrict_name, c.households, ST_AsGeoJSON(c.geom, 7)::json AS geom,
			c.grid_households_min AS min, c.grid_households_max AS max, c.illustrative
		 FROM communities c LEFT JOIN subdistricts s ON s.code = c.subdistrict_code WHERE c.code = $1`,
		[code]
	);
	if (!row) throw new PlanInputError('unknown_community', { zh: `未找到社区 ${code}`, en: `no community ${code}` });
	if (!row.geom)
		throw new PlanInputError('no_boundary', {
			zh: `社区 ${code}（${row.name}）还没有边界，请先导入社区边界再规划网格`,
			en: `community ${code} (${row.name}) has no boundary yet: import community boundaries before planning grids`
		});
	return {
		code: row.code,
		name: row.name,
		subdistrictCode: row.subdistrict_code,
		subdistrictName: row.subdistrict_name,
		households: row.households,
		geometry: row.geom,
		band: { min: row.min, max: row.max },
		illustrative: row.illustrative
	};
}

export async function gridsInForce(q: Queryable, community: string): Promise<PlanGrid[]> {
	const rows = await q.query<{ code: string; name: string; kind: 'basic' | 'dedicated'; geom: MultiPolygon }>(
		`SELECT code, name, kind, ST_AsGeoJSON(geom, 7)::json AS geom FROM grids WHERE community_code = $1 ORDER BY code`,
		[community]
	);
	return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, geometry: r.geom }));
}

export async function revisionGrids(q: Queryable, id: number): Promise<PlanGrid[]> {
	const rows = await q.query<{ code: string; name: string; kind: 'basic' | 'dedicated'; geom: MultiPolygon }>(
		`SELECT code, name, kind, ST_AsGeoJSON(geom, 7)::json AS geom FROM plan_revision_grids WHERE revision_id = $1 ORDER BY code`,
		[id]
	);
	return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, geometry: r.geom }));
}

export async function communityBuildings(q: Queryable, community: string): Promise<(PlanBuildingInfo & { grid_code: string | null })[]> {
	const rows = await q.query<{ id: number; lon: number; lat: number; households: number; estimated: boolean; geom: MultiPolygon; grid_code: string | null }>(
		`SELECT b.id, ST_X(p.p) AS lon, ST_Y(p.p) AS lat, b.households, b.households_estimated AS estimated,
			ST_AsGeoJSON(b.geom, 7)::json AS geom, b.grid_code
		 FROM buildings b CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS p) p
		 WHERE b.community_code = $1 ORDER BY b.id`,
		[community]
	);
	return rows.map((r) => ({
		id: String(r.id),
		lon: Number(r.lon),
		lat: Number(r.lat),
		households: Number(r.households),
		estimated: r.estimated,
		painted: null,
		geometry: r.geom,
		grid_code: r.grid_code
	}));
}

export async function latestRevision(q: Queryable, community: string): Promise<RevisionSummary | null> {
	const [row] = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 ORDER BY r.id DESC LIMIT 1`, [
		community
	]);
	return row ? summary(row) : null;
}

export async function listRevisions(q: Queryable, community: string): Promise<RevisionSummary[]> {
	await getCommunityExists(q, community);
	const rows = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 ORDER BY r.id DESC`, [community]);
	return rows.map(summary);
}

async function getCommunityExists(q: Queryable, community: string): Promise<void> {
	checkCommunityCode(community);
	const [row] = await q.query('SELECT 1 FROM communities WHERE code = $1', [community]);
	if (!row) throw new PlanInputError('unknown_community', { zh: `未找到社区 ${community}`, en: `no community ${community}` });
}

/** Everything the editor needs for one community. */
export async function loadPlan(q: Queryable, community: string): Promise<CurrentPlan> {
	const c = await getCommunity(q, community);
	const [inForce, buildings, revisions, neighbours, roads] = [
		await gridsInForce(q, community),
		await communityBuildings(q, community),
		await listRevisions(q, community),
		await q.query<{ code: string; name: string; community_code: string; geom: Areal }>(
			`SELECT g.code, g.name, g.community_code, ST_AsGeoJSON(g.geom, 7)::json AS geom
			 FROM grids g, communities c
			 WHERE c.code = $1 AND g.community_code <> c.code AND g.geom && ST_Expand(c.geom, 0.003) AND ST_DWithin(g.geom, c.geom, 0.001)
			 ORDER BY g.code`,
			[community]
		),
		await q.query<{ name: string | null; highway: string; geom: LineString | MultiLineString }>(
			`SELECT r.name, r.highway, ST_AsGeoJSON(ST_Intersection(r.geom, ST_Expand(c.geom, 0.002)), 7)::json AS geom
			 FROM roads r, communities c
			 WHERE c.code = $1 AND r.geom && ST_Expand(c.geom, 0.002)
			 ORDER BY r.id`,
			[community]
		)
	];
	const latest = revisions[0] ?? null;
	const latestApproved = revisions.find((r) => r.status === 'approved');
	let grids = inForce;
	let openedFrom: CurrentPlan['openedFrom'] = { kind: 'grids' };
	if (latest) {
		// A draft newer than the latest approval is opened; otherwise the grids in force, with the
		// painted buildings of the latest revision staying painted (where the grid that holds them differs).
		const draftNewer = latest.status === 'draft' && (!latestApproved || latest.id > latestApproved.id);
		if (draftNewer) grids = await revisionGrids(q, latest.id);
		openedFrom = { kind: 'revision', id: latest.id, status: latest.status };
		const painted = new Map(
			(
				await q.query<{ building_id: number; grid_code: string }>(
					'SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $1 AND painted',
					[latest.id]
				)
			).map((r) => [String(r.building_id), r.grid_code])
		);
		for (const b of buildings) b.painted = painted.get(b.id) ?? null;
	}
	const [{ max_seq }] = await q.query<{ max_seq: number }>(
		`SELECT greatest(
			(SELECT max(seq) FROM grids WHERE community_code = $1),
			(SELECT max(right(grid_code, 3)::int) FROM grid_history WHERE community_code = $1 AND grid_code ~ '^[0-9]{15}$'),
			(SELECT max(g.seq) FROM plan_revision_grids g JOIN plan_revisions r ON r.id = g.revision_id WHERE r.community_code = $1),
			0) AS max_seq`,
		[community]
	);
	return {
		community: c,
		grids,
		inForce,
		maxSeq: Number(max_seq),
		openedFrom,
		latestRevision: latest?.id ?? null,
		buildings: buildings.map(({ grid_code: _g, ...b }) => b),
		neighbours: {
			type: 'FeatureCollection',
			features: neighbours.map((n) => ({ type: 'Feature', properties: { code: n.code, name: n.name, community_code: n.community_code }, geometry: n.geom }))
		},
		roads: {
			type: 'FeatureCollection',
			features: roads
				.filter((r) => r.geom && (r.geom.type === 'LineString' || r.geom.type === 'MultiLineString'))
				.map((r) => ({ type: 'Feature', properties: { name: r.name, highway: r.highway }, geometry: r.geom }))
		},
		revisions
	};
}

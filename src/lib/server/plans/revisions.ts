// Grid plans (see ./index.ts): revisions and diffs.

import type { FeatureCollection } from 'geojson';
import type { Queryable } from '../db';
import type { PlanDiff } from '../../plan/types';
import type { RevisionSummary, Areal } from './types';
import { PlanInputError } from './errors';
import { checkCommunityCode, type RevisionRow, REVISION_COLUMNS, summary } from './util';
import { revisionGrids } from './load';

export type { PlanDiff };

export async function getRevision(
	q: Queryable,
	community: string,
	id: number
): Promise<
	RevisionSummary & {
		layout: FeatureCollection<Areal, { code: string; name: string; kind: string; households: number }>;
		assignments: Record<string, string>;
		painted: Record<string, string>;
	}
> {
	checkCommunityCode(community);
	const [row] = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.id = $1 AND r.community_code = $2`, [id, community]);
	if (!row)
		throw new PlanInputError('unknown_revision', { zh: `社区 ${community} 没有第 ${id} 版方案`, en: `community ${community} has no plan revision ${id}` });
	const grids = await revisionGrids(q, id);
	const rows = await q.query<{ building_id: number; grid_code: string; painted: boolean; households: number }>(
		`SELECT p.building_id, p.grid_code, p.painted, b.households FROM plan_revision_buildings p JOIN buildings b ON b.id = p.building_id
		 WHERE p.revision_id = $1 ORDER BY p.building_id`,
		[id]
	);
	const hh = new Map<string, number>();
	for (const r of rows) hh.set(r.grid_code, (hh.get(r.grid_code) ?? 0) + Number(r.households));
	return {
		...summary(row),
		layout: {
			type: 'FeatureCollection',
			features: grids.map((g) => ({
				type: 'Feature',
				properties: { code: g.code, name: g.name, kind: g.kind, households: hh.get(g.code) ?? 0 },
				geometry: g.geometry
			}))
		},
		assignments: Object.fromEntries(rows.map((r) => [String(r.building_id), r.grid_code])),
		painted: Object.fromEntries(rows.filter((r) => r.painted).map((r) => [String(r.building_id), r.grid_code]))
	};
}

export async function diffRevisions(q: Queryable, community: string, fromId: number, toId: number): Promise<PlanDiff> {
	checkCommunityCode(community);
	const revs = await q.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM plan_revisions r WHERE r.community_code = $1 AND r.id = ANY($2::bigint[])`, [
		community,
		[fromId, toId]
	]);
	const from = revs.find((r) => Number(r.id) === fromId),
		to = revs.find((r) => Number(r.id) === toId);
	for (const [id, r] of [
		[fromId, from],
		[toId, to]
	] as const)
		if (!r)
			throw new PlanInputError('unknown_revision', { zh: `社区 ${community} 没有第 ${id} 版方案`, en: `community ${community} has no plan revision ${id}` });
	const areas = await q.query<{ from_code: string | null; to_code: string | null; geom: Areal; area: number }>(
		`WITH f AS (SELECT code, geom FROM plan_revision_grids WHERE revision_id = $1),
			t AS (SELECT code, geom FROM plan_revision_grids WHERE revision_id = $2),
			fu AS (SELECT coalesce(ST_Union(geom), ST_GeomFromText('POLYGON EMPTY', 4326)) AS g FROM f),
			tu AS (SELECT coalesce(ST_Union(geom), ST_GeomFromText('POLYGON EMPTY', 4326)) AS g FROM t),
			pieces AS (
				SELECT f.code AS from_code, t.code AS to_code, ST_CollectionExtract(ST_Intersection(f.geom, t.geom), 3) AS g
				FROM f JOIN t ON f.code <> t.code AND ST_Intersects(f.geom, t.geom)
				UNION ALL
				SELECT f.code, NULL, ST_CollectionExtract(ST_Difference(f.geom, tu.g), 3) FROM f, tu
				UNION ALL
				SELECT NULL, t.code, ST_CollectionExtract(ST_Difference(t.geom, fu.g), 3) FROM t, fu),
			measured AS (SELECT from_code, to_code, g, ST_Area(g::geography) AS area FROM pieces WHERE NOT ST_IsEmpty(g))
		 SELECT from_code, to_code, ST_AsGeoJSON(g, 7)::json AS geom, area FROM measured WHERE area >= 1
		 ORDER BY area DESC`,
		[fromId, toId]
	);
	const moved = await q.query<{ id: number; from_code: string | null; to_code: string | null; households: number; lon: number; lat: number }>(
		`SELECT coalesce(a.building_id, b.building_id) AS id, a.grid_code AS from_code, b.grid_code AS to_code, bl.households,
			ST_X(ST_PointOnSurface(bl.geom)) AS lon, ST_Y(ST_PointOnSurface(bl.geom)) AS lat
		 FROM (SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $1) a
		 FULL JOIN (SELECT building_id, grid_code FROM plan_revision_buildings WHERE revision_id = $2) b ON a.building_id = b.building_id
		 JOIN buildings bl ON bl.id = coalesce(a.building_id, b.building_id)
		 WHERE a.grid_code IS DISTINCT FROM b.grid_code
		 ORDER BY 1`,
		[fromId, toId]
	);
	const codes = async (id: number) =>
		new Set((await q.query<{ code: string }>('SELECT code FROM plan_revision_grids WHERE revision_id = $1', [id])).map((r) => r.code));
	const fc = await codes(fromId),
		tc = await codes(toId);
	const features = areas.map((a) => ({
		type: 'Feature' as const,
		properties: { from: a.from_code, to: a.to_code, area_m2: Math.round(Number(a.area) * 10) / 10 },
		geometry: a.geom
	}));
	const buildings = moved.map((m) => ({
		id: String(m.id),
		from: m.from_code,
		to: m.to_code,
		households: Number(m.households),
		lon: Number(m.lon),
		lat: Number(m.lat)
	}));
	return {
		from: summary(from!),
		to: summary(to!),
		areas: { type: 'FeatureCollection', features },
		buildings,
		added: [...tc].filter((c) => !fc.has(c)).sort(),
		removed: [...fc].filter((c) => !tc.has(c)).sort(),
		totals: {
			areaM2: Math.round(features.reduce((s, f) => s + f.properties.area_m2, 0) * 10) / 10,
			buildings: buildings.length,
			households: buildings.reduce((s, b) => s + b.households, 0)
		}
	};
}

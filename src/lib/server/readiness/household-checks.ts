// Buildings whose household count looks wrong for their size, floors or name (geo/households
// plausibility): for the plan editor's map, and for a data-readiness check, which calls
// implausibleHouseholds(db) — one query, no writes.
import type { Queryable } from '../db';
import { implausibleReasons } from '$geo/households/plausibility';
import type { ImplausibleBuilding } from '../../readiness/types';

export type { ImplausibleBuilding };

/** Flagged buildings, most households first; `community` (12 digits) narrows to one community. */
export async function implausibleHouseholds(q: Queryable, opts: { community?: string } = {}): Promise<ImplausibleBuilding[]> {
	const rows = await q.query<{
		id: number;
		source_id: string;
		name: string | null;
		community_code: string | null;
		grid_code: string | null;
		households: number;
		households_estimated: boolean;
		footprint_m2: number;
		levels: number | null;
		lon: number;
		lat: number;
	}>(
		`SELECT id::int AS id, source_id, name, community_code, grid_code, households, households_estimated, footprint_m2, levels,
			ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
		 FROM buildings
		 WHERE households > 0 AND ($1::text IS NULL OR community_code = $1)
		 ORDER BY households DESC, id`,
		[opts.community ?? null]
	);
	const out: ImplausibleBuilding[] = [];
	for (const r of rows) {
		const facts = { households: r.households, estimated: r.households_estimated, footprintM2: r.footprint_m2, levels: r.levels, name: r.name };
		const reasons = implausibleReasons(facts);
		if (reasons.length === 0) continue;
		out.push({
			id: r.id,
			sourceId: r.source_id,
			name: r.name,
			communityCode: r.community_code,
			gridCode: r.grid_code,
			households: r.households,
			estimated: r.households_estimated,
			footprintM2: Math.round(r.footprint_m2),
			levels: r.levels,
			lon: r.lon,
			lat: r.lat,
			reasons
		});
	}
	return out;
}

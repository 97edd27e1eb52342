// The worker's own grid(s), for the phone's map and the inside-my-grid check: the grids inside the
// jurisdiction (a worker holds one grid; a community-level account its community's grids). A
// whole-city account (an admin trying the page) gets none: the map then shows its position only.
import type { Queryable } from '../db';
import type { MultiPolygon } from 'geojson';
import { likePatterns, readScope } from '../auth/scope';
import type { Principal } from '../../auth/capabilities';

export interface OwnGrid {
	code: string;
	name: string;
	community: string;
	geometry: MultiPolygon;
}

export const MAX_OWN_GRIDS = 50;

export async function ownGrids(q: Queryable, principal: Principal): Promise<OwnGrid[]> {
	const scope = readScope(principal);
	if (!scope || !scope.length) return [];
	return gridsOf(q, scope);
}

/** The grids inside these unit codes (at most MAX_OWN_GRIDS). */
export async function gridsOf(q: Queryable, scope: string[]): Promise<OwnGrid[]> {
	const rows = await q.query<{ code: string; name: string; community: string; geometry: string }>(
		`SELECT g.code, g.name, m.name AS community, ST_AsGeoJSON(g.geom, 7) AS geometry
		 FROM grids g JOIN communities m ON m.code = g.community_code
		 WHERE g.code LIKE ANY($1::text[]) ORDER BY g.code LIMIT $2`,
		[likePatterns(scope), MAX_OWN_GRIDS]
	);
	return rows.map((r) => ({ code: r.code, name: r.name, community: r.community, geometry: JSON.parse(r.geometry) as MultiPolygon }));
}

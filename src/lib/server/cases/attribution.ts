// The boundaries a case ingest attributes against, held in memory per database (geo/cases/attribution)
// and reloaded whenever boundary_version (migrations/010_case_attribution.sql) has moved on.
import { Attributor, type AttributionSource, type FlatPolygons } from '$geo/cases/attribution';
import type { FlatGeometry } from '$geo/tiles';
import type { Queryable } from '../db';
import { wkbAggregate, wkbRows } from '../db/sql';

interface Held {
	version: string;
	/** Shared by every ingest that arrives while it loads: a big city's boundaries take seconds. */
	attributor: Promise<Attributor>;
}

const held = new WeakMap<object, Held>();

/**
 * The attributor for the committed boundaries, inside the caller's transaction. Reads the version
 * FOR SHARE: until this transaction ends no boundary change can commit, and none is half-way
 * (a writer holds the row until it commits). Call it before any other lock the transaction takes,
 * so every writer takes the two in the same order.
 */
export async function attributorFor(tx: Queryable, database: object): Promise<Attributor> {
	const [row] = await tx.query<{ version: string }>('SELECT version::text AS version FROM boundary_version FOR SHARE');
	const version = row?.version ?? 'none';
	const hit = held.get(database);
	if (hit && hit.version === version) return hit.attributor;
	// Every transaction waiting on this load holds the same version FOR SHARE: the load reads what
	// they would. (Loading once per ingest instead ran dozens of loads at once under a steady feed.)
	const attributor = loadBoundaries(tx).then((source) => new Attributor(source));
	held.set(database, { version, attributor });
	attributor.catch(() => {
		if (held.get(database)?.attributor === attributor) held.delete(database);
	});
	return attributor;
}

/** Takes the boundary lock only (for writers that attribute in SQL): the same lock order. */
export async function lockBoundaries(tx: Queryable): Promise<void> {
	await tx.query('SELECT version FROM boundary_version FOR SHARE');
}

/** Rows and their geometries as WKB laid end to end: no text formatting of coordinates. */
async function geometries<T>(tx: Queryable, select: string, from: string): Promise<{ rows: T[]; polygons: (FlatPolygons | null)[] }> {
	const [r] = await tx.query<{ n: number; rows: string | null; geoms: Uint8Array | null }>(
		`SELECT count(*)::int AS n, json_agg(json_build_array(${select}) ORDER BY t.id)::text AS rows,
			${wkbAggregate('t.geom', 't.id')} AS geoms
		 FROM (${from}) t WHERE t.geom IS NOT NULL`
	);
	if (!r || !r.n) return { rows: [], polygons: [] };
	return { rows: JSON.parse(r.rows ?? '[]') as T[], polygons: wkbRows(r.geoms ?? new Uint8Array(0), r.n).map(polygonsOf) };
}

function polygonsOf(g: FlatGeometry | null): FlatPolygons | null {
	return g && g.type === 3 ? g.polygons : null;
}

async function loadBoundaries(tx: Queryable): Promise<AttributionSource> {
	// Microseconds since the epoch as text (exact); -infinity / NULL → null.
	const micros = (col: string) => `CASE WHEN ${col} IS NULL OR NOT isfinite(${col}) THEN NULL ELSE (extract(epoch FROM ${col}) * 1000000)::bigint::text END`;
	const history = await geometries<[string, string, string | null, string | null]>(
		tx,
		`t.grid_code, t.community_code, ${micros('t.valid_from')}, ${micros('t.valid_to')}`,
		'SELECT id, grid_code, community_code, valid_from, valid_to, geom FROM grid_history'
	);
	const grids = await geometries<[string, string]>(tx, 't.code, t.community_code', 'SELECT code AS id, code, community_code, geom FROM grids');
	const communityRows = await tx.query<{ code: string; subdistrict_code: string }>('SELECT code, subdistrict_code FROM communities');
	const communityShapes = await geometries<[string]>(tx, 't.code', 'SELECT code AS id, code, geom FROM communities');
	const subdistricts = await geometries<[string]>(tx, 't.code', 'SELECT code AS id, code, geom FROM subdistricts');
	const shapeOf = new Map(communityShapes.rows.map(([code], i) => [code, communityShapes.polygons[i]]));
	return {
		versions: history.rows.map(([grid, community, from, to], i) => ({
			grid,
			community,
			from: from === null ? null : Number(from),
			to: to === null ? null : Number(to),
			polygons: history.polygons[i] ?? []
		})),
		grids: grids.rows.map(([code, community], i) => ({ code, community, polygons: grids.polygons[i] ?? [] })),
		communities: communityRows.map((c) => ({ code: c.code, subdistrict: c.subdistrict_code, polygons: shapeOf.get(c.code) ?? null })),
		subdistricts: subdistricts.rows.map(([code], i) => ({ code, polygons: subdistricts.polygons[i] }))
	};
}

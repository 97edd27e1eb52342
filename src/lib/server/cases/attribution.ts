// The boundaries a case ingest attributes against, held in memory per database (geo/cases/attribution)
// and reloaded whenever boundary_version (migrations/010_case_attribution.sql) has moved on.
import { Attributor, type AttributionSource } from '$geo/cases/attribution';
import { Placer, PolygonIndex } from '$geo/placement';
import type { FlatPolygons } from '$geo/placement/point-location';
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
	return heldAt(tx, database, row?.version ?? 'none');
}

/**
 * Where buildings go (geo/placement), by the committed boundaries, read without the lock, and their
 * version: for a long transaction (an import) that must not hold boundary writers back and checks the
 * version again before it commits (holdBoundaries), to place again in SQL what it placed by
 * boundaries that have since changed. The boundaries held for case attribution when they are the
 * current ones; else the communities and grids alone, read a page at a time and not kept.
 */
export async function placerFor(tx: Queryable, database: object): Promise<{ version: string; placer: Placer }> {
	const version = await boundaryVersion(tx);
	const hit = held.get(database);
	if (hit && hit.version === version) return { version, placer: (await hit.attributor).placer };
	// Page by page into the packed indexes: never the whole city as arrays of arrays.
	const index = async (table: string) => {
		const units = new PolygonIndex<{ code: string }>();
		await eachGeometry<[string]>(tx, 't.code', `SELECT code AS id, code, geom FROM ${table}`, 'text', ([code], polygons) => units.add({ code }, polygons));
		return units.finish();
	};
	return { version, placer: new Placer(await index('communities'), await index('grids')) };
}

async function boundaryVersion(tx: Queryable): Promise<string> {
	const [row] = await tx.query<{ version: string }>('SELECT version::text AS version FROM boundary_version');
	return row?.version ?? 'none';
}

function heldAt(tx: Queryable, database: object, version: string): Promise<Attributor> {
	const hit = held.get(database);
	if (hit && hit.version === version) return hit.attributor;
	// Every transaction waiting on this load reads the same version: the load reads what they would.
	// (Loading once per ingest instead ran dozens of loads at once under a steady feed.)
	const attributor = loadBoundaries(tx).then((source) => new Attributor(source));
	held.set(database, { version, attributor });
	attributor.catch(() => {
		if (held.get(database)?.attributor === attributor) held.delete(database);
	});
	return attributor;
}

/**
 * For a writer that placed by boundaries read earlier without the lock (an import, placerFor): the
 * communities' rows, then the version row, exclusively — the order a boundary writer takes them in
 * (its rows, then its statement's version bump) — so that no boundary change commits before this
 * transaction does. Returns the version, to compare with the one placed by.
 */
export async function holdBoundaries(tx: Queryable): Promise<string> {
	await tx.query('SELECT 1 FROM communities FOR NO KEY UPDATE');
	const [row] = await tx.query<{ version: string }>('SELECT version::text AS version FROM boundary_version FOR UPDATE');
	return row?.version ?? 'none';
}

/** Takes the boundary lock only (for writers that attribute in SQL): the same lock order. */
export async function lockBoundaries(tx: Queryable): Promise<void> {
	await tx.query('SELECT version FROM boundary_version FOR SHARE');
}

/**
 * Rows and their geometries as WKB laid end to end (no text formatting of coordinates), handed to
 * `each` in pages of ids (of SQL type `idType`): a city's boundaries are tens of megabytes.
 */
async function eachGeometry<T>(
	tx: Queryable,
	select: string,
	from: string,
	idType: 'int' | 'text',
	each: (row: T, polygons: FlatPolygons | null) => void
): Promise<void> {
	for (let after: string | null = null; ;) {
		const [r]: { n: number; last: string | null; rows: string | null; geoms: Uint8Array | null }[] = await tx.query(
			`SELECT count(*)::int AS n, max(t.id)::text AS last, json_agg(json_build_array(${select}) ORDER BY t.id)::text AS rows,
				${wkbAggregate('t.geom', 't.id')} AS geoms
			 FROM (SELECT * FROM (${from}) f WHERE f.geom IS NOT NULL AND ($1::${idType} IS NULL OR f.id > $1::${idType}) ORDER BY f.id LIMIT ${GEOMETRY_PAGE}) t`,
			[after]
		);
		if (!r || !r.n) break;
		const rows = JSON.parse(r.rows ?? '[]') as T[];
		const geometries = wkbRows(r.geoms ?? new Uint8Array(0), r.n);
		rows.forEach((row, i) => each(row, polygonsOf(geometries[i])));
		if (r.n < GEOMETRY_PAGE) break;
		after = r.last;
	}
}

async function geometries<T>(tx: Queryable, select: string, from: string, idType: 'int' | 'text'): Promise<{ rows: T[]; polygons: (FlatPolygons | null)[] }> {
	const rows: T[] = [];
	const polygons: (FlatPolygons | null)[] = [];
	await eachGeometry<T>(tx, select, from, idType, (row, p) => {
		rows.push(row);
		polygons.push(p);
	});
	return { rows, polygons };
}

const GEOMETRY_PAGE = 2000;

function polygonsOf(g: FlatGeometry | null): FlatPolygons | null {
	return g && g.type === 3 ? g.polygons : null;
}

async function loadBoundaries(tx: Queryable): Promise<AttributionSource> {
	// Microseconds since the epoch as text (exact); -infinity / NULL → null.
	const micros = (col: string) => `CASE WHEN ${col} IS NULL OR NOT isfinite(${col}) THEN NULL ELSE (extract(epoch FROM ${col}) * 1000000)::bigint::text END`;
	const history = await geometries<[string, string, string | null, string | null]>(
		tx,
		`t.grid_code, t.community_code, ${micros('t.valid_from')}, ${micros('t.valid_to')}`,
		'SELECT id, grid_code, community_code, valid_from, valid_to, geom FROM grid_history',
		'int'
	);
	const grids = await geometries<[string, string]>(tx, 't.code, t.community_code', 'SELECT code AS id, code, community_code, geom FROM grids', 'text');
	const communityRows = await tx.query<{ code: string; subdistrict_code: string }>('SELECT code, subdistrict_code FROM communities');
	const communityShapes = await geometries<[string]>(tx, 't.code', 'SELECT code AS id, code, geom FROM communities', 'text');
	const subdistricts = await geometries<[string]>(tx, 't.code', 'SELECT code AS id, code, geom FROM subdistricts', 'text');
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

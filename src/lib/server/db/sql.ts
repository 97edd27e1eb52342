// SQL fragments shared by the writers and readers: geometry from GeoJSON text, always SRID 4326;
// many rows' geometries read back as one value of WKB.
import { readWkbSequence, type FlatGeometry } from '$geo/tiles';

export const geomFromJson = (col: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${col}), 4326)`;
export const multiFromJson = (col: string) => `ST_Multi(${geomFromJson(col)})`;
/** A geometry sent as hex WKB (geo/tiles writeWkb): read several times faster than GeoJSON text. */
export const geomFromWkbHex = (col: string) => `ST_GeomFromWKB(decode(${col}, 'hex'), 4326)`;
export const multiFromWkbHex = (col: string) => `ST_Multi(${geomFromWkbHex(col)})`;

/** Rows travel as one jsonb parameter; batching keeps statements small on both engines. */
export function batches<T>(rows: T[], size = 500): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}

/** The embedded engine runs SQL on the request thread: its statements should each take about this long at most. */
export const EMBEDDED_STATEMENT_MS = 40;

/** The time a statement should take on this engine (Infinity: the server engine runs SQL off this thread). */
export const statementTargetMs = (db: { engine: string }) => (db.engine === 'pglite' ? EMBEDDED_STATEMENT_MS : Infinity);

/**
 * Reads a whole table in keyset pages (`page(after, limit)` returns rows ordered by `key`, after the
 * given key), each page sized so its statement takes about `targetMs` (as pacedBatches): one long
 * read never holds the embedded engine's request thread. With targetMs Infinity, pages of `first`.
 */
export async function pagedRows<T>(
	targetMs: number,
	key: (row: T) => string,
	page: (after: string | null, limit: number) => Promise<T[]>,
	first = 2000,
	min = 200,
	max = 50_000
): Promise<T[]> {
	const out: T[] = [];
	let size = first;
	let after: string | null = null;
	for (;;) {
		const started = performance.now();
		const rows = await page(after, size);
		for (const r of rows) out.push(r);
		if (rows.length < size) return out;
		after = key(rows[rows.length - 1]);
		if (Number.isFinite(targetMs)) {
			const ms = Math.max(1, performance.now() - started);
			size = Math.min(max, Math.max(min, Math.round(Math.sqrt(size * ((rows.length * targetMs) / ms)))));
		}
	}
}

/**
 * Runs `run` over rows in batches sized so each statement takes about `targetMs`: the embedded engine
 * runs statements on the request thread, and short ones let other requests in between. The size
 * follows the time the last batch took (first `first` rows; within [min, max]); with targetMs
 * Infinity (the server engine) every batch is `first` rows. Results never depend on the sizes.
 */
export async function pacedBatches<T>(rows: T[], targetMs: number, run: (batch: T[]) => Promise<void>, first = 500, min = 25, max = 2000): Promise<void> {
	// Without a budget (the command line) nothing waits on a statement: the largest batches, the fewest round trips.
	let size = Number.isFinite(targetMs) ? first : max;
	for (let i = 0; i < rows.length;) {
		const batch = rows.slice(i, i + size);
		const started = performance.now();
		await run(batch);
		i += batch.length;
		if (Number.isFinite(targetMs)) {
			const ms = Math.max(1, performance.now() - started);
			// halfway towards the size that would have taken targetMs: one slow statement doesn't collapse it
			size = Math.min(max, Math.max(min, Math.round(Math.sqrt(size * ((batch.length * targetMs) / ms)))));
		}
	}
}

/**
 * The geometries of many rows as one bytea: their WKB laid end to end — 16 bytes a vertex, no
 * coordinates printed by the database or parsed here; both drivers hand it over as a Buffer (hex on
 * the wire, decoded natively: quicker on PGlite than base64, whose encoding took a third of a tile's
 * query). Decode with wkbRows. Without `order` the rows come in scan order, the same order as every
 * other aggregate of the same query.
 */
export const wkbAggregate = (geom: string, order?: string) => `string_agg(ST_AsBinary(${geom}), ''::bytea${order ? ` ORDER BY ${order}` : ''})`;

/** The flat geometries of a wkbAggregate over n rows. */
export function wkbRows(bytes: Uint8Array, n: number): (FlatGeometry | null)[] {
	return readWkbSequence(bytes, n);
}

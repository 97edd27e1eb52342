// SQL fragments shared by the writers and readers: geometry from GeoJSON text, always SRID 4326;
// many rows' geometries read back as one value of WKB.
import { readWkbSequence, type FlatGeometry } from '../../../geo/tiles';

export const geomFromJson = (col: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${col}), 4326)`;
export const multiFromJson = (col: string) => `ST_Multi(${geomFromJson(col)})`;

/** Rows travel as one jsonb parameter; batching keeps statements small on both engines. */
export function batches<T>(rows: T[], size = 500): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}

/**
 * The geometries of many rows as one bytea: their WKB laid end to end — 16 bytes a vertex, no
 * coordinates printed by the database or parsed here; both drivers hand it over as a Buffer (hex on
 * the wire, decoded natively: quicker on PGlite than base64, whose encoding took a third of a tile's
 * query). Decode with wkbRows. Without `order` the rows come in scan order, the same order as every
 * other aggregate of the same query.
 */
export const wkbAggregate = (geom: string, order?: string) =>
	`string_agg(ST_AsBinary(${geom}), ''::bytea${order ? ` ORDER BY ${order}` : ''})`;

/** The flat geometries of a wkbAggregate over n rows. */
export function wkbRows(bytes: Uint8Array, n: number): (FlatGeometry | null)[] {
	return readWkbSequence(bytes, n);
}

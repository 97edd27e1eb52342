// SQL fragments shared by the writers and readers: geometry from GeoJSON text, always SRID 4326;
// many rows' geometries read back as one value of WKB.
import { Buffer } from 'node:buffer';
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
 * The geometries of many rows as one value: their WKB laid end to end, base64 — 16 bytes a vertex,
 * no coordinates printed by the database or parsed here. Decode with wkbRows.
 */
export const wkbAggregate = (geom: string, order: string) =>
	`encode(string_agg(ST_AsBinary(${geom}), ''::bytea ORDER BY ${order}), 'base64')`;

/** The flat geometries of a wkbAggregate over n rows. */
export function wkbRows(base64: string, n: number): (FlatGeometry | null)[] {
	const bytes = Buffer.from(base64, 'base64');
	return readWkbSequence(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), n);
}

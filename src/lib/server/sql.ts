// SQL fragments shared by the writers: geometry from GeoJSON text, always SRID 4326.
export const geomFromJson = (col: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${col}), 4326)`;
export const multiFromJson = (col: string) => `ST_Multi(${geomFromJson(col)})`;

/** Rows travel as one jsonb parameter; batching keeps statements small on both engines. */
export function batches<T>(rows: T[], size = 500): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}

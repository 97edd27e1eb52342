// Polygons with attributes as a zipped Shapefile (.shp/.shx/.dbf/.prj/.cpg), for the grid-plan export.
// Geometry records and the attribute table are written by @mapbox/shp-write's low-level writer; this
// module does what that writer leaves to its caller, so desktop GIS and shpjs read the file right:
// - one layer: Polygon and MultiPolygon both become multi-part POLYGON records (its zip() would write
//   two same-named layers over each other);
// - ring order as the format wants it: outer rings clockwise, holes counter-clockwise (GeoJSON is the
//   other way round, and readers tell holes by orientation);
// - text in UTF-8 with a .cpg saying so (its DBF writer stores one byte per UTF-16 unit, which would
//   mangle Chinese names): strings go in as UTF-8 byte strings, cut at 254 bytes on a character boundary;
// - field names of at most 10 ASCII characters (the DBF limit) — the caller picks them.
// Coordinates are written as given (WGS-84 lon/lat; the .prj says GEOGCS WGS 84).
import shpwrite from '@mapbox/shp-write';
import JSZip from 'jszip';
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type ShapefileValue = string | number;
export interface ShapefileFeature {
	geometry: Polygon | MultiPolygon;
	properties: Record<string, ShapefileValue>;
}

const WGS84_PRJ =
	'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]';
const MAX_TEXT_BYTES = 254;

/** Signed area (shoelace, degree²): positive = counter-clockwise. */
function signedArea(ring: Position[]): number {
	let a = 0;
	for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
	return a / 2;
}

function oriented(ring: Position[], clockwise: boolean): Position[] {
	const closed = ring.length > 0 && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1]) ? [...ring, ring[0]] : ring;
	const isClockwise = signedArea(closed) < 0;
	return (isClockwise === clockwise ? closed : [...closed].reverse()).map((p) => [p[0], p[1]]);
}

/** A DBF text value: the UTF-8 bytes as a "binary string" (one char per byte), at most 254 bytes. */
function utf8Text(s: string): string {
	const enc = new TextEncoder();
	let bytes = enc.encode(s);
	if (bytes.length > MAX_TEXT_BYTES) {
		let cut = MAX_TEXT_BYTES;
		while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--; // not inside a multi-byte character
		bytes = bytes.subarray(0, cut);
	}
	let out = '';
	for (const b of bytes) out += String.fromCharCode(b);
	return out;
}

function bytesOf(view: DataView): Uint8Array {
	return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * A zip holding `<stem>.shp/.shx/.dbf/.prj/.cpg` with one POLYGON layer. Every feature must carry the
 * same property names (at most 10 ASCII characters each).
 */
export async function polygonsToShapefileZip(features: ShapefileFeature[], stem: string): Promise<Uint8Array> {
	if (features.length === 0) throw new Error('polygonsToShapefileZip: no features (a Shapefile needs at least one record)');
	const names = Object.keys(features[0].properties);
	for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]{0,9}$/.test(n)) throw new Error(`polygonsToShapefileZip: field name "${n}" is not a DBF field name`);
	const rows = features.map((f) =>
		Object.fromEntries(
			names.map((n) => {
				const v = f.properties[n];
				return [n, typeof v === 'number' ? v : utf8Text(String(v ?? ''))];
			})
		)
	);
	// Each record: a list of polygons, each a list of rings (outer clockwise, holes counter-clockwise).
	const geometries = features.map((f) =>
		(f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).map((poly) => poly.map((ring, i) => oriented(ring, i === 0)))
	);
	const files = await new Promise<{ shp: DataView; shx: DataView; dbf: DataView }>((resolve, reject) =>
		shpwrite.write(rows, 'POLYGON', geometries, (err, data) => (err ? reject(err) : resolve(data as { shp: DataView; shx: DataView; dbf: DataView })))
	);
	const zip = new JSZip();
	zip.file(`${stem}.shp`, bytesOf(files.shp));
	zip.file(`${stem}.shx`, bytesOf(files.shx));
	zip.file(`${stem}.dbf`, bytesOf(files.dbf));
	zip.file(`${stem}.prj`, WGS84_PRJ);
	zip.file(`${stem}.cpg`, 'UTF-8');
	return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

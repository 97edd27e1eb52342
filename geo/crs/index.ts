// Coordinate systems used in China: WGS-84 (GPS, OSM, PostGIS SRID 4326), GCJ-02 (the legally
// required offset used by AMap/Tencent/most Chinese sources) and BD-09 (Baidu, a further offset of GCJ-02).
// Everything is stored in WGS-84; Chinese basemap tiles are GCJ-02, so the map converts back at display time.
import gcoord from 'gcoord';
import type { GeoJSON } from 'geojson';
import type { CrsName } from '../types';

const GCOORD_CRS: Record<CrsName, typeof gcoord.WGS84 | typeof gcoord.GCJ02 | typeof gcoord.BD09> = {
	wgs84: gcoord.WGS84,
	gcj02: gcoord.GCJ02,
	bd09: gcoord.BD09
};

/**
 * gcoord rewrites coordinates in place; callers keep their input, so convert a copy.
 * Works for any GeoJSON object (geometry, Feature, FeatureCollection); null passes through.
 * gcoord leaves coordinates outside China unchanged, because the offsets are only defined there.
 */
function convert<T extends GeoJSON | null>(geojson: T, from: CrsName, to: CrsName): T {
	if (geojson === null || from === to) return geojson;
	// gcoord declares its own GeoJSON types, structurally a little different from @types/geojson.
	type GcoordInput = Parameters<typeof gcoord.transform>[0];
	const copy = ownCopy(geojson) as unknown as GcoordInput;
	return gcoord.transform(copy, GCOORD_CRS[from], GCOORD_CRS[to]) as unknown as T;
}

/**
 * A deep copy in which every position array is its own: a position the input holds twice (a reader
 * may share one array between a ring's first and last point) must not be converted twice in place,
 * which structuredClone, keeping shared references shared, would let happen.
 */
function ownCopy<T>(value: T): T {
	if (Array.isArray(value)) return (typeof value[0] === 'number' ? value.slice() : value.map(ownCopy)) as T;
	if (value === null || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(value)) out[key] = ownCopy((value as Record<string, unknown>)[key]);
	return out as T;
}

/** Converts GeoJSON in `crs` to WGS-84 (returns a converted copy; the input is not modified). */
export function toWgs84<T extends GeoJSON | null>(geojson: T, crs: CrsName): T {
	return convert(geojson, crs, 'wgs84');
}

/** Converts WGS-84 GeoJSON to GCJ-02 for drawing on Chinese (AMap/Tencent) basemap tiles. */
export function wgs84ToGcj02<T extends GeoJSON | null>(geojson: T): T {
	return convert(geojson, 'wgs84', 'gcj02');
}

/** Same as wgs84ToGcj02 for a single [lon, lat] pair (e.g. a map click or a marker). */
export function positionWgs84ToGcj02(position: [number, number]): [number, number] {
	const [lon, lat] = gcoord.transform(position, gcoord.WGS84, gcoord.GCJ02);
	return [lon, lat];
}

/** Same as toWgs84 for a single [lon, lat] pair (e.g. a click on a GCJ-02 basemap). */
export function positionToWgs84(position: [number, number], crs: CrsName): [number, number] {
	if (crs === 'wgs84') return [position[0], position[1]];
	const [lon, lat] = gcoord.transform(position, GCOORD_CRS[crs], gcoord.WGS84);
	return [lon, lat];
}

// Display-time coordinate conversion. GridAtlas stores and serves WGS-84. Basemaps drawn in GCJ-02
// (AMap/Gaode) are offset by 300–600 m in China, so on such a basemap every GridAtlas layer is shifted
// into GCJ-02 just before it is handed to the map, and everything read back from the map (clicks, the
// view centre for the URL) is shifted back. The conversion itself is geo/crs (gcoord); this module
// only decides when to apply it.
import type { GeoJSON } from 'geojson';
import { positionToWgs84, positionWgs84ToGcj02, wgs84ToGcj02 } from '$geo/crs';

/** The coordinate system the map is drawn in (the basemap's). */
export type DisplayCrs = 'wgs84' | 'gcj02';
export type LonLat = [number, number];
/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

/** WGS-84 GeoJSON in the display CRS. WGS-84 display returns the input itself; otherwise a converted copy. */
export function toDisplay<T extends GeoJSON | null>(geojson: T, crs: DisplayCrs): T {
	return crs === 'gcj02' ? wgs84ToGcj02(geojson) : geojson;
}

/** A WGS-84 position in the display CRS. */
export function positionToDisplay(p: LonLat, crs: DisplayCrs): LonLat {
	return crs === 'gcj02' ? positionWgs84ToGcj02(p) : [p[0], p[1]];
}

/** A display position (a click, the map centre) back in WGS-84. */
export function positionFromDisplay(p: LonLat, crs: DisplayCrs): LonLat {
	return crs === 'gcj02' ? positionToWgs84(p, 'gcj02') : [p[0], p[1]];
}

/** A WGS-84 bbox as the display bbox that holds all four converted corners. */
export function bboxToDisplay(b: BBox, crs: DisplayCrs): BBox {
	if (crs === 'wgs84') return [...b];
	const corners = (
		[
			[b[0], b[1]],
			[b[2], b[1]],
			[b[2], b[3]],
			[b[0], b[3]]
		] as LonLat[]
	).map((c) => positionToDisplay(c, crs));
	const xs = corners.map((c) => c[0]);
	const ys = corners.map((c) => c[1]);
	return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

// Features of one layer → one MVT layer for one tile: the embedded engine's stand-in for
// ST_AsMVT(ST_AsMVTGeom(…)) (PGlite is built without protobuf, so neither exists there).
import type { Geometry } from 'geojson';
import { encodeTile, type TileFeature, type TileLayer } from './encode';
import { TileProjector, toTileGeometry, type FlatGeometry, type TileOptions } from './geometry';
import { DEFAULT_EXTENT, type TileCoord } from './tile-math';

export interface SourceFeature {
	/** WGS-84 (or EPSG:3857 with options.mercator); GeoJSON, or flat arrays as readWkbFlat gives. */
	geometry: Geometry | FlatGeometry | null;
	properties: Record<string, unknown>;
}

/** Projects, clips and quantises each feature; features with nothing left in the tile are dropped. */
export function tileLayer(name: string, features: Iterable<SourceFeature>, tile: TileCoord, options: TileOptions = {}): TileLayer {
	const projector = new TileProjector(tile, options);
	const out: TileFeature[] = [];
	for (const f of features) {
		const geometry = toTileGeometry(f.geometry, projector);
		if (geometry) out.push({ geometry, properties: f.properties });
	}
	return { name, features: out, extent: options.extent ?? DEFAULT_EXTENT };
}

/** One-layer tile bytes (zero bytes when nothing is in the tile). */
export function renderTile(name: string, features: Iterable<SourceFeature>, tile: TileCoord, options: TileOptions = {}): Uint8Array {
	return encodeTile([tileLayer(name, features, tile, options)]);
}

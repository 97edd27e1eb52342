// Vector tiles in pure TypeScript: tile arithmetic, WKB decoding, ST_AsMVTGeom-compatible
// projection/clipping/quantisation, and an MVT encoder. Used by the server for the embedded engine.
export {
	MAX_ZOOM,
	DEFAULT_EXTENT,
	DEFAULT_BUFFER,
	MERCATOR_MAX,
	EARTH_RADIUS,
	TileCoordError,
	parseTileCoord,
	checkTileCoord,
	tileEnvelope,
	tileBoundsLonLat,
	tilesCovering,
	lonLatToMercator,
	mercatorToLonLat,
	rint,
	type TileCoord,
	type MercatorBox
} from './tile-math';
export { readWkb, readWkbFlat, readWkbSequence, writeWkb, WkbError } from './wkb';
export { clipRing, clipLine, type ClipBox } from './clip';
export {
	TileProjector,
	toTileGeometry,
	mapFlatPositions,
	flatten,
	simplifyZero,
	removeCollinear,
	ringArea,
	GEOM_POINT,
	GEOM_LINE,
	GEOM_POLYGON,
	type TileGeometry,
	type FlatGeometry,
	type TileGeomType,
	type TileOptions
} from './geometry';
export { encodeTile, geometryCommands, type TileFeature, type TileLayer, type TileValue } from './encode';
export { tileLayer, renderTile, type SourceFeature } from './tile';

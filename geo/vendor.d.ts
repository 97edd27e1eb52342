// Type declarations for the CommonJS libraries geo/ uses that ship no types of their own.
// Kept to the surface geo/ actually calls, so a wrong call still fails type-checking.

declare module 'tiny-osmpbf' {
	/** Parses a whole .osm.pbf buffer into Overpass-style OSM JSON; with a handler, gives each element to it instead. */
	function tinyOsmPbf(data: Uint8Array): { elements: import('./osm/osm-elements').OsmElement[] };
	function tinyOsmPbf(data: Uint8Array, handler: (element: import('./osm/osm-elements').OsmElement) => void): void;
	export default tinyOsmPbf;
}

declare module 'osmtogeojson' {
	interface OsmToGeoJSONOptions {
		flatProperties?: boolean;
		uninterestingTags?: Record<string, boolean> | ((tags: Record<string, string>, ignore: Record<string, unknown>) => boolean);
		polygonFeatures?: unknown;
		verbose?: boolean;
	}
	function osmtogeojson(data: { elements: unknown[] }, options?: OsmToGeoJSONOptions): import('geojson').FeatureCollection;
	export default osmtogeojson;
}

declare module 'shpjs' {
	/** The parts of one shapefile; shp/dbf as bytes, prj/cpg as text. */
	interface ShapefileParts {
		shp: ArrayBuffer | ArrayBufferView;
		dbf?: ArrayBuffer | ArrayBufferView;
		prj?: string;
		cpg?: string;
	}
	/** Reads shapefile parts (reprojecting to WGS-84 with the .prj via proj4) into GeoJSON. */
	function getShapefile(parts: ShapefileParts): Promise<import('geojson').FeatureCollection>;
	export default getShapefile;
}

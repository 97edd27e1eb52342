/// <reference path="../vendor.d.ts" />
// OSM (XML or PBF) → GeoJSON FeatureCollection via osmtogeojson, which assembles
// multipolygon and boundary relations from their member ways.
import osmtogeojson from 'osmtogeojson';
import { rewind } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { readOsmElements } from './osm-elements';

export type OsmFormat = 'osm-xml' | 'osm-pbf';

/** Properties of every feature: the OSM tags plus "@id" such as "way/123". */
export type OsmProperties = Record<string, string> & { '@id': string };

interface OsmToGeoJSONRawProperties {
	type: string;
	id: number | string;
	tags?: Record<string, string>;
}

/**
 * Read an OSM extract into GeoJSON. Properties are the element's tags plus "@id" ("node/1", "way/2",
 * "relation/3"). Polygons are rewound to RFC 7946 order (outer rings counter-clockwise), because
 * osmtogeojson emits the opposite order for historical reasons.
 */
export function osmToGeoJSON(bytes: Uint8Array, format: OsmFormat): FeatureCollection {
	const elements = readOsmElements(bytes, format);
	const raw = osmtogeojson({ elements });
	const features: Feature[] = raw.features.map((feature) => {
		const props = feature.properties as OsmToGeoJSONRawProperties;
		const osmId = `${props.type}/${props.id}`;
		const properties: OsmProperties = { ...(props.tags ?? {}), '@id': osmId };
		const geometry: Geometry =
			feature.geometry.type === 'Polygon' || feature.geometry.type === 'MultiPolygon'
				? (rewind(feature.geometry, { mutate: true }) as Geometry)
				: feature.geometry;
		return { type: 'Feature', id: osmId, properties, geometry };
	});
	return { type: 'FeatureCollection', features };
}

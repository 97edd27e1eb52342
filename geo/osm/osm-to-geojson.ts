/// <reference path="../vendor.d.ts" />
// OSM (XML or PBF) → GeoJSON FeatureCollection via osmtogeojson, which assembles
// multipolygon and boundary relations from their member ways.
import osmtogeojson from 'osmtogeojson';
import { rewind } from '@turf/rewind';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { readOsmElements, type OsmElement } from './osm-elements';
import type { ArchiveLimits } from '../archive';

export type OsmFormat = 'osm-xml' | 'osm-pbf';

/** Properties of every feature: the OSM tags plus "@id" such as "way/123". */
export type OsmProperties = Record<string, string> & { '@id': string };

interface OsmToGeoJSONRawProperties {
	type: string;
	id: number | string;
	tags?: Record<string, string>;
}

/**
 * Read an OSM extract (XML, or PBF inflated within `limits`) into GeoJSON: see osmElementsToGeoJSON.
 * Throws FileProblem "damaged-file" (truncated), "zip-bomb" and "archive-too-large", or an Error.
 */
export async function osmToGeoJSON(bytes: Uint8Array, format: OsmFormat, limits?: ArchiveLimits): Promise<FeatureCollection> {
	return osmElementsToGeoJSON(await readOsmElements(bytes, format, limits));
}

/**
 * OSM elements as GeoJSON. Properties are the element's tags plus "@id" ("node/1", "way/2",
 * "relation/3"). Polygons are rewound to RFC 7946 order (outer rings counter-clockwise), because
 * osmtogeojson emits the opposite order for historical reasons.
 */
export function osmElementsToGeoJSON(elements: OsmElement[]): FeatureCollection {
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

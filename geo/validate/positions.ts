import type { Geometry, Position } from 'geojson';

/** Every position of a geometry, in order (GeometryCollections included); the geometry's own array where it has one. Read only. */
export function positionsOf(geometry: Geometry): Position[] {
	switch (geometry.type) {
		case 'Point':
			return [geometry.coordinates];
		case 'MultiPoint':
		case 'LineString':
			return geometry.coordinates;
		case 'MultiLineString':
		case 'Polygon':
			return geometry.coordinates.length === 1 ? geometry.coordinates[0] : geometry.coordinates.flat();
		case 'MultiPolygon':
			return geometry.coordinates.length === 1 && geometry.coordinates[0].length === 1 ? geometry.coordinates[0][0] : geometry.coordinates.flat(2);
		case 'GeometryCollection':
			return geometry.geometries.flatMap(positionsOf);
	}
}

/** The rings of a Polygon or MultiPolygon (outer and holes alike); [] for other types. */
export function ringsOf(geometry: Geometry): Position[][] {
	if (geometry.type === 'Polygon') return geometry.coordinates;
	if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
	return [];
}

// The offline map style: nothing but our own data from /api/layers and our own glyphs, so the map
// works on an intranet with no tile server and no API key. Chinese text is drawn from the
// browser's local fonts (localIdeographFontFamily in MapView); only Latin glyphs are bundled.
import type { StyleSpecification } from 'maplibre-gl';
import { mapLayers } from './map-layers';
import { OSM_ATTRIBUTION } from './map-theme';

export * from './map-theme';

export function buildStyle(origin: string, boundaryNote: string): StyleSpecification {
	const api = (path: string) => `${origin}/api/layers/${path}`;
	const geojson = (path: string, attribution?: string, promoteId?: string) => ({
		type: 'geojson' as const,
		data: api(path),
		...(attribution ? { attribution } : {}),
		// Feature ids let a click highlight the feature through feature-state.
		...(promoteId ? { promoteId } : {})
	});
	return {
		version: 8,
		name: 'GridAtlas offline',
		glyphs: `${origin}/glyphs/{fontstack}/{range}.pbf`,
		sources: {
			subdistricts: geojson('subdistricts', boundaryNote),
			'subdistrict-labels': geojson('subdistricts?labels=1'),
			communities: geojson('communities', undefined, 'code'),
			'community-labels': geojson('communities?labels=1'),
			grids: geojson('grids', undefined, 'code'),
			'grid-labels': geojson('grids?labels=1'),
			buildings: geojson('buildings', OSM_ATTRIBUTION, 'id'),
			roads: geojson('roads', OSM_ATTRIBUTION),
			facilities: geojson('facilities', OSM_ATTRIBUTION, 'id'),
			cases: geojson('cases', undefined, 'id')
		},
		layers: mapLayers()
	};
}

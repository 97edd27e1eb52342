// What a page can ask of MapView. Positions are WGS-84 whatever the display CRS.
// (Kept in a .ts module so plain TypeScript code can import it, not only Svelte files.)
import type { MapGeoJSONFeature } from 'maplibre-gl';
import type { BBox, LonLat } from './display-crs';

/** Where the map opens: a camera (WGS-84) or a box to fit (WGS-84). */
export type MapStart = { center: LonLat; zoom: number } | { bounds: BBox };

export interface MapApi {
	fit(bounds: BBox, options?: { instant?: boolean }): void;
	/** Rendered MapLibre features at a screen point, from these layers, topmost first. */
	query(point: { x: number; y: number }, layers: string[]): MapGeoJSONFeature[];
	/** The deck.gl object at a screen point, if deck is in use. */
	pickDeck(point: { x: number; y: number }): { layerId: string; object: unknown; index: number } | null;
}

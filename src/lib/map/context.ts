// What a map layer component gets from the MapView it sits in: the MapLibre map, the display CRS
// and theme, and helpers to add its sources and layers at the right height.
//
// Heights are "slots": invisible marker layers MapView puts in the style at start, bottom to top.
// A component adds its layers just under the marker of its slot, so layers stack by slot whatever
// order components mount or load their data in (the same idea as Mapbox Standard's slots).
import { getContext, setContext } from 'svelte';
import type maplibregl from 'maplibre-gl';
import type { GeoJSONSourceSpecification, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { DisplayCrs } from './display-crs';
import type { Palette } from './theme';
import type { Theme } from './view-state';
import type { DeckHost } from './deck';

export const SLOTS = ['basemap', 'landcover', 'roads', 'buildings', 'boundaries', 'highlight', 'analysis', 'points', 'labels'] as const;
export type Slot = (typeof SLOTS)[number];

export const slotMarker = (slot: Slot) => `slot:${slot}`;

export interface MapContext {
	readonly map: MaplibreMap;
	/** The MapLibre module (loaded in the browser only), for protocols and controls. */
	readonly lib: typeof maplibregl;
	readonly crs: DisplayCrs;
	readonly theme: Theme;
	readonly palette: Palette;
	/** The page's origin, for /api URLs. */
	readonly origin: string;
	/** Counts a data load until it settles, so the map reports "ready" only once data is drawn. */
	track<T>(work: Promise<T>): Promise<T>;
	/** The deck.gl overlay sharing this map's WebGL context (created on first use). */
	deck(): Promise<DeckHost>;
}

const KEY = Symbol('gridatlas-map');

export function setMapContext(ctx: MapContext): void {
	setContext(KEY, ctx);
}

export function getMapContext(): MapContext {
	const ctx = getContext<MapContext | undefined>(KEY);
	if (!ctx) throw new Error('map layer components must be placed inside <MapView>');
	return ctx;
}

export const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Adds the GeoJSON source if missing, else replaces its data. */
export function setSourceData(map: MaplibreMap, id: string, data: FeatureCollection, options: Omit<GeoJSONSourceSpecification, 'type' | 'data'> = {}): void {
	const source = map.getSource(id);
	if (source && source.type === 'geojson') (source as unknown as { setData(d: FeatureCollection): void }).setData(data);
	else if (!source) map.addSource(id, { type: 'geojson', data, ...options });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type Props = Record<string, unknown>;

/**
 * Makes the map hold exactly these layers (same ids), added under the slot's marker: new ones are
 * added; existing ones get changed paint/layout/filter/zoom range in place, so a theme switch or a
 * toggle never rebuilds the style.
 */
export function syncLayers(map: MaplibreMap, specs: LayerSpecification[], slot: Slot, visible = true): void {
	const before = map.getLayer(slotMarker(slot)) ? slotMarker(slot) : undefined;
	for (const spec of specs) {
		const layout = { ...((spec as { layout?: Props }).layout ?? {}), visibility: visible ? 'visible' : 'none' };
		const paint = ((spec as { paint?: Props }).paint ?? {}) as Props;
		if (!map.getLayer(spec.id)) {
			map.addLayer({ ...spec, layout } as LayerSpecification, before);
			continue;
		}
		for (const [k, v] of Object.entries(paint)) {
			if (!same(map.getPaintProperty(spec.id, k), v)) map.setPaintProperty(spec.id, k, v);
		}
		for (const [k, v] of Object.entries(layout)) {
			if (!same(map.getLayoutProperty(spec.id, k), v)) map.setLayoutProperty(spec.id, k, v);
		}
		const filter = (spec as { filter?: unknown }).filter;
		if (!same(map.getFilter(spec.id) ?? undefined, filter)) map.setFilter(spec.id, filter as never);
		const layer = map.getLayer(spec.id)!;
		if (layer.minzoom !== (spec.minzoom ?? 0) || layer.maxzoom !== (spec.maxzoom ?? 24)) {
			map.setLayerZoomRange(spec.id, spec.minzoom ?? 0, spec.maxzoom ?? 24);
		}
	}
}

/** Removes layers (when present) and then sources no remaining layer uses. */
export function removeLayers(map: MaplibreMap, layerIds: string[], sourceIds: string[] = []): void {
	// The map may already be gone (page navigation removes it before children are destroyed).
	if (!map.style) return;
	for (const id of layerIds) if (map.getLayer(id)) map.removeLayer(id);
	for (const id of sourceIds) {
		const used = map.getStyle().layers.some((l) => 'source' in l && l.source === id);
		if (!used && map.getSource(id)) map.removeSource(id);
	}
}

// deck.gl inside the MapLibre map: one MapboxOverlay in interleaved mode, so deck layers draw into
// MapLibre's own WebGL context, between MapLibre layers (each deck layer names the MapLibre layer it
// goes under with `beforeId`, here a slot marker). deck.gl is loaded only when a layer asks for it.
import type { Layer } from '@deck.gl/core';
import type { Map as MaplibreMap } from 'maplibre-gl';

/**
 * Above this many buildings the building layer is drawn by deck.gl: a MapLibre GeoJSON fill
 * re-tiles everything in its worker on each change, deck.gl uploads the polygons to the GPU once.
 */
export const DECK_BUILDINGS_THRESHOLD = 20_000;

export interface DeckHost {
	/** Sets the deck layers one owner (a component) contributes; other owners' layers stay. */
	setLayers(owner: string, layers: Layer[]): void;
	/**
	 * The topmost deck object at a screen point, if any: its layer, the object (null for layers fed
	 * binary columns) and its row index.
	 */
	pick(x: number, y: number): { layerId: string; object: unknown; index: number } | null;
	remove(): void;
}

export async function createDeckHost(map: MaplibreMap): Promise<DeckHost> {
	const { MapboxOverlay } = await import('@deck.gl/mapbox');
	const overlay = new MapboxOverlay({ interleaved: true, layers: [] });
	map.addControl(overlay as never);
	const owners = new Map<string, Layer[]>();
	return {
		setLayers(owner, layers) {
			if (layers.length === 0) owners.delete(owner);
			else owners.set(owner, layers);
			overlay.setProps({ layers: [...owners.values()].flat() });
		},
		pick(x, y) {
			const info = overlay.pickObject({ x, y, radius: 2 });
			if (!info?.layer || !(info.object || info.index >= 0)) return null;
			return { layerId: info.layer.id, object: info.object ?? null, index: info.index };
		},
		remove() {
			owners.clear();
			try {
				map.removeControl(overlay as never);
			} catch {
				// the map is already gone
			}
		}
	};
}

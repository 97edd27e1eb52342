// A GeoJSON source a layer component owns: fetched once from /api/layers, put on the map in the
// display CRS (re-converted when the basemap's CRS changes), removed with the component.
import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, VectorTileSource } from 'maplibre-gl';
import { EMPTY, setSourceData, type MapContext } from './context';
import { fetchLayer, inDisplayCrs } from './layer-data';

export interface SourceOptions {
	promoteId?: string;
	attribution?: string;
	/** Adds derived properties once, after the fetch (never mutates the shared fetched data). */
	transform?: (fc: FeatureCollection) => FeatureCollection;
}

export interface OwnedSource {
	/** The data in the display CRS; null until fetched, EMPTY when the server has no such layer. */
	readonly data: FeatureCollection | null;
	/** The server answered 404 for this layer. */
	readonly missing: boolean;
}

export function useGeoJSONSource(ctx: MapContext, id: string, path: string, options: SourceOptions = {}): OwnedSource {
	let raw = $state.raw<FeatureCollection | null>(null);
	let missing = $state(false);
	const { transform, ...sourceOptions } = options;
	// Added empty at once, so the component's layers can be added before the data arrives.
	setSourceData(ctx.map, id, EMPTY, sourceOptions);
	ctx.track(
		fetchLayer(`${ctx.origin}${path}`).then((fc) => {
			missing = fc === null;
			raw = fc ? (transform ? transform(fc) : fc) : EMPTY;
		})
	);
	const display = $derived(raw ? inDisplayCrs(raw, ctx.crs) : null);
	$effect(() => {
		if (display && ctx.map.getSource(id)) setSourceData(ctx.map, id, display);
	});
	return {
		get data() {
			return display;
		},
		get missing() {
			return missing;
		}
	};
}

/**
 * Above this many features a layer comes to the map as vector tiles (GET /tiles/…) rather than as
 * one GeoJSON document: the browser then loads only what is in view. Vector tiles are in WGS-84
 * and cannot be shifted to GCJ-02, so a Chinese basemap keeps the GeoJSON path.
 */
export const TILED_FEATURES_THRESHOLD = 20_000;

export interface VectorSourceOptions {
	promoteId?: string;
	attribution?: string;
	/** No tiles are asked for below this zoom (the layer is not drawn there). */
	minzoom?: number;
	/** Tiles of this zoom are over-zoomed beyond it. */
	maxzoom?: number;
}

/**
 * A vector tile source for one of the server's tile layers; the MVT layer name is `layer`. On a
 * GCJ-02 basemap the server shifts the tiles (?crs=gcj02); a basemap switch re-points the source.
 */
export function useVectorSource(ctx: MapContext, id: string, layer: string, options: VectorSourceOptions = {}): void {
	const { promoteId, ...rest } = options;
	const url = (crs: string) => `${ctx.origin}/tiles/${layer}/{z}/{x}/{y}.pbf${crs === 'gcj02' ? '?crs=gcj02' : ''}`;
	$effect(() => {
		const wanted = url(ctx.crs);
		const source = ctx.map.getSource(id) as VectorTileSource | undefined;
		if (source && source.tiles?.[0] !== wanted) source.setTiles([wanted]);
	});
	if (ctx.map.getSource(id)) return;
	ctx.map.addSource(id, {
		type: 'vector',
		tiles: [url(ctx.crs)],
		maxzoom: 16,
		...rest,
		...(promoteId ? { promoteId: { [layer]: promoteId } } : {})
	});
}

/** The spec reading its source's tiles: the MVT layer is named after the source's table. */
export function fromTiles<T extends LayerSpecification>(spec: T, tiled: boolean, sources: readonly string[]): T {
	const source = (spec as { source?: unknown }).source;
	if (!tiled || typeof source !== 'string' || !sources.includes(source)) return spec;
	return { ...spec, 'source-layer': source };
}

// A GeoJSON source a layer component owns: fetched once from /api/layers, put on the map in the
// display CRS (re-converted when the basemap's CRS changes), removed with the component.
import type { FeatureCollection } from 'geojson';
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

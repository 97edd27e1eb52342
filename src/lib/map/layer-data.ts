// GeoJSON for the map, fetched by the page rather than by MapLibre's worker: the same data then
// feeds MapLibre and deck.gl, and can be shifted to GCJ-02 for a Chinese basemap before either sees it.
// Each URL is fetched once per page; converted copies are kept per display CRS.
import type { FeatureCollection } from 'geojson';
import { toDisplay, type DisplayCrs } from './display-crs';

const fetched = new Map<string, Promise<FeatureCollection | null>>();
const converted = new WeakMap<FeatureCollection, Map<DisplayCrs, FeatureCollection>>();

/**
 * The collection at `url`; null when the server has no such layer (404: e.g. a layer an older
 * server does not know yet). Other failures reject, so the page can say so.
 */
export function fetchLayer(url: string): Promise<FeatureCollection | null> {
	let p = fetched.get(url);
	if (!p) {
		p = fetch(url).then(async (res) => {
			if (res.status === 404) return null;
			if (!res.ok) throw new Error(`${res.status} ${url}`);
			return (await res.json()) as FeatureCollection;
		});
		// A failed fetch may succeed later (the server was still starting): do not keep the failure.
		p.catch(() => fetched.delete(url));
		fetched.set(url, p);
	}
	return p;
}

/** Forget fetched layers (after an edit or import), so the next fetchLayer asks the server again. */
export function invalidateLayers(): void {
	fetched.clear();
}

/** The collection in the display CRS (memoised: converting thousands of buildings is not free). */
export function inDisplayCrs(fc: FeatureCollection, crs: DisplayCrs): FeatureCollection {
	if (crs === 'wgs84') return fc;
	let byCrs = converted.get(fc);
	if (!byCrs) converted.set(fc, (byCrs = new Map()));
	let out = byCrs.get(crs);
	if (!out) byCrs.set(crs, (out = toDisplay(fc, crs)));
	return out;
}

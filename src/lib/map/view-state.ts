// The map view in the URL, so a link opens the same view:
//   ?unit=<code>&layers=grids,buildings,…&z=15.2&lon=118.78&lat=32.04&theme=day|night&basemap=offline
//   (&bcolor=grid|households for the building colouring, &render=deck to force deck.gl buildings).
// Positions are WGS-84 whatever the basemap, so a link means the same place on every basemap.
// Parameters this module does not know (lang, …) are left alone.
import { LAYER_GROUPS, type LayerGroup } from './layer-groups';
import { isUnitCode } from '$geo/units/code';

export const THEMES = ['day', 'night'] as const;
export type Theme = (typeof THEMES)[number];
export const BUILDING_COLORINGS = ['grid', 'households'] as const;
export type BuildingColoring = (typeof BUILDING_COLORINGS)[number];

export interface ViewState {
	/** Selected unit code ("city" or a 9/12/15-digit code), null for none. */
	unit: string | null;
	layers: LayerGroup[];
	/** Map camera; null until known (the map then fits the unit or the data). */
	zoom: number | null;
	lon: number | null;
	lat: number | null;
	theme: Theme;
	basemap: string;
	bcolor: BuildingColoring;
	/** Forces the deck.gl building renderer (otherwise chosen by building count). */
	render: 'auto' | 'deck';
}

export const DEFAULT_LAYERS: readonly LayerGroup[] = LAYER_GROUPS;

export function defaultViewState(): ViewState {
	return { unit: null, layers: [...DEFAULT_LAYERS], zoom: null, lon: null, lat: null, theme: 'day', basemap: 'offline', bcolor: 'grid', render: 'auto' };
}

const num = (text: string | null, min: number, max: number): number | null => {
	if (text === null || text.trim() === '') return null;
	const n = Number(text);
	return Number.isFinite(n) && n >= min && n <= max ? n : null;
};

const oneOf = <T extends string>(text: string | null, values: readonly T[], fallback: T): T => (values.includes(text as T) ? (text as T) : fallback);

/** Reads the view from query parameters; anything missing or malformed takes its default. */
export function parseViewState(params: URLSearchParams): ViewState {
	const d = defaultViewState();
	const unit = params.get('unit');
	const layersText = params.get('layers');
	const zoom = num(params.get('z'), 0, 24);
	const lon = num(params.get('lon'), -180, 180);
	const lat = num(params.get('lat'), -85, 85);
	const camera = zoom !== null && lon !== null && lat !== null;
	return {
		unit: unit && (unit === 'city' || isUnitCode(unit)) ? unit : null,
		// "layers=" (empty) is a valid view: every layer off.
		layers:
			layersText === null
				? d.layers
				: LAYER_GROUPS.filter((g) =>
						layersText
							.split(',')
							.map((s) => s.trim())
							.includes(g)
					),
		zoom: camera ? zoom : null,
		lon: camera ? lon : null,
		lat: camera ? lat : null,
		theme: oneOf(params.get('theme'), THEMES, d.theme),
		basemap: /^[a-z0-9_-]{1,32}$/.test(params.get('basemap') ?? '') ? params.get('basemap')! : d.basemap,
		bcolor: oneOf(params.get('bcolor'), BUILDING_COLORINGS, d.bcolor),
		render: params.get('render') === 'deck' ? 'deck' : 'auto'
	};
}

const KEYS = ['unit', 'layers', 'z', 'lon', 'lat', 'theme', 'basemap', 'bcolor', 'render'];

/** Writes the view into a copy of `base` (other parameters kept, ours replaced). */
export function viewStateToParams(view: ViewState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
	const out = new URLSearchParams(base);
	for (const k of KEYS) out.delete(k);
	if (view.unit) out.set('unit', view.unit);
	out.set('layers', LAYER_GROUPS.filter((g) => view.layers.includes(g)).join(','));
	if (view.zoom !== null && view.lon !== null && view.lat !== null) {
		// ~1 cm at these latitudes; keeps links short.
		out.set('z', String(Math.round(view.zoom * 100) / 100));
		out.set('lon', view.lon.toFixed(6));
		out.set('lat', view.lat.toFixed(6));
	}
	out.set('theme', view.theme);
	out.set('basemap', view.basemap);
	if (view.bcolor !== 'grid') out.set('bcolor', view.bcolor);
	if (view.render !== 'auto') out.set('render', view.render);
	return out;
}

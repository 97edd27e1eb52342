// Names, colours and fonts shared by the map style, the legend and the browser tests.
export const LAYER_GROUPS = ['subdistricts', 'communities', 'grids', 'buildings', 'roads', 'facilities', 'cases'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

/** Colours the legend shows next to each group; the boundary ones are also what the browser tests look for. */
export const COLORS = {
	background: '#f3f0e8',
	building: '#ddd5ca',
	buildingLine: '#c7baa9',
	subdistrict: '#5f3dc4',
	community: '#c2255c',
	communityText: '#a61e4d',
	grid: '#1971c2',
	gridText: '#1864ab',
	road: '#ffffff',
	roadCasing: '#cfc4b6',
	primary: '#fcd27e',
	primaryCasing: '#d9a54c',
	trunk: '#f8a97c',
	trunkCasing: '#d47b4f',
	secondary: '#f6f3b4',
	secondaryCasing: '#c9c27c',
	path: '#a99a88',
	caseFill: '#e8590c',
	selected: '#f59f00'
} as const;

/** Glyphs for Latin text, served by us from static/glyphs. */
export const TEXT_FONT = ['Noto Sans Regular'];

/** Local fonts for CJK, most common on Chinese government desktops first. */
export const CJK_FONT_FAMILY =
	'"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif';

export const OSM_ATTRIBUTION =
	'<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">© OpenStreetMap contributors</a>';

/** MapLibre layer ids of each legend group, for the toggles. */
export const GROUP_LAYERS: Record<LayerGroup, string[]> = {
	subdistricts: ['subdistrict-halo', 'subdistrict-line', 'subdistrict-label'],
	communities: ['community-fill', 'community-line', 'community-label'],
	grids: ['grid-line', 'grid-label'],
	buildings: ['building-fill'],
	roads: ['road-path', 'road-casing', 'road-fill', 'road-label'],
	facilities: ['facility-circle'],
	cases: ['case-circle']
};

/** Layers a click can pick for the info panel, topmost first. */
export const QUERYABLE_LAYERS = ['case-circle', 'facility-circle', 'building-fill', 'grid-fill-hit', 'community-fill'];

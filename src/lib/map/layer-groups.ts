// The layer groups the legend switches on and off, in legend order: the governance layers, then
// the basemap's own (roads, water and green space).
export const LAYER_GROUPS = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'cases', 'roads', 'landcover'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

export const BASEMAP_GROUPS: readonly LayerGroup[] = ['roads', 'landcover'];

export function isLayerGroup(name: string): name is LayerGroup {
	return (LAYER_GROUPS as readonly string[]).includes(name);
}

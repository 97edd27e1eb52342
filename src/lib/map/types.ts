// Map shapes the browser reads too (unit panel, search, basemaps); no server code here.
import type { BBox } from './display-crs';

export type UnitKind = 'city' | 'subdistrict' | 'community' | 'grid';

export interface UnitRef {
	kind: UnitKind;
	code: string;
	name: string;
}

export interface UnitChild extends UnitRef {
	households: number | null;
	hasBoundary: boolean;
	/** Grids: basic or dedicated (专属网格). */
	gridKind?: string;
}

export interface FacilityCount {
	code: string;
	name_zh: string;
	name_en: string;
	color: string;
	count: number;
}

export interface UnitFacts {
	kind: UnitKind;
	code: string;
	/** Null for the city: the page names it. */
	name: string | null;
	/** From the top (city) down to the unit's parent. */
	parents: UnitRef[];
	illustrative: boolean;
	hasBoundary: boolean;
	bbox: BBox | null;
	districtName: string | null;
	households: number | null;
	householdsEstimated: boolean;
	population: number | null;
	populationEstimated: boolean;
	/** Grids inside the unit (for a grid: itself), by kind. */
	grids: { total: number; basic: number; dedicated: number };
	gridKind: string | null;
	buildings: number;
	/** Facilities whose drawn point lies inside the boundary; null when the unit has no boundary. */
	facilities: FacilityCount[] | null;
	facilitiesTotal: number | null;
	/** Households per grid the community aims for (its own band, default 300–500). */
	householdBand: { min: number; max: number } | null;
	children: UnitChild[];
	/** City only: units with a boundary on the map, and all units named in the code lists. */
	totals?: { subdistricts: { mapped: number; listed: number }; communities: { mapped: number; listed: number } };
}

export interface SearchHit {
	kind: Exclude<UnitKind, 'city'>;
	code: string;
	name: string;
	/** The unit above: the district for a subdistrict, the subdistrict for a community, the community for a grid. */
	parentName: string | null;
	hasBoundary: boolean;
}

export interface SearchResult {
	query: string;
	hits: SearchHit[];
	/** More units matched than were returned. */
	truncated: boolean;
}

export type BasemapId = 'offline' | 'tianditu' | 'osm' | 'amap';

export interface BasemapOption {
	id: BasemapId;
	/** The coordinate system the basemap's tiles are drawn in. */
	crs: 'wgs84' | 'gcj02';
	/** Raster tile URL templates; absent for the offline basemap. */
	tiles?: string[];
	/** Tiles drawn on top of `tiles` (Tianditu's Chinese place-name annotation). */
	overlayTiles?: string[];
	attribution?: string;
	maxzoom?: number;
}

export interface FacilityCategory {
	code: string;
	name_zh: string;
	name_en: string;
	color: string;
}

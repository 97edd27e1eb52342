// What each layer may contain, and how to name it to a planner.
import type { Geometry } from 'geojson';
import type { LayerName } from '../types';

export const LAYER_LABELS: Record<LayerName, { zh: string; en: string }> = {
	subdistricts: { zh: '街道', en: 'subdistricts' },
	communities: { zh: '社区', en: 'communities' },
	grids: { zh: '网格', en: 'grids' },
	buildings: { zh: '建筑', en: 'buildings' },
	facilities: { zh: '设施', en: 'facilities' },
	roads: { zh: '道路', en: 'roads' },
	landcover: { zh: '地表覆盖', en: 'land cover' },
	cases: { zh: '事件', en: 'cases' },
	registers: { zh: '实有房屋/人口登记', en: 'household & population register' }
};

type GeometryType = Geometry['type'];

const AREAS: GeometryType[] = ['Polygon', 'MultiPolygon'];

export const ALLOWED_GEOMETRY_TYPES: Record<LayerName, GeometryType[]> = {
	subdistricts: AREAS,
	communities: AREAS,
	grids: AREAS,
	buildings: AREAS,
	// A facility is a point (a clinic door) or an area (a park, a school campus).
	facilities: ['Point', ...AREAS],
	roads: ['LineString', 'MultiLineString'],
	landcover: AREAS,
	cases: ['Point'],
	registers: []
};

const GEOMETRY_TYPE_ZH: Record<GeometryType, string> = {
	Point: '点',
	MultiPoint: '多点',
	LineString: '线',
	MultiLineString: '多线',
	Polygon: '面',
	MultiPolygon: '多面',
	GeometryCollection: '几何集合'
};

/** "Polygon（面）/MultiPolygon（多面）" */
export function describeGeometryTypesZh(types: GeometryType[]): string {
	return types.map((type) => `${type}（${GEOMETRY_TYPE_ZH[type]}）`).join('/');
}

/** Layers that may be imported as a bare code list (a CSV without coordinates): the boundaries come later. */
export const ATTRIBUTE_ONLY_LAYERS: ReadonlySet<LayerName> = new Set(['subdistricts', 'communities', 'registers']);

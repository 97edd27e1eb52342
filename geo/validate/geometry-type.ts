import type { Geometry } from 'geojson';
import type { LayerName } from '../types';
import type { BilingualText } from '../issues';
import { ALLOWED_GEOMETRY_TYPES, LAYER_LABELS, describeGeometryTypesZh } from './layers';

/** Why this geometry type does not belong in the layer, or null when it does. */
export function checkGeometryType(geometry: Geometry, layer: LayerName): BilingualText | null {
	const allowed = ALLOWED_GEOMETRY_TYPES[layer];
	if (allowed.includes(geometry.type)) return null;
	const label = LAYER_LABELS[layer];
	return {
		zh: `几何类型 ${describeGeometryTypesZh([geometry.type])} 不能导入${label.zh}图层，需要 ${describeGeometryTypesZh(allowed)}`,
		en: `geometry type ${geometry.type} cannot go into the ${label.en} layer; expected ${allowed.join(' or ')}`
	};
}

import { FIELD_ALIASES as F } from '../properties';
import { isWalkable } from '../../osm/classify';
import type { LayerBuilder } from './types';

const YES = new Set(['true', 'yes', '1', '是', 'y']);
const NO = new Set(['false', 'no', '0', '否', 'n']);

/** Roads keep their OSM highway class; an explicit walkable column wins over the OSM walkability rules. */
export const buildRoad: LayerBuilder<'roads'> = ({ reader, feature }) => {
	const highway = reader.text(F.highway) ?? 'road';
	const walkableText = reader.text(F.walkable)?.toLowerCase();
	const walkable =
		walkableText !== undefined && YES.has(walkableText)
			? true
			: walkableText !== undefined && NO.has(walkableText)
				? false
				: isWalkable({ ...(feature.properties ?? {}), highway });
	return { ok: true, fields: { highway, name: reader.text(['name', 'name:zh', '名称', '道路名称']), walkable } };
};

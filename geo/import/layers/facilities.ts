import { area } from '@turf/turf';
import { FIELD_ALIASES as F } from '../properties';
import { FACILITY_CATEGORIES } from '../../osm/tag-mapping';
import { osmFacilityCategory } from '../../osm/classify';
import type { TagMapping } from '../../types';
import { fail, type LayerBuilder } from './types';
import { shown } from '../text';

/** Category codes a table may use: the built-in list plus any category the mapping introduces. */
export function knownCategoryCodes(mapping: TagMapping[]): string[] {
	return [...new Set([...FACILITY_CATEGORIES.map((c) => c.code), ...mapping.map((m) => m.category)])];
}

/** A category cell → its code; planners may write the code ("school") or the Chinese name ("中小学"). */
function resolveCategory(value: string, mapping: TagMapping[]): string | undefined {
	const lower = value.toLowerCase();
	const code = knownCategoryCodes(mapping).find((c) => c.toLowerCase() === lower);
	return code ?? FACILITY_CATEGORIES.find((c) => c.nameZh === value || c.nameEn.toLowerCase() === lower)?.code;
}

export const buildFacility: LayerBuilder<'facilities'> = ({ reader, feature, geometry, fromOsm, tagMapping }) => {
	const areaM2 = geometry && geometry.type !== 'Point' ? Math.max(0, Math.round(area(geometry) * 10) / 10) : undefined;
	if (fromOsm) {
		// parseLayer only hands over OSM features the mapping classifies, so the category exists.
		const category = osmFacilityCategory(feature, tagMapping)!;
		const { '@id': _id, ...tags } = (feature.properties ?? {}) as Record<string, string>;
		return { ok: true, fields: { category, name: reader.text(['name', 'name:zh', 'name:en']), areaM2, tags } };
	}
	const raw = reader.text(F.facilityCategory);
	const category = raw === undefined ? undefined : resolveCategory(raw, tagMapping);
	if (category === undefined) {
		const valid = knownCategoryCodes(tagMapping).join(', ');
		return fail('unknown-category', {
			zh: raw === undefined ? `缺少设施类别（列名 ${F.facilityCategory.join('/')}），可用类别：${valid}` : `设施类别“${shown(raw)}”无法识别，可用类别：${valid}`,
			en: raw === undefined ? `the facility category is missing (column ${F.facilityCategory.join('/')}); valid categories: ${valid}` : `facility category "${shown(raw)}" is not known; valid categories: ${valid}`
		});
	}
	return { ok: true, fields: { category, name: reader.text(F.facilityName), areaM2 } };
};

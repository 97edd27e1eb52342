import { area } from '@turf/area';
import { FIELD_ALIASES as F } from '../properties';
import { FACILITY_CATEGORIES } from '../../osm/tag-mapping';
import { osmFacilityCategory } from '../../osm/classify';
import type { FacilityAttributes, TagMapping } from '../../types';
import { fail, optionalCount, type BuildInput, type BuildResult, type LayerBuilder } from './types';
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

/** An OSM number tag ("120", "120 seats", "约 80"): its first number, or undefined. Tags are free text. */
function osmNumber(text: string | undefined): number | undefined {
	const m = text === undefined ? null : /\d+(\.\d+)?/.exec(text.replace(/,/g, ''));
	return m ? Number(m[0]) : undefined;
}

const compact = (a: FacilityAttributes): FacilityAttributes | undefined => {
	const kept = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
	return Object.keys(kept).length ? (kept as FacilityAttributes) : undefined;
};

/** Seats/places, beds, floor area and opening hours, when the file or the OSM tags give them. */
function facilityAttributes(input: BuildInput): { ok: true; value: FacilityAttributes | undefined } | Extract<BuildResult<'facilities'>, { ok: false }> {
	const { reader } = input;
	if (input.fromOsm) {
		return {
			ok: true,
			value: compact({ seats: osmNumber(reader.text(['capacity'])), beds: osmNumber(reader.text(['beds'])), opening_hours: reader.text(['opening_hours']) })
		};
	}
	const seats = optionalCount(input, F.seats, { zh: '座位/托位', en: 'seats' });
	if (!seats.ok) return seats;
	const beds = optionalCount(input, F.beds, { zh: '床位', en: 'beds' });
	if (!beds.ok) return beds;
	const floorArea = optionalCount(input, F.floorArea, { zh: '建筑面积', en: 'floor area' });
	if (!floorArea.ok) return floorArea;
	return { ok: true, value: compact({ seats: seats.value, beds: beds.value, floor_area_m2: floorArea.value, opening_hours: reader.text(F.openingHours) }) };
}

export const buildFacility: LayerBuilder<'facilities'> = (input) => {
	const { reader, feature, geometry, fromOsm, tagMapping } = input;
	const attributes = facilityAttributes(input);
	if (!attributes.ok) return attributes;
	const areaM2 = geometry && geometry.type !== 'Point' ? Math.max(0, Math.round(area(geometry) * 10) / 10) : undefined;
	if (fromOsm) {
		// parseLayer only hands over OSM features the mapping classifies, so the category exists.
		const category = osmFacilityCategory(feature, tagMapping)!;
		const { '@id': _id, ...tags } = (feature.properties ?? {}) as Record<string, string>;
		return { ok: true, fields: { category, name: reader.text(['name', 'name:zh', 'name:en']), areaM2, tags, attributes: attributes.value } };
	}
	const raw = reader.text(F.facilityCategory);
	const category = raw === undefined ? undefined : resolveCategory(raw, tagMapping);
	if (category === undefined) {
		const valid = knownCategoryCodes(tagMapping).join(', ');
		return fail('unknown-category', {
			zh:
				raw === undefined ? `缺少设施类别（列名 ${F.facilityCategory.join('/')}），可用类别：${valid}` : `设施类别“${shown(raw)}”无法识别，可用类别：${valid}`,
			en:
				raw === undefined
					? `the facility category is missing (column ${F.facilityCategory.join('/')}); valid categories: ${valid}`
					: `facility category "${shown(raw)}" is not known; valid categories: ${valid}`
		});
	}
	return { ok: true, fields: { category, name: reader.text(F.facilityName), areaM2, attributes: attributes.value } };
};

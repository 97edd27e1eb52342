import { area } from '@turf/area';
import { FIELD_ALIASES as F } from '../properties';
import { estimateHouseholds, parseHeightM, parseLevels } from '../../households';
import { fail, MAX_COUNT, optionalCount, type LayerBuilder } from './types';
import { shown } from '../text';

/** Beyond these a value is a typo or junk, not a building (the tallest has 163 floors, 828 m). */
const MAX_LEVELS = 300;
const MAX_HEIGHT_M = 1000;

/** Footprint from the WGS-84 geometry; households from the data when given, otherwise estimated. */
export const buildBuilding: LayerBuilder<'buildings'> = (input) => {
	const { reader, geometry } = input;
	// Holes larger than their outer ring (an invalid polygon, repaired on import) would give a negative area.
	const footprintM2 = geometry ? Math.max(0, Math.round(area(geometry) * 10) / 10) : 0;
	// OSM tag text ("6;7", "20 m") goes through the tolerant OSM parsers, as do table cells.
	const levelsText = reader.text(F.levels);
	const heightText = reader.text(F.height);
	const buildingType = reader.text(['building', '建筑类型']);
	if ((parseLevels(levelsText) ?? 0) > MAX_LEVELS) {
		return fail('number-format', {
			zh: `层数“${shown(levelsText)}”不合理（超过 ${MAX_LEVELS} 层），请检查该列`,
			en: `levels "${shown(levelsText)}" is implausible (over ${MAX_LEVELS}); check the column`
		});
	}
	if ((parseHeightM(heightText) ?? 0) > MAX_HEIGHT_M) {
		return fail('number-format', {
			zh: `高度“${shown(heightText)}”不合理（超过 ${MAX_HEIGHT_M} 米），请检查该列`,
			en: `height "${shown(heightText)}" is implausible (over ${MAX_HEIGHT_M} m); check the column`
		});
	}
	const estimate = estimateHouseholds({ footprintM2, levels: levelsText, heightM: heightText, buildingType }, input.households);
	const given = input.fromOsm ? { ok: true as const, value: undefined } : optionalCount(input, F.households, { zh: '户数', en: 'households' });
	if (!given.ok) return given;
	if (given.value === undefined && !(estimate.households <= MAX_COUNT)) {
		return fail('number-format', {
			zh: `估算户数 ${estimate.households} 大得不合理（占地 ${footprintM2} 平方米），请检查几何`,
			en: `the estimated households (${estimate.households}) are implausibly many (footprint ${footprintM2} m²); check the geometry`
		});
	}
	return {
		ok: true,
		fields: {
			name: reader.text(F.name),
			levels: parseLevels(levelsText) ?? estimate.levels,
			heightM: parseHeightM(heightText),
			footprintM2,
			households: given.value !== undefined ? Math.round(given.value) : estimate.households,
			householdsEstimated: given.value === undefined,
			householdsEstimate: estimate.households,
			levelsSource: estimate.levelsSource
		}
	};
};

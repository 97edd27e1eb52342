import { area } from '@turf/turf';
import { FIELD_ALIASES as F } from '../properties';
import { estimateHouseholds, parseHeightM, parseLevels } from '../../households';
import { optionalCount, type LayerBuilder } from './types';

/** Footprint from the WGS-84 geometry; households from the data when given, otherwise estimated. */
export const buildBuilding: LayerBuilder<'buildings'> = (input) => {
	const { reader, geometry } = input;
	const footprintM2 = geometry ? Math.round(area(geometry) * 10) / 10 : 0;
	// OSM tag text ("6;7", "20 m") goes through the tolerant OSM parsers, as do table cells.
	const levelsText = reader.text(F.levels);
	const heightText = reader.text(F.height);
	const buildingType = reader.text(['building', '建筑类型']);
	const estimate = estimateHouseholds({ footprintM2, levels: levelsText, heightM: heightText, buildingType }, input.households);
	const given = input.fromOsm ? { ok: true as const, value: undefined } : optionalCount(input, F.households, { zh: '户数', en: 'households' });
	if (!given.ok) return given;
	return {
		ok: true,
		fields: {
			name: reader.text(F.name),
			levels: parseLevels(levelsText) ?? estimate.levels,
			heightM: parseHeightM(heightText),
			footprintM2,
			households: given.value !== undefined ? Math.round(given.value) : estimate.households,
			householdsEstimated: given.value === undefined,
			levelsSource: estimate.levelsSource
		}
	};
};

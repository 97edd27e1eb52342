// Household estimate for a residential building: footprint × floors ÷ floor area per dwelling.
// Planners use it when the real household count (户数) is not known yet.
import { DEFAULT_HOUSEHOLD_OPTIONS, type HouseholdEstimateOptions } from '../types';

export interface BuildingSize {
	footprintM2: number;
	/** OSM `building=*` value; non-residential types hold no households. */
	buildingType?: string | null;
	/** Number or raw OSM tag text: "6", "6;7", " 12 ". */
	levels?: number | string | null;
	/** Number or raw OSM tag text: "20", "20 m", "12.5", "65 ft". */
	heightM?: number | string | null;
}

export interface HouseholdEstimate {
	households: number;
	levels: number;
	levelsSource: 'levels' | 'height' | 'default';
}

const FEET_TO_METRES = 0.3048;

const PLAIN_NUMBER = /^\d{1,15}(\.\d{1,15})?$/;

/**
 * First number in an OSM-style value. OSM values can hold several values ("6;7" — take the first),
 * units ("20 m", "65 ft"), decimal commas ("12,5") or junk ("unknown" → undefined).
 */
export function parseOsmNumber(value: number | string | null | undefined): number | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (PLAIN_NUMBER.test(value)) return Number(value); // most values: "6", "12.5"
	const first = value
		.split(';')[0]
		.trim()
		.replace(/^(\d+),(\d+)/, '$1.$2');
	const match = /^[-+]?\d+(\.\d+)?|^[-+]?\.\d+/.exec(first);
	if (!match) return undefined;
	const number = Number(match[0]);
	if (!Number.isFinite(number)) return undefined;
	// Only feet need converting; metres are the default unit of `height` in OSM.
	return /(ft|feet|')\s*$/i.test(first) ? number * FEET_TO_METRES : number;
}

/** A positive storey count from `building:levels`, or undefined when missing or nonsense. */
export function parseLevels(value: number | string | null | undefined): number | undefined {
	const levels = parseOsmNumber(value);
	return levels !== undefined && levels >= 1 ? Math.round(levels) : undefined;
}

/** A positive height in metres, or undefined when missing or nonsense. */
export function parseHeightM(value: number | string | null | undefined): number | undefined {
	const height = parseOsmNumber(value);
	return height !== undefined && height > 0 ? height : undefined;
}

/** Floors: building:levels if known, else height ÷ storey height (rounded, at least 1), else the default. */
export function estimateLevels(
	size: Pick<BuildingSize, 'levels' | 'heightM'>,
	opts: HouseholdEstimateOptions = DEFAULT_HOUSEHOLD_OPTIONS
): Pick<HouseholdEstimate, 'levels' | 'levelsSource'> {
	const levels = parseLevels(size.levels);
	if (levels !== undefined) return { levels, levelsSource: 'levels' };
	const heightM = parseHeightM(size.heightM);
	if (heightM !== undefined) {
		return { levels: Math.max(1, Math.round(heightM / opts.storeyHeightM)), levelsSource: 'height' };
	}
	return { levels: opts.defaultLevels, levelsSource: 'default' };
}

/**
 * Building types with no dwellings: counting offices, malls and schools as homes inflates a
 * city centre's households by about half (the Xinjiekou demo: ≈119k → ≈84k).
 */
export const NON_RESIDENTIAL_BUILDINGS: readonly string[] = [
	'school',
	'university',
	'college',
	'kindergarten',
	'hospital',
	'office',
	'commercial',
	'retail',
	'hotel',
	'civic',
	'public',
	'government',
	'church',
	'temple',
	'industrial',
	'warehouse',
	'train_station',
	'transportation',
	'parking',
	'sports_hall',
	'stadium'
];

export function isResidentialType(buildingType: string | null | undefined): boolean {
	return !buildingType || !NON_RESIDENTIAL_BUILDINGS.includes(buildingType.trim().toLowerCase());
}

/** households = max(1, round(footprint × floors ÷ dwelling size)); 0 for non-residential types. */
export function estimateHouseholds(size: BuildingSize, opts: HouseholdEstimateOptions = DEFAULT_HOUSEHOLD_OPTIONS): HouseholdEstimate {
	const { levels, levelsSource } = estimateLevels(size, opts);
	const floorAreaM2 = Math.max(0, size.footprintM2) * levels;
	const households = isResidentialType(size.buildingType) ? Math.max(1, Math.round(floorAreaM2 / opts.dwellingSizeM2)) : 0;
	return { households, levels, levelsSource };
}

// Land cover for the offline basemap: OSM areas sorted into a few kinds (water, parks, other green
// space, and the land uses a planner reads a district by). Pure functions, no I/O.
// Rivers drawn as lines (waterway=river/stream) are not areas and are out of scope here.
import type { Feature, FeatureCollection } from 'geojson';
import type { LandcoverKind } from '../types';

export interface LandcoverKindInfo {
	code: LandcoverKind;
	nameZh: string;
	nameEn: string;
	/** Fill colour on a light basemap (pale: the land cover lies under everything else). */
	color: string;
}

/** The kinds, in the order the map stacks them (later ones drawn above earlier ones). */
export const LANDCOVER_KINDS: LandcoverKindInfo[] = [
	{ code: 'residential', nameZh: '居住用地', nameEn: 'Residential', color: '#ece7e1' },
	{ code: 'commercial', nameZh: '商业用地', nameEn: 'Commercial / retail', color: '#f2dede' },
	{ code: 'education', nameZh: '教育用地', nameEn: 'Schools / universities', color: '#f0e6c8' },
	{ code: 'health', nameZh: '医疗用地', nameEn: 'Hospitals', color: '#f5d5d5' },
	{ code: 'green', nameZh: '绿地', nameEn: 'Green space', color: '#cfe8c0' },
	{ code: 'park', nameZh: '公园', nameEn: 'Park / garden', color: '#b5dca0' },
	{ code: 'water', nameZh: '水域', nameEn: 'Water', color: '#aad3ee' }
];

export const LANDCOVER_KIND_CODES: readonly LandcoverKind[] = LANDCOVER_KINDS.map((k) => k.code);

type Tags = Record<string, unknown>;

/** A tag value as a list ("a;b" means both), without "no". */
function values(tags: Tags, key: string): string[] {
	const value = tags[key];
	if (typeof value !== 'string') return [];
	return value
		.split(';')
		.map((v) => v.trim())
		.filter((v) => v !== '' && v !== 'no');
}

const has = (tags: Tags, key: string, accepted?: ReadonlySet<string>) => values(tags, key).some((v) => accepted === undefined || accepted.has(v));

const set = (...items: string[]) => new Set(items);

/**
 * Rules in order; the first kind whose test passes wins. Water and parks come first because they are
 * often tagged on top of a land use (a pond inside landuse=residential is mapped separately, but a park
 * may also carry landuse=grass); institutions come before the land use around them.
 */
const RULES: [LandcoverKind, (tags: Tags) => boolean][] = [
	[
		'water',
		(t) => has(t, 'natural', set('water')) || has(t, 'water') || has(t, 'waterway', set('riverbank', 'dock')) || has(t, 'landuse', set('reservoir', 'basin'))
	],
	['park', (t) => has(t, 'leisure', set('park', 'garden'))],
	[
		'green',
		(t) => has(t, 'landuse', set('grass', 'forest', 'meadow', 'recreation_ground', 'village_green')) || has(t, 'natural', set('wood', 'scrub', 'grassland'))
	],
	['education', (t) => has(t, 'amenity', set('school', 'university', 'college')) || has(t, 'landuse', set('education'))],
	['health', (t) => has(t, 'amenity', set('hospital')) || has(t, 'healthcare', set('hospital'))],
	['commercial', (t) => has(t, 'landuse', set('commercial', 'retail'))],
	['residential', (t) => has(t, 'landuse', set('residential'))]
];

/** The land-cover kind the tags describe, or null; geometry is not looked at. */
export function landcoverKindFromTags(tags: Tags | null | undefined): LandcoverKind | null {
	if (!tags) return null;
	for (const [kind, test] of RULES) if (test(tags)) return kind;
	return null;
}

const isArea = (feature: Feature) => feature.geometry?.type === 'Polygon' || feature.geometry?.type === 'MultiPolygon';

/**
 * The kind of an OSM feature, or null when it is not land cover: only areas count, and a building
 * outline is a building (the buildings layer draws it), even when tagged amenity=school.
 */
export function osmLandcoverKind(feature: Feature): LandcoverKind | null {
	if (!isArea(feature)) return null;
	const tags = feature.properties ?? {};
	if (typeof tags.building === 'string' && tags.building !== 'no') return null;
	return landcoverKindFromTags(tags);
}

/** The name to show (OSM "name" is the local, here Chinese, name). */
export function osmLandcoverName(tags: Tags | null | undefined): string | undefined {
	for (const key of ['name', 'name:zh', 'name:en']) {
		const value = tags?.[key];
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return undefined;
}

/** Accepted spellings of each kind in a table's kind column: the code, and the Chinese and English names. */
const KIND_SPELLINGS: Record<string, LandcoverKind> = Object.fromEntries(
	LANDCOVER_KINDS.flatMap((k) => [
		[k.code, k.code],
		[k.nameZh, k.code],
		[k.nameEn.toLowerCase(), k.code]
	]).concat([
		['水系', 'water'],
		['水体', 'water'],
		['河湖', 'water'],
		['公园绿地', 'park'],
		['游园', 'park'],
		['绿化', 'green'],
		['草地', 'green'],
		['林地', 'green'],
		['居住', 'residential'],
		['住宅', 'residential'],
		['商业', 'commercial'],
		['商服', 'commercial'],
		['retail', 'commercial'],
		['教育', 'education'],
		['学校', 'education'],
		['医疗', 'health'],
		['医院', 'health']
	])
);

/** A kind written in a table ("water", "水域", "Park / garden") → its code; undefined when unknown. */
export function parseLandcoverKind(text: string): LandcoverKind | undefined {
	// Own keys only: "constructor" or "toString" in a table must not find Object.prototype's.
	const spelling = (key: string) => (Object.hasOwn(KIND_SPELLINGS, key) ? KIND_SPELLINGS[key] : undefined);
	const trimmed = text.trim();
	return spelling(trimmed) ?? spelling(trimmed.toLowerCase());
}

/** The land cover of a whole OSM collection: one feature per area kept, properties kind, name and "@id". */
export function osmLandcover(collection: FeatureCollection): FeatureCollection {
	const features: Feature[] = [];
	for (const feature of collection.features) {
		const kind = osmLandcoverKind(feature);
		if (kind === null) continue;
		const properties: Record<string, string> = { kind };
		const name = osmLandcoverName(feature.properties);
		if (name !== undefined) properties.name = name;
		properties['@id'] = String(feature.properties?.['@id'] ?? feature.id ?? '');
		features.push({ type: 'Feature', id: feature.id, properties, geometry: feature.geometry });
	}
	return { type: 'FeatureCollection', features };
}

// Which OSM features belong to which GridAtlas layer, decided from their tags and geometry.
import type { Feature } from 'geojson';
import type { TagMapping } from '../types';

type Tags = Record<string, unknown>;

const isArea = (feature: Feature) => feature.geometry?.type === 'Polygon' || feature.geometry?.type === 'MultiPolygon';
const isLine = (feature: Feature) => feature.geometry?.type === 'LineString' || feature.geometry?.type === 'MultiLineString';
const isPoint = (feature: Feature) => feature.geometry?.type === 'Point';

/** A tag value as a list: OSM allows "a;b" for several values. */
function tagValues(tags: Tags, key: string): string[] {
	const value = tags[key];
	if (typeof value !== 'string') return [];
	return value.split(';').map((v) => v.trim());
}

/** Any building=* except building=no, mapped as an area (a building drawn as a point has no footprint). */
export function isOsmBuilding(feature: Feature): boolean {
	const building = feature.properties?.building;
	return typeof building === 'string' && building !== 'no' && isArea(feature);
}

/** Highway values a pedestrian can normally walk along. */
export const WALKABLE_HIGHWAYS = new Set([
	'footway',
	'path',
	'pedestrian',
	'steps',
	'living_street',
	'residential',
	'service',
	'unclassified',
	'track',
	'tertiary',
	'tertiary_link',
	'secondary',
	'secondary_link',
	'primary',
	'primary_link',
	'trunk',
	'trunk_link',
	'cycleway'
]);

/** Expressway-like roads: walkable only with a sidewalk or an explicit foot permission. */
const NEEDS_SIDEWALK = new Set(['trunk', 'trunk_link', 'motorway', 'motorway_link']);
const FOOT_ALLOWED = new Set(['yes', 'designated', 'permissive']);
const ACCESS_CLOSED = new Set(['private', 'no']);
const SIDEWALK_PRESENT = new Set(['both', 'left', 'right', 'yes']);

/** Whether pedestrians can use this highway (for walking-distance analyses). */
export function isWalkable(tags: Tags): boolean {
	const highway = String(tags.highway ?? '');
	const foot = String(tags.foot ?? '');
	if (foot === 'no') return false;
	if (FOOT_ALLOWED.has(foot)) return true;
	if (ACCESS_CLOSED.has(String(tags.access ?? ''))) return false;
	if (NEEDS_SIDEWALK.has(highway)) {
		const sidewalks = ['sidewalk', 'sidewalk:both', 'sidewalk:left', 'sidewalk:right'].map((key) => String(tags[key] ?? ''));
		return sidewalks.some((value) => SIDEWALK_PRESENT.has(value));
	}
	return WALKABLE_HIGHWAYS.has(highway);
}

/**
 * Every highway line goes into the roads layer (the basemap draws them all); `walkable` says which
 * ones count for walking. Highway areas (area=yes) and railway/subway lines are not roads.
 */
export function osmRoad(feature: Feature): { highway: string; walkable: boolean } | null {
	const tags = feature.properties ?? {};
	if (!isLine(feature) || typeof tags.highway !== 'string' || tags.area === 'yes') return null;
	return { highway: tags.highway, walkable: isWalkable(tags) };
}

/** The first mapping whose key/value matches the tags (value '*' matches any value), or null. */
export function matchTagMapping(tags: Tags, mapping: TagMapping[]): TagMapping | null {
	for (const rule of mapping) {
		const values = tagValues(tags, rule.key);
		if (values.length === 0 || values.includes('no')) continue;
		if (rule.value === '*' || values.includes(rule.value)) return rule;
	}
	return null;
}

/** The facility category of a point or area, or null when it is not a mapped facility. */
export function osmFacilityCategory(feature: Feature, mapping: TagMapping[]): string | null {
	if (!isPoint(feature) && !isArea(feature)) return null;
	return matchTagMapping(feature.properties ?? {}, mapping)?.category ?? null;
}

/** Keys that mark a point of interest: the tags a facility mapping would take. */
const POI_KEYS = [
	'amenity',
	'shop',
	'leisure',
	'healthcare',
	'office',
	'tourism',
	'social_facility',
	'emergency',
	'craft',
	'public_transport',
	'railway',
	'station',
	'sport',
	'club'
];

/**
 * The most frequent point-of-interest tags (key=value) on points and areas that no mapping takes,
 * most frequent first: what a facilities import that found nothing reports, so the person who
 * imported the file knows which mapping to add.
 */
export function unmappedPoiTags(features: Feature[], mapping: TagMapping[], limit = 8): { tag: string; count: number }[] {
	const counts = new Map<string, number>();
	for (const feature of features) {
		if (!isPoint(feature) && !isArea(feature)) continue;
		const tags = feature.properties ?? {};
		if (matchTagMapping(tags, mapping)) continue;
		for (const key of POI_KEYS) {
			for (const value of tagValues(tags, key)) {
				if (value === '' || value === 'no') continue;
				const tag = `${key}=${value}`;
				counts.set(tag, (counts.get(tag) ?? 0) + 1);
			}
		}
	}
	return [...counts]
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
		.slice(0, limit)
		.map(([tag, count]) => ({ tag, count }));
}

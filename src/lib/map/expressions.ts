// MapLibre expressions shared by the layer components.
import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';

/** A value growing with zoom: [[zoom, value], …]. */
export const zoomInterp = (stops: [number, number][]): ExpressionSpecification =>
	['interpolate', ['exponential', 1.5], ['zoom'], ...stops.flat()] as ExpressionSpecification;

export const MAJOR_ROADS = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary'];
export const MINOR_ROADS = ['residential', 'unclassified', 'living_street', 'service', 'road'];
export const PATHS = ['footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track', 'corridor'];

/** Road class with its _link variant folded in: primary_link draws like primary. */
export const roadClass: ExpressionSpecification = [
	'let',
	'h',
	['get', 'highway'],
	[
		'case',
		['==', ['slice', ['var', 'h'], ['max', 0, ['-', ['length', ['var', 'h']], 5]]], '_link'],
		['slice', ['var', 'h'], 0, ['-', ['length', ['var', 'h']], 5]],
		['var', 'h']
	]
];

/** "大行宫社区居委会" is the committee's official name; the map labels the community, "大行宫社区". */
export const communityName: ExpressionSpecification = [
	'let',
	'n',
	['coalesce', ['get', 'name'], ''],
	[
		'case',
		['all', ['>', ['length', ['var', 'n']], 5], ['==', ['slice', ['var', 'n'], ['-', ['length', ['var', 'n']], 3]], '居委会']],
		['slice', ['var', 'n'], 0, ['-', ['length', ['var', 'n']], 3]],
		['var', 'n']
	]
];

/** The same shortening for text outside the map (panel, breadcrumbs, search). */
export function shortUnitName(name: string): string {
	return name.length > 5 && name.endsWith('居委会') ? name.slice(0, -3) : name;
}

/** True while the feature is the selected one (feature-state set by the boundary layer). */
export const isSelected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];

/**
 * Only the feature whose property `key` equals `value` (none for null). Highlight layers use this
 * rather than a feature-state opacity: a filter leaves every other feature out of the layer's
 * buckets, where an opacity expression would still draw the whole city invisibly on every frame.
 */
export function onlyFeature(key: string, value: string | number | null): FilterSpecification {
	return ['==', ['get', key], value ?? '\u0000none'] as FilterSpecification;
}

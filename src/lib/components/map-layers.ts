// The map's layers, bottom to top: community tints, roads, buildings, boundaries, points, labels.
import type { DataDrivenPropertyValueSpecification, ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { COLORS, TEXT_FONT } from './map-theme';

const zoomInterp = (stops: [number, number][]): ExpressionSpecification =>
	['interpolate', ['exponential', 1.5], ['zoom'], ...stops.flat()] as ExpressionSpecification;

const MAJOR = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary'];
const MINOR = ['residential', 'unclassified', 'living_street', 'service', 'road'];
const PATHS = ['footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track', 'corridor'];

/** Road class with its _link variant folded in: primary_link draws like primary. */
const roadClass: ExpressionSpecification = [
	'let',
	'h',
	['get', 'highway'],
	['case', ['==', ['slice', ['var', 'h'], ['max', 0, ['-', ['length', ['var', 'h']], 5]]], '_link'],
		['slice', ['var', 'h'], 0, ['-', ['length', ['var', 'h']], 5]],
		['var', 'h']]
];

const roadWidth = (scale: number): DataDrivenPropertyValueSpecification<number> =>
	[
		'interpolate',
		['exponential', 1.6],
		['zoom'],
		12,
		['*', scale, ['match', roadClass, ['motorway', 'trunk'], 2.2, 'primary', 2, 'secondary', 1.6, 'tertiary', 1.3, 0.6]],
		18,
		['*', scale, ['match', roadClass, ['motorway', 'trunk'], 22, 'primary', 20, 'secondary', 16, 'tertiary', 13, 8]]
	] as DataDrivenPropertyValueSpecification<number>;

const byClass = (field: 'fill' | 'casing'): ExpressionSpecification => [
	'match',
	roadClass,
	['motorway', 'trunk'],
	field === 'fill' ? COLORS.trunk : COLORS.trunkCasing,
	'primary',
	field === 'fill' ? COLORS.primary : COLORS.primaryCasing,
	'secondary',
	field === 'fill' ? COLORS.secondary : COLORS.secondaryCasing,
	field === 'fill' ? COLORS.road : COLORS.roadCasing
];

// Faint fills tell neighbouring communities apart without hiding the buildings under them.
const COMMUNITY_TINTS = ['#f783ac', '#74c0fc', '#8ce99a', '#ffd43b', '#b197fc', '#ffa94d'];
const communityTint: ExpressionSpecification = [
	'match',
	['%', ['to-number', ['slice', ['get', 'code'], 9], 0], COMMUNITY_TINTS.length],
	...COMMUNITY_TINTS.slice(1).flatMap((c, i) => [i + 1, c]),
	COMMUNITY_TINTS[0]
] as unknown as ExpressionSpecification;

// "大行宫社区居委会" is the committee's official name; the map labels the community, "大行宫社区".
const communityName: ExpressionSpecification = [
	'let',
	'n',
	['coalesce', ['get', 'name'], ''],
	['case', ['all', ['>', ['length', ['var', 'n']], 5], ['==', ['slice', ['var', 'n'], ['-', ['length', ['var', 'n']], 3]], '居委会']],
		['slice', ['var', 'n'], 0, ['-', ['length', ['var', 'n']], 3]],
		['var', 'n']]
];

export function mapLayers(): LayerSpecification[] {
	return [
		{ id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
		{
			id: 'community-fill',
			type: 'fill',
			source: 'communities',
			paint: { 'fill-color': communityTint, 'fill-opacity': 0.08 }
		},
		{
			// Invisible but clickable: grids carry the household counts planners ask about.
			id: 'grid-fill-hit',
			type: 'fill',
			source: 'grids',
			paint: { 'fill-color': '#000000', 'fill-opacity': 0 }
		},
		{
			id: 'road-path',
			type: 'line',
			source: 'roads',
			filter: ['in', ['get', 'highway'], ['literal', PATHS]],
			minzoom: 14,
			paint: {
				'line-color': COLORS.path,
				'line-width': zoomInterp([[14, 0.6], [18, 2]]),
				'line-dasharray': [2, 1.5]
			}
		},
		{
			id: 'road-casing',
			type: 'line',
			source: 'roads',
			filter: ['in', roadClass, ['literal', [...MAJOR, ...MINOR]]],
			layout: { 'line-cap': 'round', 'line-join': 'round' },
			paint: { 'line-color': byClass('casing'), 'line-width': roadWidth(1.25) }
		},
		{
			id: 'road-fill',
			type: 'line',
			source: 'roads',
			filter: ['in', roadClass, ['literal', [...MAJOR, ...MINOR]]],
			layout: { 'line-cap': 'round', 'line-join': 'round' },
			paint: { 'line-color': byClass('fill'), 'line-width': roadWidth(1) }
		},
		{
			id: 'building-fill',
			type: 'fill',
			source: 'buildings',
			paint: {
				'fill-color': COLORS.building,
				'fill-outline-color': COLORS.buildingLine,
				'fill-opacity': zoomInterp([[13, 0.6], [16, 0.95]])
			}
		},
		{
			id: 'grid-line',
			type: 'line',
			source: 'grids',
			layout: { 'line-join': 'round' },
			paint: {
				'line-color': COLORS.grid,
				'line-width': zoomInterp([[12, 0.8], [17, 1.8]]),
				'line-dasharray': [3, 2]
			}
		},
		{
			id: 'community-line',
			type: 'line',
			source: 'communities',
			layout: { 'line-join': 'round' },
			paint: { 'line-color': COLORS.community, 'line-width': zoomInterp([[12, 1.5], [17, 3.5]]) }
		},
		{
			id: 'subdistrict-halo',
			type: 'line',
			source: 'subdistricts',
			layout: { 'line-join': 'round' },
			paint: { 'line-color': COLORS.subdistrict, 'line-opacity': 0.18, 'line-width': zoomInterp([[12, 8], [17, 16]]) }
		},
		{
			id: 'subdistrict-line',
			type: 'line',
			source: 'subdistricts',
			layout: { 'line-join': 'round' },
			paint: { 'line-color': COLORS.subdistrict, 'line-width': zoomInterp([[12, 2.5], [17, 5]]) }
		},
		...(['grids', 'communities', 'buildings'] as const).map(
			(source): LayerSpecification => ({
				id: `selected-${source}`,
				type: 'line',
				source,
				layout: { 'line-join': 'round' },
				paint: {
					'line-color': COLORS.selected,
					'line-width': source === 'buildings' ? 2.5 : 4,
					'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0]
				}
			})
		),
		{
			id: 'facility-circle',
			type: 'circle',
			source: 'facilities',
			paint: {
				'circle-color': ['coalesce', ['get', 'color'], '#666666'],
				'circle-radius': zoomInterp([[12, 2.5], [17, 7]]),
				'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], COLORS.selected, '#ffffff'],
				'circle-stroke-width': [
					'interpolate',
					['linear'],
					['zoom'],
					12,
					['case', ['boolean', ['feature-state', 'selected'], false], 3, 0.5],
					17,
					['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.5]
				]
			}
		},
		{
			id: 'case-circle',
			type: 'circle',
			source: 'cases',
			paint: {
				'circle-color': COLORS.caseFill,
				'circle-radius': zoomInterp([[12, 3], [17, 8]]),
				'circle-stroke-color': '#7a2e00',
				'circle-stroke-width': 1
			}
		},
		{
			id: 'road-label',
			type: 'symbol',
			source: 'roads',
			minzoom: 15,
			filter: ['all', ['has', 'name'], ['in', roadClass, ['literal', [...MAJOR, ...MINOR]]]],
			layout: {
				'symbol-placement': 'line',
				'text-field': ['get', 'name'],
				'text-font': TEXT_FONT,
				'text-size': 11,
				'text-max-angle': 30
			},
			paint: { 'text-color': '#6b5e4f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 }
		},
		{
			id: 'grid-label',
			type: 'symbol',
			source: 'grid-labels',
			minzoom: 13.5,
			layout: {
				// The 15-digit code only once there is room for it; the name is what people read.
				'text-field': [
					'step',
					['zoom'],
					['format', ['coalesce', ['get', 'name'], ['get', 'code']], {}],
					15.5,
					['format', ['coalesce', ['get', 'name'], ''], {}, '\n', {}, ['get', 'code'], { 'font-scale': 0.8 }]
				],
				'text-font': TEXT_FONT,
				'text-size': zoomInterp([[13.5, 10], [18, 13]]),
				'text-line-height': 1.3,
				'text-padding': 4
			},
			paint: { 'text-color': COLORS.gridText, 'text-halo-color': 'rgba(255,255,255,0.95)', 'text-halo-width': 1.5 }
		},
		{
			id: 'subdistrict-label',
			type: 'symbol',
			source: 'subdistrict-labels',
			maxzoom: 14,
			layout: {
				'text-field': ['get', 'name'],
				'text-font': TEXT_FONT,
				'text-size': 18,
				'text-letter-spacing': 0.15
			},
			paint: { 'text-color': COLORS.subdistrict, 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 2.5 }
		},
		{
			id: 'community-label',
			type: 'symbol',
			source: 'community-labels',
			layout: {
				'text-field': communityName,
				'text-font': TEXT_FONT,
				'text-size': zoomInterp([[12, 12], [17, 18]]),
				'text-letter-spacing': 0.05,
				'text-max-width': 8,
				'text-allow-overlap': false,
				'symbol-sort-key': ['-', 0, ['coalesce', ['get', 'households'], 0]]
			},
			paint: { 'text-color': COLORS.communityText, 'text-halo-color': '#ffffff', 'text-halo-width': 2 }
		}
	];
}

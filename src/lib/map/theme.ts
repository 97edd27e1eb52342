// Map colours for the two themes: "day" for desks in daylight (light, low-contrast basemap under
// strong boundary colours) and "night" for wall screens in command centres (dark basemap, luminous
// lines, nothing bright enough to burn in or glare across a room). Fonts too.
import type { Theme } from './view-state';

export interface Palette {
	background: string;
	water: string;
	waterLine: string;
	green: string;
	park: string;
	landuse: string;
	building: string;
	buildingLine: string;
	/** Buildings outside every grid, when coloured by grid. */
	buildingUnassigned: string;
	road: string;
	roadCasing: string;
	primary: string;
	primaryCasing: string;
	trunk: string;
	trunkCasing: string;
	secondary: string;
	secondaryCasing: string;
	path: string;
	roadText: string;
	subdistrict: string;
	community: string;
	communityText: string;
	grid: string;
	gridText: string;
	labelHalo: string;
	caseFill: string;
	caseLine: string;
	facilityStroke: string;
	selected: string;
	/** Grid colours for buildings coloured by grid. */
	gridPalette: string[];
	/** Households per building, low to high (see HOUSEHOLD_BREAKS); [0] is "no households". */
	householdRamp: string[];
}

export const DAY: Palette = {
	background: '#f3f0e8',
	water: '#aad3ea',
	waterLine: '#8fbfdc',
	green: '#d5e8c4',
	park: '#c4e2b0',
	landuse: '#ece6da',
	building: '#ddd5ca',
	buildingLine: '#c7baa9',
	buildingUnassigned: '#d9d4cc',
	road: '#ffffff',
	roadCasing: '#cfc4b6',
	primary: '#fcd27e',
	primaryCasing: '#d9a54c',
	trunk: '#f8a97c',
	trunkCasing: '#d47b4f',
	secondary: '#f6f3b4',
	secondaryCasing: '#c9c27c',
	path: '#a99a88',
	roadText: '#6b5e4f',
	subdistrict: '#5f3dc4',
	community: '#c2255c',
	communityText: '#a61e4d',
	grid: '#1971c2',
	gridText: '#1864ab',
	labelHalo: '#ffffff',
	caseFill: '#e8590c',
	caseLine: '#7a2e00',
	facilityStroke: '#ffffff',
	selected: '#f59f00',
	gridPalette: ['#a5d8ff', '#b2f2bb', '#ffd8a8', '#d0bfff', '#ffc9c9', '#99e9f2', '#ffec99', '#eebefa', '#c0eb75', '#fcc2d7', '#96f2d7', '#e9ecef'],
	householdRamp: ['#e9e6e1', '#fff3bf', '#ffd8a8', '#ffa94d', '#f76707', '#d9480f', '#862e0b']
};

export const NIGHT: Palette = {
	background: '#0b1521',
	water: '#12314d',
	waterLine: '#1c4a70',
	green: '#10281f',
	park: '#123026',
	landuse: '#0f1b29',
	building: '#223246',
	buildingLine: '#2f4560',
	buildingUnassigned: '#1c2634',
	road: '#27374a',
	roadCasing: '#0d1722',
	primary: '#4a5b70',
	primaryCasing: '#16212e',
	trunk: '#5d6b80',
	trunkCasing: '#16212e',
	secondary: '#394a5e',
	secondaryCasing: '#121c28',
	path: '#3a4b5e',
	roadText: '#8ea2b8',
	subdistrict: '#b197fc',
	community: '#f783ac',
	communityText: '#fcc2d7',
	grid: '#4dabf7',
	gridText: '#a5d8ff',
	labelHalo: '#0b1521',
	caseFill: '#ff922b',
	caseLine: '#ffd8a8',
	facilityStroke: '#0b1521',
	selected: '#ffd43b',
	gridPalette: ['#1864ab', '#2b8a3e', '#a14d05', '#5f3dc4', '#a61e4d', '#0b7285', '#8a6d00', '#862e9c', '#5c940d', '#9c3a62', '#087f5b', '#495057'],
	householdRamp: ['#1a2533', '#2c2a5a', '#51307a', '#7a3b84', '#b24f7a', '#e07a5f', '#f9c74f']
};

export const PALETTES: Record<Theme, Palette> = { day: DAY, night: NIGHT };

/** Building household classes: [0] is "none" (0 households), then ≥ each break. */
export const HOUSEHOLD_BREAKS = [1, 20, 50, 100, 200, 500] as const;

/** Glyphs for Latin text, served by us from static/glyphs. */
export const TEXT_FONT = ['Noto Sans Regular'];

/** Local fonts for CJK, most common on Chinese government desktops first. */
export const CJK_FONT_FAMILY =
	'"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif';

export const OSM_ATTRIBUTION = '<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">© OpenStreetMap contributors</a>';

/**
 * Walking isochrones, 5 / 10 / 15 minutes (and a fourth band, should one be asked for): one hue
 * family from green to indigo, none of them the selected unit's orange (day) or yellow (night).
 */
export const ISOCHRONE_COLORS = ['#2f9e44', '#0c8599', '#364fc7', '#862e9c'] as const;
/** Patrol walks, one per worker (distinct from the isochrones' and the case ramp's). */
export const PATROL_COLORS = ['#e8590c', '#1971c2', '#c2255c', '#2b8a3e', '#6741d9', '#0b7285', '#a61e4d', '#5c940d'] as const;

// The wall screen's URL options: ?cols=&rows= (a video wall of cols × rows screens: panels are laid
// out per screen, off the bezels), ?tour=1&interval=30 (fly through the communities, one every
// `interval` seconds), ?layers=circles,shortfalls (optional map layers), ?cases=hex|heat|grids|points|off
// (how the case overlay draws: hexagons by count, heat, grid rates, every case, or not at all). Out-of-range values fall back to the defaults rather than an error page: the
// link is typed once into a kiosk browser and must always show something.
export interface WallOptions {
	cols: number;
	rows: number;
	tour: boolean;
	/** Seconds per community on the tour. */
	interval: number;
	/** Optional map layers: ?layers=circles,shortfalls (15-minute walking circles; coverage shortfalls). */
	layers: { circles: boolean; shortfalls: boolean };
	/** The case overlay's view on the map ('off': cases only in the panels). */
	cases: WallCaseView;
}

export const WALL_CASE_VIEWS = ['hex', 'heat', 'grids', 'points', 'off'] as const;
export type WallCaseView = (typeof WALL_CASE_VIEWS)[number];

export const MAX_TILES = 8;

function int(text: string | null, min: number, max: number, fallback: number): number {
	const n = text === null ? NaN : Number(text);
	return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function parseWallOptions(p: URLSearchParams): WallOptions {
	const tour = p.get('tour');
	const layers = (p.get('layers') ?? '').split(',').map((x) => x.trim());
	return {
		cols: int(p.get('cols'), 1, MAX_TILES, 1),
		rows: int(p.get('rows'), 1, MAX_TILES, 1),
		tour: tour === '1' || tour === 'true' || tour === 'on',
		interval: int(p.get('interval'), 5, 3600, 30),
		layers: { circles: layers.includes('circles'), shortfalls: layers.includes('shortfalls') },
		cases: (WALL_CASE_VIEWS as readonly string[]).includes(p.get('cases') ?? '') ? (p.get('cases') as WallCaseView) : 'hex'
	};
}

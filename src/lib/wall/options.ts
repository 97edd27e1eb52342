// The wall screen's URL options: ?cols=&rows= (a video wall of cols × rows screens: panels are laid
// out per screen, off the bezels), ?tour=1&interval=30 (fly through the communities, one every
// `interval` seconds), ?layers=circles,shortfalls (optional map layers). Out-of-range values fall back to the defaults rather than an error page: the
// link is typed once into a kiosk browser and must always show something.
export interface WallOptions {
	cols: number;
	rows: number;
	tour: boolean;
	/** Seconds per community on the tour. */
	interval: number;
	/** Optional map layers: ?layers=circles,shortfalls (15-minute walking circles; coverage shortfalls). */
	layers: { circles: boolean; shortfalls: boolean };
}

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
		layers: { circles: layers.includes('circles'), shortfalls: layers.includes('shortfalls') }
	};
}

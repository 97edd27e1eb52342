// The wall screen's layout as one CSS grid, for one screen or a video wall of cols × rows screens.
// Every screen ("tile") gets the same tracks' worth of width and height — a half gutter on each of
// its sides plus 100fr of content — so the grid's seams fall exactly on the bezels and a gutter
// straddles each of them. Panels are placed inside one tile only (never across a bezel); the map is
// the one thing that may span tiles. Sizes are fractions of the viewport (fr, vw/vh-based units),
// never a scaled 1920×1080 stage.
export type LeftPanel = 'base' | 'coverage';
export type RightPanel = 'category' | 'trends' | 'hot' | 'latest';

export const LEFT_PANELS: LeftPanel[] = ['base', 'coverage'];
export const RIGHT_PANELS: RightPanel[] = ['category', 'trends', 'hot', 'latest'];
export const KPI_COUNT = 7;

/** Grid lines (1-based, end exclusive) of an area. */
export interface Area {
	col: [number, number];
	row: [number, number];
}

export interface WallLayout {
	columns: string;
	rows: string;
	map: Area;
	headers: { area: Area; title: boolean; clock: boolean }[];
	/** KPI strip pieces: KPIs [from, to) in this tile. */
	kpis: { area: Area; from: number; to: number }[];
	left: { area: Area; panels: LeftPanel[] }[];
	right: { area: Area; panels: RightPanel[] }[];
	/** Each tile's outer lines, for checks. */
	tileCols: [number, number][];
	tileRows: [number, number][];
}

/** n items in `groups` contiguous chunks, the first ones one bigger. */
export function chunks<T>(items: T[], groups: number): T[][] {
	const out: T[][] = [];
	let at = 0;
	for (let g = 0; g < groups; g++) {
		const size = Math.floor(items.length / groups) + (g < items.length % groups ? 1 : 0);
		out.push(items.slice(at, at + size));
		at += size;
	}
	return out;
}

const GUTTER = 'var(--gh)';

interface Axis {
	tracks: string[];
	tiles: { outer: [number, number]; lines: Record<string, number> }[];
}

/** Tracks along one axis; `parts(i)` names the content tracks of tile i with their fr. */
function axis(n: number, parts: (i: number) => [string, number][]): Axis {
	const tracks: string[] = [];
	const tiles: Axis['tiles'] = [];
	for (let i = 0; i < n; i++) {
		const start = tracks.length + 1;
		tracks.push(GUTTER);
		const lines: Record<string, number> = {};
		for (const [name, fr] of parts(i)) {
			lines[name] = tracks.length + 1;
			tracks.push(`${fr}fr`);
			lines[`${name}-end`] = tracks.length + 1;
		}
		tracks.push(GUTTER);
		tiles.push({ outer: [start, tracks.length + 1], lines });
	}
	return { tracks, tiles };
}

export function wallLayout(cols: number, rows: number): WallLayout {
	const columns = axis(cols, (i): [string, number][] => {
		if (cols === 1)
			return [
				['left', 24],
				['centre', 46],
				['right', 30]
			];
		if (i === 0)
			return [
				['left', 30],
				['centre', 70]
			];
		if (i === cols - 1)
			return [
				['centre', 68],
				['right', 32]
			];
		return [['centre', 100]];
	});
	const rowAxis = axis(rows, (j): [string, number][] =>
		j === 0
			? [
					['header', 7],
					['kpi', 12],
					['body', 81]
				]
			: [['body', 100]]
	);
	const first = columns.tiles[0],
		last = columns.tiles[cols - 1];
	const top = rowAxis.tiles[0];
	const span = (t: Axis['tiles'][number], name: string): [number, number] => [t.lines[name], t.lines[`${name}-end`]];
	/** A tile's lines inside its two half gutters. */
	const inner = (t: Axis['tiles'][number]): [number, number] => [t.outer[0] + 1, t.outer[1] - 1];

	const kpiSlices = chunks(
		Array.from({ length: KPI_COUNT }, (_, i) => i),
		cols
	);
	return {
		columns: columns.tracks.join(' '),
		rows: rowAxis.tracks.join(' '),
		map: { col: [first.lines.centre, last.lines['centre-end']], row: [top.lines.body, rowAxis.tiles[rows - 1].lines['body-end']] },
		headers: columns.tiles
			.map((t, i) => ({
				area: { col: inner(t), row: span(top, 'header') },
				title: i === 0,
				clock: i === cols - 1
			}))
			.filter((h) => h.title || h.clock),
		kpis: columns.tiles
			.map((t, i) => ({
				area: { col: inner(t), row: span(top, 'kpi') },
				from: kpiSlices[i][0] ?? 0,
				to: (kpiSlices[i].at(-1) ?? -1) + 1
			}))
			.filter((k) => k.to > k.from),
		left: chunks(LEFT_PANELS, rows)
			.map((panels, j) => ({ area: { col: span(first, 'left'), row: span(rowAxis.tiles[j], 'body') }, panels }))
			.filter((s) => s.panels.length > 0),
		right: chunks(RIGHT_PANELS, rows)
			.map((panels, j) => ({ area: { col: span(last, 'right'), row: span(rowAxis.tiles[j], 'body') }, panels }))
			.filter((s) => s.panels.length > 0),
		tileCols: columns.tiles.map((t) => t.outer),
		tileRows: rowAxis.tiles.map((t) => t.outer)
	};
}

export const gridArea = (a: Area) => `grid-column: ${a.col[0]} / ${a.col[1]}; grid-row: ${a.row[0]} / ${a.row[1]};`;

// Walking isochrones (see ./index.ts): errors, options and their checking, the collection's shapes.

import { GridAtlasError } from '../errors';
import type { Feature, Polygon, MultiPolygon, FeatureCollection } from 'geojson';
import type { WalkGraph } from '../network/graph';
import { WALK_SPEED_M_PER_MIN } from '../network/speed';

export type IsochroneErrorCode = 'outside_network' | 'bad_speed' | 'too_many_minutes' | 'bad_minutes' | 'bad_point' | 'no_network';

/** A request the isochrone cannot answer; `message` is Chinese / English. */
export class IsochroneError extends GridAtlasError {
	constructor(
		readonly code: IsochroneErrorCode,
		message: string
	) {
		// No walking network yet is a state of the data (409); everything else is a bad request.
		super(message, { code, status: code === 'no_network' ? 409 : 400 });
		this.name = 'IsochroneError';
	}
}

export const DEFAULT_MAX_MINUTES = 60;
/** How far a point may lie from the nearest walkable edge and still start a walk (m). */
export const DEFAULT_MAX_SNAP_M = 500;
/** Buffer around the reached network (m): the strip on either side of a walked edge counted as reached. */
export const DEFAULT_BUFFER_M = 50;
/** Finest raster cell (m); coarser when the area is large (see maxGridCells). */
export const DEFAULT_CELL_M = 10;
/** Most cells along the longer side of the raster. */
export const DEFAULT_MAX_GRID_CELLS = 128;
const MAX_BUDGETS = 12;

export interface IsochroneOptions {
	minutes: number[];
	speedMPerMin?: number;
	maxSnapM?: number;
	maxMinutes?: number;
	bufferM?: number;
	cellM?: number;
	maxGridCells?: number;
}

export interface IsochroneProperties {
	minutes: number;
	speed_m_per_min: number;
	/** Walking budget: minutes × speed (m). */
	distance_m: number;
	/** Area of the isochrone polygon (m²). */
	area_m2: number;
	/** Area of the straight-line circle of radius distance_m (around every origin: their union). */
	circle_area_m2: number;
	/** Share of that circle inside the isochrone: how much of the circle is really walkable (0…1). */
	walkable_ratio: number;
}

export type IsochroneFeature = Feature<Polygon | MultiPolygon, IsochroneProperties>;

export interface IsochroneCollection extends FeatureCollection<Polygon | MultiPolygon, IsochroneProperties> {
	/** Where the walk starts: the points asked for, their projections on the network and the walk to them. */
	origins: { lon: number; lat: number; snapped: [number, number]; snap_offset_m: number }[];
	buffer_m: number;
	cell_m: number;
}

export const num = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
/** Degrees to 7 decimals (about a centimetre). */
export const deg7 = (x: number) => Math.round(x * 1e7) / 1e7;

export interface CheckedOptions {
	budgets: { minutes: number; distance: number }[];
	speed: number;
	maxSnapM: number;
	bufferM: number;
	cellM: number;
	maxGridCells: number;
}

/** Validates the options (throws IsochroneError), before anything touches the graph. */
export function checkIsochroneOptions(opts: IsochroneOptions): CheckedOptions {
	const speed = opts.speedMPerMin ?? WALK_SPEED_M_PER_MIN;
	if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
		throw new IsochroneError(
			'bad_speed',
			`步行速度必须是正数（米/分钟），收到 ${speed} / walking speed must be a positive number of metres per minute, got ${speed}`
		);
	}
	if (speed > 1000) {
		throw new IsochroneError('bad_speed', `步行速度 ${speed} 米/分钟不合理（上限 1000）/ walking speed ${speed} m/min is not a walking speed (at most 1000)`);
	}
	const maxMinutes = opts.maxMinutes ?? DEFAULT_MAX_MINUTES;
	const list = opts.minutes ?? [];
	if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BUDGETS || list.some((m) => typeof m !== 'number' || !Number.isFinite(m) || m <= 0)) {
		throw new IsochroneError('bad_minutes', `分钟数须为 1–${MAX_BUDGETS} 个正数，如 5,10,15 / minutes must be 1–${MAX_BUDGETS} positive numbers, e.g. 5,10,15`);
	}
	const over = list.filter((m) => m > maxMinutes);
	if (over.length) {
		throw new IsochroneError(
			'too_many_minutes',
			`分钟数 ${over.join(', ')} 超过上限 ${maxMinutes} 分钟 / ${over.join(', ')} minutes exceed the maximum of ${maxMinutes}`
		);
	}
	const bufferM = opts.bufferM ?? DEFAULT_BUFFER_M;
	const cellM = opts.cellM ?? DEFAULT_CELL_M;
	const maxGridCells = opts.maxGridCells ?? DEFAULT_MAX_GRID_CELLS;
	if (!(bufferM > 0) || !(cellM > 0) || !(maxGridCells >= 16)) throw new Error('isochrones: bufferM and cellM must be > 0, maxGridCells ≥ 16');
	const minutes = [...new Set(list)].sort((a, b) => a - b);
	return {
		budgets: minutes.map((m) => ({ minutes: m, distance: m * speed })),
		speed,
		maxSnapM: opts.maxSnapM ?? DEFAULT_MAX_SNAP_M,
		bufferM,
		cellM,
		maxGridCells
	};
}

export function requireNetwork(g: WalkGraph | null | undefined): asserts g is WalkGraph {
	if (!g || g.edgeCount === 0) {
		throw new IsochroneError(
			'no_network',
			'步行路网尚未建立：请先导入道路（--layer roads）/ the walking network is not built yet: import roads first (--layer roads)'
		);
	}
}

// Web Mercator tile arithmetic, computed exactly as PostGIS does it (ST_TileEnvelope and the affine
// step of ST_AsMVTGeom), so the JS tiler and the database land on the same pixel for the same vertex.

import { GridAtlasError } from '../errors';

/** Half the Web Mercator world width in metres: π × 6 378 137 (PostGIS's ST_TileEnvelope bounds). */
export const MERCATOR_MAX = 20037508.342789244;
/** The sphere of EPSG:3857. */
export const EARTH_RADIUS = 6378137;

export const MAX_ZOOM = 22;
export const DEFAULT_EXTENT = 4096;
export const DEFAULT_BUFFER = 64;

export interface TileCoord {
	z: number;
	x: number;
	y: number;
}

/** EPSG:3857 bounds of one tile. */
export interface MercatorBox {
	xmin: number;
	ymin: number;
	xmax: number;
	ymax: number;
}

/** A tile address that cannot exist; the message says which part is wrong (Chinese first). */
export class TileCoordError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_tile' });
		this.name = 'TileCoordError';
	}
}

const INTEGER = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Parses z/x/y path segments: integers without signs, leading zeros or exponents, z in 0–22,
 * x and y in 0 … 2^z − 1. Throws TileCoordError otherwise.
 */
export function parseTileCoord(z: string, x: string, y: string): TileCoord {
	for (const [name, text] of [
		['z', z],
		['x', x],
		['y', y]
	] as const) {
		if (!INTEGER.test(text)) {
			throw new TileCoordError(`瓦片坐标 ${name}「${text}」不是非负整数 / tile ${name} "${text}" is not a non-negative integer`);
		}
	}
	const coord = { z: Number(z), x: Number(x), y: Number(y) };
	checkTileCoord(coord);
	return coord;
}

export function checkTileCoord({ z, x, y }: TileCoord): void {
	if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) {
		throw new TileCoordError(`缩放级别 z=${z} 超出范围 0–${MAX_ZOOM} / zoom z=${z} is outside 0–${MAX_ZOOM}`);
	}
	const n = 2 ** z;
	for (const [name, v] of [
		['x', x],
		['y', y]
	] as const) {
		if (!Number.isInteger(v) || v < 0 || v >= n) {
			throw new TileCoordError(`瓦片 ${name}=${v} 超出范围：缩放级别 ${z} 下应为 0–${n - 1} / tile ${name}=${v} is outside 0–${n - 1} at zoom ${z}`);
		}
	}
}

/** ST_TileEnvelope(z, x, y): same operations in the same order, so the same doubles. */
export function tileEnvelope({ z, x, y }: TileCoord): MercatorBox {
	const worldTiles = 2 ** z;
	const size = (MERCATOR_MAX - -MERCATOR_MAX) / worldTiles;
	return {
		xmin: -MERCATOR_MAX + size * x,
		xmax: -MERCATOR_MAX + size * (x + 1),
		ymin: MERCATOR_MAX - size * (y + 1),
		ymax: MERCATOR_MAX - size * y
	};
}

/** WGS-84 degrees → EPSG:3857 metres (spherical Mercator, the formula PROJ uses for 3857). */
export function lonLatToMercator(lon: number, lat: number): [number, number] {
	const x = (EARTH_RADIUS * lon * Math.PI) / 180;
	const phi = (lat * Math.PI) / 180;
	const y = EARTH_RADIUS * Math.asinh(Math.tan(phi));
	return [x, y];
}

export function mercatorToLonLat(x: number, y: number): [number, number] {
	return [(x / EARTH_RADIUS) * (180 / Math.PI), Math.atan(Math.sinh(y / EARTH_RADIUS)) * (180 / Math.PI)];
}

/** The tile's bounds grown by `buffer` pixels of `extent`, in WGS-84: what the SQL filter asks for. */
export function tileBoundsLonLat(tile: TileCoord, extent = DEFAULT_EXTENT, buffer = DEFAULT_BUFFER): [number, number, number, number] {
	const e = tileEnvelope(tile);
	const m = ((e.xmax - e.xmin) * buffer) / extent;
	const clamp = (v: number) => Math.max(-MERCATOR_MAX, Math.min(MERCATOR_MAX, v));
	const [w, s] = mercatorToLonLat(clamp(e.xmin - m), clamp(e.ymin - m));
	const [east, n] = mercatorToLonLat(clamp(e.xmax + m), clamp(e.ymax + m));
	return [w, s, east, n];
}

/** The tiles of zoom z that cover a WGS-84 box (inclusive ranges). */
export function tilesCovering(bbox: [number, number, number, number], z: number): { x0: number; y0: number; x1: number; y1: number } {
	const n = 2 ** z;
	const size = (2 * MERCATOR_MAX) / n;
	const [x0m, y0m] = lonLatToMercator(bbox[0], bbox[3]);
	const [x1m, y1m] = lonLatToMercator(bbox[2], bbox[1]);
	const col = (xm: number) => Math.min(n - 1, Math.max(0, Math.floor((xm + MERCATOR_MAX) / size)));
	const row = (ym: number) => Math.min(n - 1, Math.max(0, Math.floor((MERCATOR_MAX - ym) / size)));
	return { x0: col(x0m), y0: row(y0m), x1: col(x1m), y1: row(y1m) };
}

/**
 * C's rint(): rounds half to even, as PostGIS's snap-to-grid does. Math.round rounds half up, which
 * would move a vertex lying exactly on a half pixel one unit away from where PostGIS puts it.
 */
export function rint(v: number): number {
	const r = Math.round(v);
	return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

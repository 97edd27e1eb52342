// Numbering order for parts: west→east, north→south (自西向东、自北向南), as grid codes are numbered
// in DB11/T 2157-2023 and DB6101/T 3185-2024. Read like text: parts are grouped into rows from
// north to south, and numbered west to east inside each row.
import { area as turfArea } from '@turf/area';
import { bbox as turfBbox } from '@turf/bbox';
import { centerOfMass } from '@turf/center-of-mass';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

/** Representative point of an areal feature: centre of mass of its largest polygon. */
export function representativePoint(geometry: Polygon | MultiPolygon): Position {
	const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	let best: Polygon = { type: 'Polygon', coordinates: polys[0] };
	let bestArea = -1;
	for (const coords of polys) {
		const g: Polygon = { type: 'Polygon', coordinates: coords };
		const a = turfArea(g);
		if (a > bestArea) {
			bestArea = a;
			best = g;
		}
	}
	return centerOfMass(best).geometry.coordinates;
}

export interface OrderOptions {
	/**
	 * Two parts are in the same row when their representative points differ in latitude by less
	 * than this share of the median part height. Default 0.5.
	 */
	rowTolerance?: number;
}

/**
 * Sort areal features west→east, north→south: rows are formed from north to south (a part joins the
 * current row when its representative point is within rowTolerance × median part height of the
 * row's first part), then each row is sorted west to east. Stable and deterministic.
 */
export function orderWestToEastNorthToSouth<T extends Feature<Polygon | MultiPolygon, unknown>>(features: T[], opts: OrderOptions = {}): T[] {
	if (features.length <= 1) return [...features];
	const items = features.map((f, i) => ({ f, i, p: representativePoint(f.geometry), b: turfBbox(f.geometry) }));
	const heights = items.map((it) => it.b[3] - it.b[1]).sort((a, b) => a - b);
	const median = heights[Math.floor(heights.length / 2)];
	const tol = (opts.rowTolerance ?? 0.5) * median;
	items.sort((a, b) => b.p[1] - a.p[1] || a.p[0] - b.p[0] || a.i - b.i);
	const rows: (typeof items)[] = [];
	for (const it of items) {
		const row = rows[rows.length - 1];
		if (row && row[0].p[1] - it.p[1] < tol) row.push(it);
		else rows.push([it]);
	}
	return rows.flatMap((row) => row.sort((a, b) => a.p[0] - b.p[0] || b.p[1] - a.p[1] || a.i - b.i).map((it) => it.f));
}

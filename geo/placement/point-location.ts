// Where a point lies against polygons, as PostGIS decides it for a point and a polygon (point_in_ring:
// a winding number, and a point whose side determinant is exactly zero within the edge's box is on
// the boundary; no tolerance), so a lookup in memory gives what ST_Contains / ST_Intersects give in
// the database. Polygons are flat rings (x0, y0, x1, y1, …) grouped per polygon: exterior, then holes.
import Flatbush from 'flatbush';

export type FlatPolygons = ArrayLike<number>[][];

export const OUTSIDE = -1;
export const BOUNDARY = 0;
export const INSIDE = 1;

function ringLocate(ring: ArrayLike<number>, x: number, y: number): number {
	let wn = 0;
	const n = ring.length;
	// Rings may arrive closed (WKB) or open: the closing edge of a closed ring has zero length.
	for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
		const x1 = ring[j],
			y1 = ring[j + 1],
			x2 = ring[i],
			y2 = ring[i + 1];
		if ((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1) < 1e-24) continue;
		const side = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1);
		if (side === 0 && x <= Math.max(x1, x2) && x >= Math.min(x1, x2) && y <= Math.max(y1, y2) && y >= Math.min(y1, y2)) return BOUNDARY;
		if (y1 <= y && y < y2 && side > 0) wn++;
		else if (y2 <= y && y < y1 && side < 0) wn--;
	}
	return wn === 0 ? OUTSIDE : INSIDE;
}

/** INSIDE, BOUNDARY (on any ring, holes included) or OUTSIDE (a hole is outside). */
export function pointLocation(polygons: FlatPolygons, x: number, y: number): number {
	let result = OUTSIDE;
	for (const rings of polygons) {
		if (!rings.length) continue;
		const outer = ringLocate(rings[0], x, y);
		if (outer === OUTSIDE) continue;
		if (outer === BOUNDARY) return BOUNDARY;
		result = INSIDE;
		for (let h = 1; h < rings.length; h++) {
			const inHole = ringLocate(rings[h], x, y);
			if (inHole === BOUNDARY) return BOUNDARY;
			if (inHole === INSIDE) {
				result = OUTSIDE;
				break;
			}
		}
		if (result === INSIDE) return INSIDE;
	}
	return result;
}

/** ST_Contains(polygons, point): strictly inside (a point on any ring, holes included, is not). */
export const containsPoint = (polygons: FlatPolygons, x: number, y: number) => pointLocation(polygons, x, y) === INSIDE;

/** ST_Intersects(polygons, point): inside or on a ring. */
export const intersectsPoint = (polygons: FlatPolygons, x: number, y: number) => pointLocation(polygons, x, y) !== OUTSIDE;

export interface Shaped {
	polygons: FlatPolygons | null;
}

/** Items with a boundary (at least a triangle), their boxes in one Flatbush. */
export class PolygonIndex<T extends Shaped> {
	readonly items: T[];
	readonly index: Flatbush | null;
	constructor(all: T[]) {
		this.items = all.filter((item) => item.polygons?.some((rings) => (rings[0]?.length ?? 0) >= 6));
		this.index = this.items.length ? new Flatbush(this.items.length) : null;
		if (!this.index) return;
		for (const item of this.items) {
			let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity; // prettier-ignore
			for (const rings of item.polygons!)
				for (let k = 0, ring = rings[0] ?? []; k < ring.length; k += 2) {
					if (ring[k] < minX) minX = ring[k];
					if (ring[k] > maxX) maxX = ring[k];
					if (ring[k + 1] < minY) minY = ring[k + 1];
					if (ring[k + 1] > maxY) maxY = ring[k + 1];
				}
			this.index.add(minX, minY, maxX, maxY);
		}
		this.index.finish();
	}

	/**
	 * The lowest code among the items holding (x, y) that pass `accept` (ORDER BY code LIMIT 1): held
	 * strictly inside (ST_Contains) or, with `boundary`, on the boundary too (ST_Intersects).
	 */
	lowest(codeOf: (item: T) => string, x: number, y: number, accept: (item: T) => boolean = () => true, boundary = false): T | null {
		if (!this.index) return null;
		const holds = boundary ? intersectsPoint : containsPoint;
		let best: T | null = null;
		for (const i of this.index.search(x, y, x, y)) {
			const item = this.items[i];
			if (best && codeOf(item) >= codeOf(best)) continue;
			if (accept(item) && holds(item.polygons!, x, y)) best = item;
		}
		return best;
	}
}

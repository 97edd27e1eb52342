// Where a point lies against polygons, as PostGIS decides it for a point and a polygon (point_in_ring:
// a winding number, and a point whose side determinant is exactly zero within the edge's box is on
// the boundary; no tolerance), so a lookup in memory gives what ST_Contains / ST_Intersects give in
// the database. Polygons are flat rings (x0, y0, x1, y1, …) grouped per polygon: exterior, then holes.
import Flatbush from 'flatbush';

export type FlatPolygons = ArrayLike<number>[][];

export const OUTSIDE = -1;
export const BOUNDARY = 0;
export const INSIDE = 1;

function ringLocate(ring: ArrayLike<number>, x: number, y: number, start = 0, end = ring.length): number {
	let wn = 0;
	// Rings may arrive closed (WKB) or open: the closing edge of a closed ring has zero length.
	for (let i = start, j = end - 2; i < end; j = i, i += 2) {
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

/** Rings as PostGIS walks them: the rings of polygon p are [polygonStart(p), polygonStart(p + 1)), outer first. */
interface Rings {
	polygonStart(p: number): number;
	locateRing(r: number, x: number, y: number): number;
}

/** PostGIS's point_in_multipolygon over polygons [from, to): on any ring is BOUNDARY, in a hole OUTSIDE. */
function locateInPolygons(rings: Rings, from: number, to: number, x: number, y: number): number {
	let result = OUTSIDE;
	for (let p = from; p < to; p++) {
		const first = rings.polygonStart(p),
			end = rings.polygonStart(p + 1);
		if (first === end) continue;
		const outer = rings.locateRing(first, x, y);
		if (outer === OUTSIDE) continue;
		if (outer === BOUNDARY) return BOUNDARY;
		result = INSIDE;
		for (let h = first + 1; h < end; h++) {
			const inHole = rings.locateRing(h, x, y);
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

/** FlatPolygons seen as Rings. */
class FlatRings implements Rings {
	private readonly starts: number[] = [0];
	private readonly all: ArrayLike<number>[] = [];
	constructor(polygons: FlatPolygons) {
		for (const rings of polygons) {
			this.all.push(...rings);
			this.starts.push(this.all.length);
		}
	}
	polygonStart(p: number) {
		return this.starts[p];
	}
	locateRing(r: number, x: number, y: number) {
		return ringLocate(this.all[r], x, y);
	}
}

/** INSIDE, BOUNDARY (on any ring, holes included) or OUTSIDE (a hole is outside). */
export function pointLocation(polygons: FlatPolygons, x: number, y: number): number {
	return locateInPolygons(new FlatRings(polygons), 0, polygons.length, x, y);
}

/** ST_Contains(polygons, point): strictly inside (a point on any ring, holes included, is not). */
export const containsPoint = (polygons: FlatPolygons, x: number, y: number) => pointLocation(polygons, x, y) === INSIDE;

/** ST_Intersects(polygons, point): inside or on a ring. */
export const intersectsPoint = (polygons: FlatPolygons, x: number, y: number) => pointLocation(polygons, x, y) !== OUTSIDE;

export interface Shaped {
	polygons: FlatPolygons | null;
}

/** Doubles per block of packed coordinates (8 MB): a city's boundaries in a few blocks, none copied to grow. */
const BLOCK = 1 << 20;

/**
 * Items with a boundary (at least a triangle), their boxes in one Flatbush and their rings packed
 * into a few large typed arrays: a city of 165,000 grids holds its boundaries in about the bytes of
 * their coordinates, not in an array per ring. Items are kept without their polygons.
 */
export class PolygonIndex<T extends object> implements Rings {
	readonly items: T[] = [];
	index: Flatbush | null = null;
	private readonly blocks: Float64Array[] = [];
	private used = BLOCK;
	/** Per ring: its block and [start, end) in it. Per polygon: its first ring; per item: its first polygon (each with an end sentinel). */
	private readonly ringBlock: number[] = [];
	private readonly ringStart: number[] = [];
	private readonly ringEnd: number[] = [];
	private readonly polygonRing: number[] = [0];
	private readonly itemPolygon: number[] = [0];
	private readonly boxes: number[] = [];

	/** From items that carry their polygons (`polygons`, dropped from the item kept). */
	constructor(all: (T & Shaped)[] = []) {
		for (const item of all) {
			const { polygons, ...meta } = item;
			this.add(meta as T, polygons);
		}
		if (all.length) this.finish();
	}

	/** One item and its polygons (ignored without a ring of at least three points). Then finish(). */
	add(item: T, polygons: FlatPolygons | null): void {
		if (!polygons?.some((rings) => (rings[0]?.length ?? 0) >= 6)) return;
		let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity; // prettier-ignore
		for (const rings of polygons) {
			if (!rings.length) continue;
			const outer = rings[0];
			for (let k = 0; k < outer.length; k += 2) {
				if (outer[k] < minX) minX = outer[k];
				if (outer[k] > maxX) maxX = outer[k];
				if (outer[k + 1] < minY) minY = outer[k + 1];
				if (outer[k + 1] > maxY) maxY = outer[k + 1];
			}
			for (const ring of rings) this.addRing(ring);
			this.polygonRing.push(this.ringStart.length);
		}
		this.itemPolygon.push(this.polygonRing.length - 1);
		this.items.push(item);
		this.boxes.push(minX, minY, maxX, maxY);
	}

	private addRing(ring: ArrayLike<number>) {
		if (this.used + ring.length > BLOCK) {
			this.blocks.push(new Float64Array(Math.max(BLOCK, ring.length)));
			this.used = 0;
		}
		const block = this.blocks[this.blocks.length - 1];
		for (let k = 0; k < ring.length; k++) block[this.used + k] = ring[k];
		this.ringBlock.push(this.blocks.length - 1);
		this.ringStart.push(this.used);
		this.used += ring.length;
		this.ringEnd.push(this.used);
	}

	/** After the last add: builds the spatial index. */
	finish(): this {
		this.index = this.items.length ? new Flatbush(this.items.length) : null;
		for (let i = 0; i < this.items.length; i++) this.index!.add(this.boxes[4 * i], this.boxes[4 * i + 1], this.boxes[4 * i + 2], this.boxes[4 * i + 3]);
		this.index?.finish();
		this.boxes.length = 0;
		return this;
	}

	/** Where (x, y) lies against item i's polygons: INSIDE, BOUNDARY or OUTSIDE (as pointLocation). */
	locate(i: number, x: number, y: number): number {
		return locateInPolygons(this, this.itemPolygon[i], this.itemPolygon[i + 1], x, y);
	}

	polygonStart(p: number): number {
		return this.polygonRing[p];
	}

	locateRing(r: number, x: number, y: number): number {
		return ringLocate(this.blocks[this.ringBlock[r]], x, y, this.ringStart[r], this.ringEnd[r]);
	}

	/**
	 * The lowest code among the items holding (x, y) that pass `accept` (ORDER BY code LIMIT 1): held
	 * strictly inside (ST_Contains) or, with `boundary`, on the boundary too (ST_Intersects).
	 */
	lowest(codeOf: (item: T) => string, x: number, y: number, accept: (item: T) => boolean = () => true, boundary = false): T | null {
		if (!this.index) return null;
		let best: T | null = null;
		for (const i of this.index.search(x, y, x, y)) {
			const item = this.items[i];
			if (best && codeOf(item) >= codeOf(best)) continue;
			if (!accept(item)) continue;
			const at = this.locate(i, x, y);
			if (at === INSIDE || (boundary && at === BOUNDARY)) best = item;
		}
		return best;
	}
}

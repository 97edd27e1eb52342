// Attribution of a case to its grid, community and subdistrict, in memory: the same rule as the SQL
// in src/lib/server/cases/index.ts (ATTRIBUTED_ROWS) and the same point-in-polygon test as PostGIS's
// ST_Contains(polygon, point), so an ingest batch need not run three spatial lookups per row in the
// database. The rule:
//   grid      = the grid version valid at the reported time that contains the point (a grid that still
//               exists; lowest code first), else the current grid containing it;
//   community = the community containing the point, else the community of that grid;
//   subdistrict = that community's subdistrict, else (no community) the subdistrict containing it.
// Polygons are flat rings (x0, y0, x1, y1, …) grouped per polygon: exterior first, then holes.
import Flatbush from 'flatbush';

export type FlatPolygons = number[][][];

export interface GridVersion {
	grid: string;
	community: string;
	/** Valid from / to, microseconds since the epoch; null = −infinity / still valid. */
	from: number | null;
	to: number | null;
	polygons: FlatPolygons;
}

export interface AttributionSource {
	/** grid_history: every version of every grid. */
	versions: GridVersion[];
	/** The current grids. */
	grids: { code: string; community: string; polygons: FlatPolygons }[];
	/** Every community; polygons null when it has no boundary yet. */
	communities: { code: string; subdistrict: string; polygons: FlatPolygons | null }[];
	subdistricts: { code: string; polygons: FlatPolygons | null }[];
}

export interface Attribution {
	grid: string | null;
	community: string | null;
	subdistrict: string | null;
}

const OUTSIDE = -1;
const BOUNDARY = 0;
const INSIDE = 1;

/**
 * Where a point lies against one closed ring, as PostGIS point_in_ring decides it: winding number; a
 * point whose side determinant is exactly zero and inside the segment's box is on the boundary (no
 * tolerance: a point 1e-14° inside an edge is inside).
 */
function ringLocate(ring: number[], x: number, y: number): number {
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

/** ST_Contains(polygons, point): strictly inside (a point on any ring, holes included, is not). */
export function containsPoint(polygons: FlatPolygons, x: number, y: number): boolean {
	let result = OUTSIDE;
	for (const rings of polygons) {
		if (!rings.length) continue;
		const outer = ringLocate(rings[0], x, y);
		if (outer === OUTSIDE) continue;
		if (outer === BOUNDARY) return false;
		result = INSIDE;
		for (let h = 1; h < rings.length; h++) {
			const inHole = ringLocate(rings[h], x, y);
			if (inHole === BOUNDARY) return false;
			if (inHole === INSIDE) {
				result = OUTSIDE;
				break;
			}
		}
		if (result === INSIDE) return true;
	}
	return false;
}

/** A timestamp (ISO 8601, as the case parser normalises it) in whole microseconds, as PostgreSQL keeps it. */
export function timestampMicros(iso: string): number {
	const fraction = /(\d{2}:\d{2}:\d{2})\.(\d+)/.exec(iso);
	if (!fraction) return Date.parse(iso) * 1000;
	const whole = Date.parse(iso.replace(`.${fraction[2]}`, ''));
	return whole * 1000 + Math.round(Number(`0.${fraction[2]}`) * 1e6);
}

interface Located {
	polygons: FlatPolygons | null;
}

/** The items that have a boundary, and their boxes in one Flatbush. */
class Shapes<T extends Located> {
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

	/** The lowest code among the items containing (x, y) that pass `accept` (ORDER BY code LIMIT 1). */
	lowest(codeOf: (item: T) => string, x: number, y: number, accept: (item: T) => boolean = () => true): T | null {
		if (!this.index) return null;
		let best: T | null = null;
		for (const i of this.index.search(x, y, x, y)) {
			const item = this.items[i];
			if (best && codeOf(item) >= codeOf(best)) continue;
			if (accept(item) && containsPoint(item.polygons!, x, y)) best = item;
		}
		return best;
	}
}

export class Attributor {
	private readonly versions: Shapes<GridVersion>;
	private readonly grids: Shapes<AttributionSource['grids'][number]>;
	private readonly communities: Shapes<AttributionSource['communities'][number]>;
	private readonly subdistricts: Shapes<AttributionSource['subdistricts'][number]>;
	private readonly gridCodes: Set<string>;
	private readonly subdistrictOf: Map<string, string>;

	constructor(source: AttributionSource) {
		this.versions = new Shapes(source.versions);
		this.grids = new Shapes(source.grids);
		this.communities = new Shapes(source.communities);
		this.subdistricts = new Shapes(source.subdistricts);
		this.gridCodes = new Set(source.grids.map((g) => g.code));
		this.subdistrictOf = new Map(source.communities.map((c) => [c.code, c.subdistrict]));
	}

	/** The units of a case at (lon, lat) reported at `atMicros` (see timestampMicros). */
	locate(lon: number, lat: number, atMicros: number): Attribution {
		const version = this.versions.lowest(
			(v) => v.grid,
			lon,
			lat,
			(v) => (v.from === null || v.from <= atMicros) && (v.to === null || v.to > atMicros) && this.gridCodes.has(v.grid)
		);
		const current = version ? null : this.grids.lowest((g) => g.code, lon, lat);
		const community = this.communities.lowest((c) => c.code, lon, lat);
		const communityCode = community?.code ?? version?.community ?? current?.community ?? null;
		const subdistrict =
			communityCode !== null ? (this.subdistrictOf.get(communityCode) ?? null) : (this.subdistricts.lowest((s) => s.code, lon, lat)?.code ?? null);
		return { grid: version?.grid ?? current?.code ?? null, community: communityCode, subdistrict };
	}
}

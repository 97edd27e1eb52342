// Attribution of a case to its grid, community and subdistrict, in memory: the same rule as the SQL
// in src/lib/server/cases/index.ts (ATTRIBUTED_ROWS) and the same point-in-polygon test as PostGIS's
// ST_Contains(polygon, point) (placement/point-location), so an ingest batch need not run three
// spatial lookups per row in the database. The rule:
//   grid      = the grid version valid at the reported time that contains the point (a grid that still
//               exists; lowest code first), else the current grid containing it;
//   community = the community containing the point, else the community of that grid;
//   subdistrict = that community's subdistrict, else (no community) the subdistrict containing it.
// Polygons are flat rings (x0, y0, x1, y1, …) grouped per polygon: exterior first, then holes.
import { Placer } from '../placement';
import { PolygonIndex, type FlatPolygons } from '../placement/point-location';

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

/** A timestamp (ISO 8601, as the case parser normalises it) in whole microseconds, as PostgreSQL keeps it. */
export function timestampMicros(iso: string): number {
	const fraction = /(\d{2}:\d{2}:\d{2})\.(\d+)/.exec(iso);
	if (!fraction) return Date.parse(iso) * 1000;
	const whole = Date.parse(iso.replace(`.${fraction[2]}`, ''));
	return whole * 1000 + Math.round(Number(`0.${fraction[2]}`) * 1e6);
}

export class Attributor {
	private readonly versions: PolygonIndex<GridVersion>;
	private readonly grids: PolygonIndex<AttributionSource['grids'][number]>;
	private readonly communities: PolygonIndex<AttributionSource['communities'][number]>;
	private readonly subdistricts: PolygonIndex<AttributionSource['subdistricts'][number]>;
	private readonly gridCodes: Set<string>;
	private readonly subdistrictOf: Map<string, string>;
	/** Buildings placed in the same boundaries (geo/placement). */
	readonly placer: Placer;

	constructor(source: AttributionSource) {
		this.versions = new PolygonIndex(source.versions);
		this.grids = new PolygonIndex(source.grids);
		this.communities = new PolygonIndex(source.communities);
		this.subdistricts = new PolygonIndex(source.subdistricts);
		this.gridCodes = new Set(source.grids.map((g) => g.code));
		this.subdistrictOf = new Map(source.communities.map((c) => [c.code, c.subdistrict]));
		this.placer = new Placer(this.communities, this.grids);
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

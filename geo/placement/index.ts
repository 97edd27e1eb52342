// Where a building belongs, in memory: the community and the grid holding its interior point, by
// the rule of the SQL in src/lib/server/layers/hierarchy.ts (communityHoldingPoint, gridHoldingPoint),
// with PostGIS's point-in-polygon decisions (./point-location) and GEOS's interior point
// (./interior-point), so an import places a million buildings without a spatial lookup each in the
// database and puts every one where the SQL would.
import { PolygonIndex, type FlatPolygons } from './point-location';

export { interiorPoint } from './interior-point';
export { PolygonIndex, containsPoint, intersectsPoint, pointLocation, type FlatPolygons } from './point-location';

export interface Unit {
	code: string;
	polygons: FlatPolygons | null;
}

type Coded = { code: string };

export class Placer {
	private readonly communities: PolygonIndex<Coded>;
	private readonly grids: PolygonIndex<Coded>;

	/** From the units, or from indexes already built over them (geo/cases/attribution shares its own). */
	constructor(communities: Unit[] | PolygonIndex<Coded>, grids: Unit[] | PolygonIndex<Coded>) {
		this.communities = communities instanceof PolygonIndex ? communities : new PolygonIndex(communities);
		this.grids = grids instanceof PolygonIndex ? grids : new PolygonIndex(grids);
	}

	/** The community and grid holding (x, y), boundary included (ST_Intersects); the lowest code where they overlap. */
	holding(x: number, y: number): { community: string | null; grid: string | null } {
		const all = () => true;
		return {
			community: this.communities.lowest((c) => c.code, x, y, all, true)?.code ?? null,
			grid: this.grids.lowest((g) => g.code, x, y, all, true)?.code ?? null
		};
	}
}

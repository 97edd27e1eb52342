// Where a building belongs, in memory: the community and the grid holding its interior point, by
// the rule of the SQL in src/lib/server/layers/hierarchy.ts (communityHoldingPoint, gridHoldingPoint),
// with PostGIS's point-in-polygon decisions (./point-location) and GEOS's interior point
// (./interior-point), so an import places a million buildings without a spatial lookup each in the
// database and puts every one where the SQL would.
import type { PolygonIndex } from './point-location';

export { interiorPoint } from './interior-point';
export { PolygonIndex, containsPoint, intersectsPoint, pointLocation, type FlatPolygons } from './point-location';

type Coded = { code: string };
const codeOf = (unit: Coded) => unit.code;
const every = () => true;

export class Placer {
	/** Over indexes of the communities and the grids (geo/cases/attribution shares its own). */
	constructor(
		private readonly communities: PolygonIndex<Coded>,
		private readonly grids: PolygonIndex<Coded>
	) {}

	/** The community and grid holding (x, y), boundary included (ST_Intersects); the lowest code where they overlap. */
	holding(x: number, y: number): { community: string | null; grid: string | null } {
		return {
			community: this.communities.lowest(codeOf, x, y, every, true)?.code ?? null,
			grid: this.grids.lowest(codeOf, x, y, every, true)?.code ?? null
		};
	}
}

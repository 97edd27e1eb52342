// Walking-network distances for coverage rules with the walk metric: buildings and facilities are
// snapped to the walk graph once per graph, then one multi-source search per category.
// Polygon facilities (parks) are entered from every vertex of their boundary, so the walk ends at
// the boundary, not the centroid.
import type { BuildingSet, CoverageFacility } from '$geo/coverage';
import { facilityEntrances, MAX_SNAP_M, snapBuildings } from '$geo/coverage/walk';
import { snapPoints, type SnapResult, type WalkGraph } from '$geo/network/graph';
import { facilityCatchment, isochroneFromSources, IsochroneError } from '$geo/isochrone';
import { WALK_SPEED_M_PER_MIN } from '$geo/network/speed';
import type { Db } from '../db';
import { getWalkGraph, ISOCHRONE_MAX_MINUTES, ISOCHRONE_MAX_SNAP_M } from '../map/walk-network';

export { MAX_SNAP_M };

let snapped: { graph: WalkGraph; buildings: BuildingSet; snap: SnapResult } | null = null;

function buildingSnap(graph: WalkGraph, buildings: BuildingSet): SnapResult {
	if (!snapped || snapped.graph !== graph || snapped.buildings !== buildings) snapped = { graph, buildings, snap: snapBuildings(graph, buildings) };
	return snapped.snap;
}

/**
 * The walking catchment of a set of facilities: everywhere within reachM on foot of any of them
 * (one multi-source search, the reached edges buffered). Null without a network or a reachable facility.
 */
export async function walkCatchment(db: Db, facilities: CoverageFacility[], reachM: number): Promise<GeoJSON.FeatureCollection | null> {
	const graph = await getWalkGraph(db);
	if (graph.edgeCount === 0 || facilities.length === 0) return null;
	const entrances = facilityEntrances(facilities);
	const sources = snapPoints(graph, entrances.lon, entrances.lat, MAX_SNAP_M);
	if (sources.unsnapped.length === entrances.lon.length) return null;
	const speed = WALK_SPEED_M_PER_MIN; // cancels out: the catchment is reachM whatever the speed
	return isochroneFromSources(graph, sources, { minutes: [reachM / speed], speedMPerMin: speed, maxMinutes: Math.ceil(reachM / speed) + 1 });
}

export interface FacilityServed {
	facility: string;
	minutes: number;
	speedMPerMin: number;
	/** The walking area (its isochrone), with area_m2 and walkable_ratio in its properties. */
	area: GeoJSON.Feature;
	buildings: number;
	households: number;
}

/** What one facility serves within N minutes' walk: its isochrone, and the buildings and households it reaches. */
export async function facilityServes(db: Db, buildings: BuildingSet, facilityId: string, minutes: number, speedMPerMin: number): Promise<FacilityServed> {
	const [row] = await db.query<{ lon: number; lat: number }>(
		'SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM facilities WHERE source_id = $1) x',
		[facilityId]
	);
	if (!row) throw new IsochroneError('bad_point', `未找到设施 ${facilityId} / no facility ${facilityId}`);
	const graph = await getWalkGraph(db);
	const snap = graph.edgeCount > 0 ? buildingSnap(graph, buildings) : snapPoints(graph, [], [], MAX_SNAP_M);
	const c = facilityCatchment(graph.edgeCount > 0 ? graph : null, row.lon, row.lat, snap, {
		minutes,
		speedMPerMin,
		maxMinutes: ISOCHRONE_MAX_MINUTES,
		maxSnapM: ISOCHRONE_MAX_SNAP_M
	});
	let households = 0;
	for (const i of c.targets) households += buildings.households[i] > 0 ? buildings.households[i] : 0;
	return { facility: facilityId, minutes, speedMPerMin, area: c.feature, buildings: c.targets.length, households };
}

// Walking-network distances for coverage rules with the walk metric: buildings and facilities are
// snapped to the walk graph once per graph, then one multi-source search per category.
// Polygon facilities (parks) are entered from every vertex of their boundary, so the walk ends at
// the boundary, not the centroid.
import type { Position } from 'geojson';
import type { BuildingSet, CoverageFacility } from '../../../geo/coverage';
import { networkNearest, snapPoints, type SnapResult, type WalkGraph } from '../../../geo/network/graph';
import { facilityCatchment, isochroneFromSources, IsochroneError } from '../../../geo/isochrone';
import { WALK_SPEED_M_PER_MIN } from '../../../geo/network/speed';
import type { Db } from './db';
import { getWalkGraph, ISOCHRONE_MAX_MINUTES, ISOCHRONE_MAX_SNAP_M } from './network';

/** Farther than this from any walkable way, a building or facility is reported, not attached. */
export const MAX_SNAP_M = 250;

let snapped: { graph: WalkGraph; buildings: BuildingSet; snap: SnapResult } | null = null;

function facilityEntrances(facilities: CoverageFacility[]): { lon: number[]; lat: number[]; owner: number[] } {
	// owner: which facility an entrance belongs to (the search reports the nearest entrance).
	const lon: number[] = [];
	const lat: number[] = [];
	const owner: number[] = [];
	const add = (p: Position, f: number) => {
		lon.push(p[0]);
		lat.push(p[1]);
		owner.push(f);
	};
	facilities.forEach((f, i) => {
		const g = f.geometry;
		if (g.type === 'Point') add(g.coordinates, i);
		else if (g.type === 'MultiPoint') g.coordinates.forEach((p) => add(p, i));
		else if (g.type === 'Polygon') g.coordinates[0].forEach((p) => add(p, i));
		else if (g.type === 'MultiPolygon') g.coordinates.forEach((poly) => poly[0].forEach((p) => add(p, i)));
		else if (g.type === 'LineString') g.coordinates.forEach((p) => add(p, i));
	});
	return { lon, lat, owner };
}

export interface WalkNearest {
	distanceM: Float64Array;
	nearest: Int32Array;
	unsnappedBuildings: number;
}

/** Null when no walk network has been built (no walkable roads imported). */
export async function walkNearestDistances(
	db: Db,
	buildings: BuildingSet,
	facilities: CoverageFacility[],
	maxM: number
): Promise<WalkNearest | null> {
	const graph = await getWalkGraph(db);
	if (graph.edgeCount === 0) return null;
	if (!snapped || snapped.graph !== graph || snapped.buildings !== buildings) {
		snapped = { graph, buildings, snap: snapPoints(graph, buildings.lon, buildings.lat, MAX_SNAP_M) };
	}
	const entrances = facilityEntrances(facilities);
	const sources = snapPoints(graph, entrances.lon, entrances.lat, MAX_SNAP_M);
	const { distanceM, source } = networkNearest(graph, sources, snapped.snap, maxM);
	const nearest = source.map((s) => (s >= 0 ? entrances.owner[s] : -1));
	return { distanceM, nearest, unsnappedBuildings: snapped.snap.unsnapped.length };
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
	if (graph.edgeCount > 0 && (!snapped || snapped.graph !== graph || snapped.buildings !== buildings)) {
		snapped = { graph, buildings, snap: snapPoints(graph, buildings.lon, buildings.lat, MAX_SNAP_M) };
	}
	const c = facilityCatchment(graph.edgeCount > 0 ? graph : null, row.lon, row.lat, snapped?.snap ?? snapPoints(graph, [], [], MAX_SNAP_M), {
		minutes,
		speedMPerMin,
		maxMinutes: ISOCHRONE_MAX_MINUTES,
		maxSnapM: ISOCHRONE_MAX_SNAP_M
	});
	let households = 0;
	for (const i of c.targets) households += buildings.households[i] > 0 ? buildings.households[i] : 0;
	return { facility: facilityId, minutes, speedMPerMin, area: c.feature, buildings: c.targets.length, households };
}

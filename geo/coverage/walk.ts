// Walking distance from every building to the nearest facility of a set, on the walk graph:
// buildings and facility entrances snapped to the network, then one multi-source search.
// Polygon facilities (parks) are entered from every vertex of their boundary, so the walk ends at
// the boundary, not the centroid.
import type { Position } from 'geojson';
import type { BuildingSet, CoverageFacility } from './types';
import { networkNearest, snapPoints, type SnapResult, type WalkGraph } from '../network/graph';

/** Farther than this from any walkable way, a building or facility is reported, not attached. */
export const MAX_SNAP_M = 250;

/** Entrance points of facilities; owner[k] is the facility entrance k belongs to. */
export function facilityEntrances(facilities: CoverageFacility[]): { lon: number[]; lat: number[]; owner: number[] } {
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
	/** Index into the facilities of the nearest one, -1 where none is within reach. */
	nearest: Int32Array;
	unsnappedBuildings: number;
}

/** The buildings snapped to the graph (reusable across searches with the same graph and buildings). */
export function snapBuildings(graph: WalkGraph, buildings: Pick<BuildingSet, 'lon' | 'lat'>): SnapResult {
	return snapPoints(graph, buildings.lon, buildings.lat, MAX_SNAP_M);
}

/** Nearest facility on foot from every building, within maxM (Infinity beyond). */
export function walkNearest(graph: WalkGraph, buildingSnap: SnapResult, facilities: CoverageFacility[], maxM: number): WalkNearest {
	const entrances = facilityEntrances(facilities);
	const sources = snapPoints(graph, entrances.lon, entrances.lat, MAX_SNAP_M);
	const { distanceM, source } = networkNearest(graph, sources, buildingSnap, maxM);
	const nearest = source.map((s) => (s >= 0 ? entrances.owner[s] : -1));
	return { distanceM, nearest, unsnappedBuildings: buildingSnap.unsnapped.length };
}

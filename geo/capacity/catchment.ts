// Which buildings each facility reaches: in a straight line (WGS-84 ellipsoid, to the facility's
// geometry — a park from its boundary, as coverage measures it) or on foot over the walk graph (the
// facility's entrances as in geo/coverage/walk, one search bounded by the reach per facility).
// Buildings are found by a KDBush box around the facility first: a walk is never shorter than the
// straight line, so the box holds every building the walk can reach.
import KDBush from 'kdbush';
import type { Geometry } from 'geojson';
import type { BuildingSet, CoverageFacility } from '../coverage/types';
import { distanceToGeometry } from '../coverage/facility-parts';
import { facilityEntrances, MAX_SNAP_M } from '../coverage/walk';
import { networkNearestDistances, snapPoints, type SnapResult, type WalkGraph } from '../network/graph';
import { rulerAt } from '../measure/ruler';
import type { Catchments } from './types';

type Points = Pick<BuildingSet, 'lon' | 'lat'>;

function geometryBox(g: Geometry, box = [Infinity, Infinity, -Infinity, -Infinity]): number[] {
	const visit = (c: unknown): void => {
		if (typeof (c as number[])[0] === 'number') {
			const [x, y] = c as number[];
			if (x < box[0]) box[0] = x;
			if (y < box[1]) box[1] = y;
			if (x > box[2]) box[2] = x;
			if (y > box[3]) box[3] = y;
		} else (c as unknown[]).forEach(visit);
	};
	if (g.type === 'GeometryCollection') g.geometries.forEach((h) => geometryBox(h, box));
	else visit(g.coordinates);
	return box;
}

interface PointIndex {
	kd: KDBush;
	/** KDBush item → building index (buildings with finite coordinates only) */
	ids: Int32Array;
}

function pointIndex(points: Points): PointIndex | null {
	let n = 0;
	for (let i = 0; i < points.lon.length; i++) if (Number.isFinite(points.lon[i]) && Number.isFinite(points.lat[i])) n++;
	if (n === 0) return null;
	const kd = new KDBush(n);
	const ids = new Int32Array(n);
	let k = 0;
	for (let i = 0; i < points.lon.length; i++) {
		if (!(Number.isFinite(points.lon[i]) && Number.isFinite(points.lat[i]))) continue;
		kd.add(points.lon[i], points.lat[i]);
		ids[k++] = i;
	}
	kd.finish();
	return { kd, ids };
}

/** Buildings whose point lies in the facility's box grown by reachM (plus 1 % and 1 m of margin). */
function candidates(index: PointIndex | null, g: Geometry, reachM: number): number[] {
	if (!index) return [];
	const [w, s, e, n] = geometryBox(g);
	if (!Number.isFinite(w)) return [];
	const lat = Math.max(Math.abs(s), Math.abs(n));
	const { kx, ky } = rulerAt(Math.min(lat + 0.1, 89));
	const m = reachM * 1.01 + 1;
	const { kd, ids } = index;
	return kd.range(w - m / kx, s - m / ky, e + m / kx, n + m / ky).map((k) => ids[k]);
}

function collect(rows: { building: number; d: number }[][]): Catchments {
	const start = new Int32Array(rows.length + 1);
	rows.forEach((r, f) => (start[f + 1] = start[f] + r.length));
	const building = new Int32Array(start[rows.length]);
	const distanceM = new Float64Array(start[rows.length]);
	rows.forEach((r, f) => {
		r.sort((a, b) => a.building - b.building);
		r.forEach((x, k) => {
			building[start[f] + k] = x.building;
			distanceM[start[f] + k] = x.d;
		});
	});
	return { start, building, distanceM };
}

/** Buildings within reachM of each facility in a straight line. */
export function straightCatchments(buildings: Points, facilities: CoverageFacility[], reachM: number): Catchments {
	const kd = pointIndex(buildings);
	return collect(
		facilities.map((f) => {
			const out: { building: number; d: number }[] = [];
			for (const i of candidates(kd, f.geometry, reachM)) {
				const d = distanceToGeometry(buildings.lon[i], buildings.lat[i], f.geometry);
				if (d <= reachM) out.push({ building: i, d });
			}
			return out;
		})
	);
}

/**
 * Buildings within reachM of each facility on foot: buildingSnap is the buildings snapped to the graph
 * (geo/coverage/walk snapBuildings); an unsnapped building or facility reaches nothing.
 */
export function walkCatchments(graph: WalkGraph, buildingSnap: SnapResult, buildings: Points, facilities: CoverageFacility[], reachM: number): Catchments {
	const kd = pointIndex(buildings);
	return collect(
		facilities.map((f) => {
			const near = candidates(kd, f.geometry, reachM).filter((i) => buildingSnap.edge[i] >= 0);
			if (near.length === 0) return [];
			const entrances = facilityEntrances([f]);
			const sources = snapPoints(graph, entrances.lon, entrances.lat, MAX_SNAP_M);
			const targets: SnapResult = {
				edge: Int32Array.from(near, (i) => buildingSnap.edge[i]),
				t: Float64Array.from(near, (i) => buildingSnap.t[i]),
				offsetM: Float64Array.from(near, (i) => buildingSnap.offsetM[i]),
				unsnapped: []
			};
			const d = networkNearestDistances(graph, sources, targets, reachM);
			const out: { building: number; d: number }[] = [];
			near.forEach((i, k) => {
				if (d[k] <= reachM) out.push({ building: i, d: d[k] });
			});
			return out;
		})
	);
}

// The buildings each facility reaches on foot, found from the search itself rather than from a box of
// candidates: the buildings are listed once per edge they attach to (with their walk to either end),
// and after a facility's bounded search every edge at a reached node is read — no KDBush box, no
// per-facility target list, no objects per pair. The same distances as catchment.ts walkCatchments
// (checked by the access bench and the tests): through either end of a building's edge, or along the
// edge itself when an entrance attaches to it too.
import type { CoverageFacility } from '../coverage/types';
import { facilityEntrances, MAX_SNAP_M } from '../coverage/walk';
import { searchSpace, snapPoints, type SnapResult, type WalkGraph } from '../network/graph';
import type { Catchments } from './types';

/** Buildings by the edge they attach to (CSR over edges): made once per graph and building snap. */
export interface EdgeBuildings {
	start: Uint32Array;
	building: Int32Array;
	/** walk from the building to the edge's from / to node (snap offset included) */
	da: Float64Array;
	db: Float64Array;
}

export function edgeBuildings(g: WalkGraph, snap: SnapResult): EdgeBuildings {
	const start = new Uint32Array(g.edgeCount + 1);
	for (let i = 0; i < snap.edge.length; i++) if (snap.edge[i] >= 0) start[snap.edge[i] + 1]++;
	for (let e = 0; e < g.edgeCount; e++) start[e + 1] += start[e];
	const n = start[g.edgeCount];
	const building = new Int32Array(n);
	const da = new Float64Array(n);
	const db = new Float64Array(n);
	const next = start.slice(0, g.edgeCount);
	for (let i = 0; i < snap.edge.length; i++) {
		const e = snap.edge[i];
		if (e < 0) continue;
		const k = next[e]++;
		const L = g.edgeLength[e];
		building[k] = i;
		da[k] = snap.offsetM[i] + snap.t[i] * L;
		db[k] = snap.offsetM[i] + (1 - snap.t[i]) * L;
	}
	return { start, building, da, db };
}

/** Growable pair rows. */
class Rows {
	building = new Int32Array(1 << 16);
	distance = new Float64Array(1 << 16);
	size = 0;
	push(b: number, d: number) {
		if (this.size === this.building.length) {
			const nb = new Int32Array(this.size * 2);
			nb.set(this.building);
			this.building = nb;
			const nd = new Float64Array(this.size * 2);
			nd.set(this.distance);
			this.distance = nd;
		}
		this.building[this.size] = b;
		this.distance[this.size++] = d;
	}
}

/**
 * Buildings within reachM of each facility on foot (rows in the order the search finds them):
 * buildingSnap as geo/coverage/walk snapBuildings; an unsnapped building or facility reaches nothing.
 */
export function walkCatchmentsByEdge(
	g: WalkGraph,
	buildingSnap: SnapResult,
	facilities: CoverageFacility[],
	reachM: number,
	index: EdgeBuildings = edgeBuildings(g, buildingSnap)
): Catchments {
	const entrances = facilityEntrances(facilities);
	const sources = snapPoints(g, entrances.lon, entrances.lat, MAX_SNAP_M);
	// Entrances by facility (facilityEntrances lists them facility by facility).
	const first = new Int32Array(facilities.length + 1);
	for (const o of entrances.owner) first[o + 1]++;
	for (let f = 0; f < facilities.length; f++) first[f + 1] += first[f];
	const { edgeFrom, edgeTo, edgeLength, offsets, adjEdge } = g;
	const { start: eStart, building, da, db } = index;
	const rows = new Rows();
	const start = new Int32Array(facilities.length + 1);
	for (let f = 0; f < facilities.length; f++) {
		const ws = searchSpace(g);
		let any = false;
		for (let s = first[f]; s < first[f + 1]; s++) {
			const e = sources.edge[s];
			if (e < 0) continue;
			any = true;
			const L = edgeLength[e];
			const a = sources.offsetM[s] + sources.t[s] * L;
			const b = sources.offsetM[s] + (1 - sources.t[s]) * L;
			if (a <= reachM) ws.seed(edgeFrom[e], a, s);
			if (b <= reachM) ws.seed(edgeTo[e], b, s);
		}
		if (any) {
			ws.run(reachM);
			const dist = ws.dist;
			const mark = ws.edgeMark;
			const stamp = ws.nextEdgeStamp();
			// Edges holding an entrance first: their buildings may also be reached along the edge.
			for (let s = first[f]; s < first[f + 1]; s++) {
				const e = sources.edge[s];
				if (e < 0 || mark[e] === stamp) continue;
				mark[e] = stamp;
				const L = edgeLength[e];
				for (let k = eStart[e]; k < eStart[e + 1]; k++) {
					const i = building[k];
					let d = Math.min(dist[edgeFrom[e]] + da[k], dist[edgeTo[e]] + db[k]);
					for (let s2 = first[f]; s2 < first[f + 1]; s2++) {
						if (sources.edge[s2] !== e) continue;
						const direct = sources.offsetM[s2] + Math.abs(buildingSnap.t[i] - sources.t[s2]) * L + buildingSnap.offsetM[i];
						if (direct < d) d = direct;
					}
					if (d <= reachM) rows.push(i, d);
				}
			}
			const touched = ws.touched;
			for (let t = 0; t < ws.touchedCount; t++) {
				const u = touched[t];
				for (let a = offsets[u]; a < offsets[u + 1]; a++) {
					const e = adjEdge[a];
					if (mark[e] === stamp) continue;
					mark[e] = stamp;
					const from = dist[edgeFrom[e]];
					const to = dist[edgeTo[e]];
					for (let k = eStart[e]; k < eStart[e + 1]; k++) {
						const d = Math.min(from + da[k], to + db[k]);
						if (d <= reachM) rows.push(building[k], d);
					}
				}
			}
		}
		start[f + 1] = rows.size;
	}
	return { start, building: rows.building.slice(0, rows.size), distanceM: rows.distance.slice(0, rows.size) };
}

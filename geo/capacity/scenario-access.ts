// A network scenario's demand-weighted access (geo/network/scenario.ts), recomputed near its edits only
// and exactly: "two-hop E2SFCA". One hop is not enough (a facility's ratio moves with every building it
// serves, near the edits or not), two are:
//   1. A facility's catchment — the buildings it reaches and their walks — changes only when one of its
//      walks, or an attachment at either end, touches a changed way. Walks are symmetric, so its entrance
//      then lies within reach + 2 × the snap distance of a changed box, as the buildings of
//      scenarioReach do: those facilities (F*) are the only ones whose catchment, hence ratio, can move
//      (the demand is unchanged).
//   2. Only buildings in an old or new catchment of F* receive anything different:
//      A_i(new) = A_i(today) − Σ_F* R_f(old)·w(d_old) + Σ_F* R_f(new)·w(d_new).
// F*'s catchments are walked twice, on the network as it is and as edited, both cut to boxes round F*'s
// entrances grown by reach + 2 × the snap distance (every way their walks and the buildings'
// attachments can use), snapping only the buildings within reach + the snap distance of an entrance (a
// walk is never shorter than the straight line). Both steps are profileAccess's own (access.ts).
import type { CoverageFacility } from '../coverage/types';
import { facilityEntrances, MAX_SNAP_M, snapBuildings } from '../coverage/walk';
import type { WalkGraph } from '../network/graph';
import { edgesMeeting, inBoxes, scenarioChanges, scenarioGraph, scenarioReach, type ScenarioEdit } from '../network/scenario';
import { bandOf, expandBox } from '../measure/ruler';
import { addFacilityAccess, facilityRatio, profileWeights, type ProfileAccessInput } from './access';
import { walkCatchmentsByEdge } from './edge-catchment';
import type { Catchments } from './types';

/** Slack on the boxes for the metres measured three ways (ways' lengths, snap offsets, box growth). */
const MARGIN_M = 50;
/**
 * Today's access less F*'s old share, when it is below this fraction of today's, is the rounding of
 * today's own sum (the same terms added in another order), not another facility's share: 0.
 */
const RESIDUE = 1e-12;

export interface ScenarioAccessInput extends Omit<ProfileAccessInput, 'catchments'> {
	/** the walk graph as it is */
	graph: WalkGraph;
	edits: ScenarioEdit[];
	lon: Float64Array;
	lat: Float64Array;
	facilities: CoverageFacility[];
	/** per building: today's access, profileAccess of the same rule on the catchments of `graph` */
	access: Float64Array;
}

export interface ScenarioAccess {
	/** the buildings whose access is recomputed: those in an old or new catchment of F* */
	buildings: Int32Array;
	/** their access with the edits */
	access: Float64Array;
	/** facilities whose catchment can change (F*) */
	facilities: number;
	/** buildings snapped to the cut networks */
	snapped: number;
	/** ways of the cut edited network */
	edges: number;
}

const emptyBox = () => Float64Array.of(Infinity, Infinity, -Infinity, -Infinity);

export function scenarioAccess(input: ScenarioAccessInput): ScenarioAccess {
	const { graph: base, lon, lat, facilities, reachM } = input;
	const changes = scenarioChanges(base, input.edits);
	const reach = scenarioReach(changes, reachM, MAX_SNAP_M);
	const entrances = facilityEntrances(facilities);
	// F*, and the box of each one's entrances (every entrance: walks start from all of them)
	const own = new Map<number, Float64Array>();
	entrances.owner.forEach((f, k) => {
		if (inBoxes(reach.buildings, entrances.lon[k], entrances.lat[k])) own.set(f, emptyBox());
	});
	if (own.size === 0) return { buildings: new Int32Array(0), access: new Float64Array(0), facilities: 0, snapped: 0, edges: 0 };
	entrances.owner.forEach((f, k) => {
		const b = own.get(f);
		if (!b) return;
		b[0] = Math.min(b[0], entrances.lon[k]);
		b[1] = Math.min(b[1], entrances.lat[k]);
		b[2] = Math.max(b[2], entrances.lon[k]);
		b[3] = Math.max(b[3], entrances.lat[k]);
	});
	const changed = [...own.keys()].sort((a, b) => a - b);
	const band = bandOf(0, 0, { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 });
	const grown = (r: number) => changed.map((f) => own.get(f)!).map((b) => expandBox(b[0], b[1], b[2], b[3], r, new Float64Array(4), band));
	const local = buildingsIn(grown(reachM + MAX_SNAP_M + MARGIN_M), lon, lat);
	const region = grown(reachM + 2 * MAX_SNAP_M + MARGIN_M);

	// everything below on the local buildings (index j of local) and F* (index of changed)
	const sub = (a: Float64Array) => Float64Array.from(local, (i) => a[i]);
	const demand = sub(input.demand);
	const share = input.slowShare;
	const weights = profileWeights({ ...input, slowShare: share instanceof Float64Array ? sub(share) : share });
	const points = { lon: sub(lon), lat: sub(lat) };
	const from = changed.map((f) => facilities[f]);
	const capacity = Float64Array.from(changed, (f) => input.capacity[f]);
	const walk = (g: WalkGraph) => walkCatchmentsByEdge(g, snapBuildings(g, points), from, reachM);
	const touched = new Uint8Array(local.length);
	const shares = (c: Catchments) => {
		const out = new Float64Array(local.length);
		for (const j of c.building) touched[j] = 1;
		for (let f = 0; f < from.length; f++) {
			const ratio = facilityRatio(c, f, demand, capacity, weights);
			if (ratio > 0) addFacilityAccess(out, c, f, ratio, weights);
		}
		return out;
	};
	const ways = edgesMeeting(base, region);
	const was = shares(walk(scenarioGraph(base, scenarioChanges(base, []), ways)));
	const edited = scenarioGraph(base, changes, ways);
	const is = shares(walk(edited));

	const buildings: number[] = [];
	const access: number[] = [];
	for (let j = 0; j < local.length; j++) {
		if (!touched[j]) continue;
		const i = local[j];
		const today = input.access[i];
		const rest = today - was[j];
		buildings.push(i);
		access.push((rest > RESIDUE * today ? rest : 0) + is[j]);
	}
	return {
		buildings: Int32Array.from(buildings),
		access: Float64Array.from(access),
		facilities: changed.length,
		snapped: local.length,
		edges: edited.edgeCount
	};
}

/** The buildings inside any of the boxes, in index order. */
function buildingsIn(boxes: Float64Array[], lon: Float64Array, lat: Float64Array): Int32Array {
	const all = emptyBox();
	for (const b of boxes) {
		all[0] = Math.min(all[0], b[0]);
		all[1] = Math.min(all[1], b[1]);
		all[2] = Math.max(all[2], b[2]);
		all[3] = Math.max(all[3], b[3]);
	}
	const out: number[] = [];
	for (let i = 0; i < lon.length; i++) {
		const x = lon[i];
		const y = lat[i];
		if (x >= all[0] && x <= all[2] && y >= all[1] && y <= all[3] && inBoxes(boxes, x, y)) out.push(i);
	}
	return Int32Array.from(out);
}

/** Today's access with a scenario's recomputed buildings in place. */
export function withScenarioAccess(today: Float64Array, r: Pick<ScenarioAccess, 'buildings' | 'access'>): Float64Array {
	const out = today.slice();
	r.buildings.forEach((i, n) => (out[i] = r.access[n]));
	return out;
}

// A network scenario's walking distances, in a job worker: the edits applied to the shared walk graph
// (geo/network/scenario), then, for the buildings the edits can reach only, the nearest facility of each
// searched category on the edited network cut to the region those walks can use. Every other building
// keeps its distance (the locality argument of geo/network/scenario.ts).
import type { CoverageFacility } from '$geo/coverage';
import { facilityEntrances, MAX_SNAP_M, snapBuildings, walkNearest } from '$geo/coverage/walk';
import type { WalkGraph } from '$geo/network/graph';
import { inBoxes, scenarioChanges, scenarioGraph, scenarioReach, type EditOutcome, type ScenarioEdit } from '$geo/network/scenario';
import { keptGraph } from './kept-graph';
import type { TaskContext } from './tasks';

export interface ScenarioSearch {
	key: string;
	facilities: CoverageFacility[];
	maxM: number;
}

export interface ScenarioDistances {
	/** Indices of the buildings recomputed (the others walk as before). */
	buildings: Int32Array;
	/** Per search key: the distance of each recomputed building (Infinity beyond the search's maxM). */
	results: Record<string, Float64Array>;
	outcomes: EditOutcome[];
	/** Ways of the edited network the recompute used. */
	edges: number;
}

export function scenarioDistances(
	input: {
		lon: Float64Array;
		lat: Float64Array;
		graph: { graph: WalkGraph; id: number };
		edits: ScenarioEdit[];
		searches: ScenarioSearch[];
	},
	_ctx: TaskContext
): ScenarioDistances {
	const base = keptGraph(input.graph);
	const changes = scenarioChanges(base, input.edits);
	const maxM = Math.max(0, ...input.searches.map((s) => s.maxM));
	const reach = scenarioReach(changes, maxM, MAX_SNAP_M);
	const near: number[] = [];
	for (let i = 0; i < input.lon.length; i++) if (inBoxes(reach.buildings, input.lon[i], input.lat[i])) near.push(i);
	const results: Record<string, Float64Array> = {};
	if (near.length === 0) return { buildings: new Int32Array(0), results, outcomes: changes.outcomes, edges: 0 };
	const graph = scenarioGraph(base, changes, reach.network);
	const snap = snapBuildings(graph, { lon: Float64Array.from(near, (i) => input.lon[i]), lat: Float64Array.from(near, (i) => input.lat[i]) });
	for (const s of input.searches) {
		const entrances = facilityEntrances(s.facilities);
		const keep = new Set<number>();
		entrances.owner.forEach((f, k) => {
			if (inBoxes(reach.facilities, entrances.lon[k], entrances.lat[k])) keep.add(f);
		});
		results[s.key] = walkNearest(
			graph,
			snap,
			s.facilities.filter((_, f) => keep.has(f)),
			s.maxM
		).distanceM;
	}
	return { buildings: Int32Array.from(near), results, outcomes: changes.outcomes, edges: graph.edgeCount };
}

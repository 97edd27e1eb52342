// A network scenario's walking distances, in a job worker: the edits applied to the shared walk graph
// (geo/network/scenario), then, for the buildings the edits can reach only, the nearest facility of each
// searched category on the edited network cut to the region those walks can use. Every other building
// keeps its distance (the locality argument of geo/network/scenario.ts). And a capacity rule's
// demand-weighted access with the edits, from today's, near them only (geo/capacity/scenario-access).
import type { CoverageFacility } from '$geo/coverage';
import { scenarioAccess, type ScenarioAccess, type ScenarioAccessInput } from '$geo/capacity/scenario-access';
import { facilityEntrances, MAX_SNAP_M, snapBuildings, walkNearest } from '$geo/coverage/walk';
import type { WalkGraph } from '$geo/network/graph';
import { inBoxes, scenarioChanges, scenarioGraph, scenarioReach, type EditOutcome, type ScenarioEdit } from '$geo/network/scenario';
import { keptGraph } from './kept-graph';
import type { TaskContext } from './task-context';

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
	/**
	 * Per `before` search key: the same buildings' distances on the network as it is (cut to the same
	 * region: equal to the whole city's, by the same argument), for figures whose per-building values
	 * are not kept (the life circles).
	 */
	before: Record<string, Float64Array>;
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
		/** Also walked on the network as it is (see ScenarioDistances.before). */
		before?: ScenarioSearch[];
	},
	_ctx: TaskContext
): ScenarioDistances {
	const base = keptGraph(input.graph);
	const changes = scenarioChanges(base, input.edits);
	const maxM = Math.max(0, ...[...input.searches, ...(input.before ?? [])].map((s) => s.maxM));
	const reach = scenarioReach(changes, maxM, MAX_SNAP_M);
	const near: number[] = [];
	for (let i = 0; i < input.lon.length; i++) if (inBoxes(reach.buildings, input.lon[i], input.lat[i])) near.push(i);
	const results: Record<string, Float64Array> = {};
	const before: Record<string, Float64Array> = {};
	if (near.length === 0) return { buildings: new Int32Array(0), results, before, outcomes: changes.outcomes, edges: 0 };
	const points = { lon: Float64Array.from(near, (i) => input.lon[i]), lat: Float64Array.from(near, (i) => input.lat[i]) };
	const reachable = (facilities: CoverageFacility[]) => {
		const entrances = facilityEntrances(facilities);
		const keep = new Set<number>();
		entrances.owner.forEach((f, k) => {
			if (inBoxes(reach.facilities, entrances.lon[k], entrances.lat[k])) keep.add(f);
		});
		return facilities.filter((_, f) => keep.has(f));
	};
	const walkAll = (graph: WalkGraph, searches: ScenarioSearch[], into: Record<string, Float64Array>) => {
		const snap = snapBuildings(graph, points);
		for (const s of searches) into[s.key] = walkNearest(graph, snap, reachable(s.facilities), s.maxM).distanceM;
	};
	const graph = scenarioGraph(base, changes, reach.network);
	walkAll(graph, [...input.searches, ...(input.before ?? [])], results);
	if (input.before?.length) walkAll(scenarioGraph(base, scenarioChanges(base, []), reach.network), input.before, before);
	return { buildings: Int32Array.from(near), results, before, outcomes: changes.outcomes, edges: graph.edgeCount };
}

export interface ScenarioAccessSearch extends Omit<ScenarioAccessInput, 'graph'> {
	graph: { graph: WalkGraph; id: number };
}

/** Today's access (the main thread keeps it) and the scenario's edits in; the buildings whose access moves out. */
export function scenarioAccessEvaluate(input: ScenarioAccessSearch, _ctx: TaskContext): ScenarioAccess {
	return scenarioAccess({ ...input, graph: keptGraph(input.graph) });
}

// The walk graph a job worker last received, kept so what geo/network builds per graph object (the
// snap index, the search space) is built once per graph rather than once per job.
import type { WalkGraph } from '$geo/network/graph';

let lastGraph: { graph: WalkGraph; id: number } | null = null;

export const keptGraph = (g: { graph: WalkGraph; id: number }) => (lastGraph?.id === g.id ? lastGraph.graph : (lastGraph = g).graph);

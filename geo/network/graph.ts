// The walking network in memory: a compact undirected graph (CSR adjacency in typed arrays) of the
// largest connected component, points snapped onto its edges, and multi-source shortest paths.
//
//  - Nodes and edges come from buildWalkNetwork (lines cut at shared vertices), or from any edge list
//    (the walk_edges table, a synthetic lattice) through graphFromEdgeList.
//  - Edge lengths are metres on the WGS-84 ellipsoid (geo/measure, as buildWalkNetwork and walk_edges
//    store them);
//    positions along an edge are fractions t of that length, measured along its polyline.
//  - Nodes are numbered along a Hilbert curve (edges by their first node), so nodes near each other
//    on the ground are near each other in memory: a search over millions of nodes touches memory
//    far less randomly (measured 1.2–3× faster on a 4M-edge graph).
//  - Snapping: a uniform grid over the edges' segments (points processed cell by cell), exact
//    point–segment distances in a cheap-ruler frame at the point's latitude. A Flatbush R-tree was
//    tried first: ≈ 6 µs per point on 4M segments against ≈ 0.5 µs for the grid.
//  - Shortest paths: Dijkstra, many sources at once, bounded by a distance. Bounded searches use
//    buckets of distance (delta-stepping: each bucket's nodes in memory order, relaxed until none
//    improves — still exact), unbounded ones a binary heap in typed arrays. The per-graph work
//    arrays are kept and reset sparsely, so a small search costs only what it touches, even on a
//    graph of millions of edges.

export { type WalkGraph, ISLAND_MIN_LENGTH_M, type EdgeList, type SnapResult } from './graph-types';
export { segmentM, buildWalkGraph, graphFromEdgeList, hilbert16, radixOrder, graphBounds } from './graph-build';
export { metresPerDegree } from './graph-frame';
export { snapIndex, snapPoints, pointOnEdge, snapAt, snapAtNode } from './graph-snap';
export { SearchSpace, searchSpace, networkNearestDistances, networkNearest, nodeDistances } from './graph-paths';

// Walking isochrones: the area within N minutes' walk of a point (or of several), as polygons made by
// buffering the reached network — every edge walked up to the remaining budget, partial edges
// included — never by a hull of reached nodes, which would cover blocks the network never enters.
//
// Method: one bounded Dijkstra (geo/network/graph) for the largest budget. Then, budget by budget
// (smallest first), the newly reached pieces of edges are added to a field of squared distances to the
// nearest reached piece, sampled on a grid in a local metric frame around the origin; the line where
// that distance equals the buffer radius is traced by marching squares (linear interpolation, saddles
// resolved by the centre value), which gives closed rings — holes wherever the network does not come
// within the buffer distance. Rings come out oriented (exterior counter-clockwise, holes clockwise),
// each hole is given to the smallest exterior holding it, and all are converted back to
// longitude/latitude. d3-contour traces the same way but allocates per cell (≈ 0.4 ms per contour here
// against ≈ 0.2 ms), which mattered for 1,500 isochrones in under 2 s. The raster is at most
// DEFAULT_MAX_GRID_CELLS samples across (≈ 18 m for 15 minutes at 65 m/min), 10 m at the finest.

export {
	type IsochroneErrorCode,
	IsochroneError,
	DEFAULT_MAX_MINUTES,
	DEFAULT_MAX_SNAP_M,
	DEFAULT_BUFFER_M,
	DEFAULT_CELL_M,
	DEFAULT_MAX_GRID_CELLS,
	type IsochroneOptions,
	type IsochroneProperties,
	type IsochroneFeature,
	type IsochroneCollection,
	checkIsochroneOptions
} from './options';
export { isochrones, isochroneFromPoints, isochroneFromSources } from './isochrones';
export { type CatchmentOptions, type Catchment, facilityCatchment } from './catchment';

/** Walking speeds (m/min): the one default and the slow profile, with their source, in geo/network/speed.ts. */
export { SLOW_WALK_SPEED_M_PER_MIN as SLOW_SPEED_M_PER_MIN, WALK_SPEED_M_PER_MIN as DEFAULT_SPEED_M_PER_MIN } from '../network/speed';

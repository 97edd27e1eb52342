// Walking isochrones (see ./index.ts): facility catchments.

import { type WalkGraph, type SnapResult, snapPoints, networkNearestDistances } from '../network/graph';
import { type IsochroneOptions, type IsochroneFeature, checkIsochroneOptions } from './options';
import { isochrones } from './isochrones';

export interface CatchmentOptions extends Omit<IsochroneOptions, 'minutes'> {
	minutes: number;
}

export interface Catchment {
	/** The isochrone of the facility for `minutes`. */
	feature: IsochroneFeature;
	/** Indices of the targets (e.g. buildings) within `minutes` of the facility, nearest first. */
	targets: number[];
	/** Walking distance (m) of each listed target, in the same order. */
	distancesM: number[];
}

/**
 * What one facility serves within N minutes' walk: its isochrone (area) and which of the snapped
 * targets (buildings) it reaches — by network distance, not by the polygon.
 */
export function facilityCatchment(g: WalkGraph | null | undefined, lon: number, lat: number, targets: SnapResult, opts: CatchmentOptions): Catchment {
	const fc = isochrones(g, lon, lat, { ...opts, minutes: [opts.minutes] });
	const o = checkIsochroneOptions({ ...opts, minutes: [opts.minutes] });
	const source = snapPoints(g!, [lon], [lat], o.maxSnapM);
	const d = networkNearestDistances(g!, source, targets, o.budgets[0].distance);
	const within: number[] = [];
	for (let i = 0; i < d.length; i++) if (d[i] < Infinity) within.push(i);
	within.sort((a, b) => d[a] - d[b] || a - b);
	return { feature: fc.features[0], targets: within, distancesM: within.map((i) => d[i]) };
}

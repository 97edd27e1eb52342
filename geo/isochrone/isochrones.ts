// Walking isochrones (see ./index.ts): around points and sources, budget by budget.

import { type WalkGraph, snapPoints, type SnapResult, pointOnEdge, searchSpace, metresPerDegree } from '../network/graph';
import { type IsochroneOptions, type IsochroneCollection, IsochroneError, checkIsochroneOptions, requireNetwork, num, type IsochroneFeature } from './options';
import { collectReach, projectReach } from './reach';
import { makeGrid, addReached } from './raster';
import { traceField, circlesArea, cellsInsideCircles } from './contour';

/** Walking isochrones around one point (WGS-84), one feature per number of minutes, smallest first. */
export function isochrones(g: WalkGraph | null | undefined, lon: number, lat: number, opts: IsochroneOptions): IsochroneCollection {
	if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
		throw new IsochroneError(
			'bad_point',
			`需要有效的 WGS-84 经纬度，收到 lon ${lon}, lat ${lat} / a valid WGS-84 longitude and latitude is required, got lon ${lon}, lat ${lat}`
		);
	}
	return isochroneFromPoints(g, [lon], [lat], opts);
}

/** Isochrones of several points walked from together (a community's entrances, a facility's doors). */
export function isochroneFromPoints(g: WalkGraph | null | undefined, lons: number[], lats: number[], opts: IsochroneOptions): IsochroneCollection {
	const o = checkIsochroneOptions(opts);
	requireNetwork(g);
	const snap = snapPoints(g, lons, lats, o.maxSnapM);
	if (snap.unsnapped.length) {
		const i = snap.unsnapped[0];
		if (snap.islands?.includes(i)) {
			throw new IsochroneError(
				'outside_network',
				`点 (${lons[i]}, ${lats[i]}) 最近的步行道路不与主路网相连（如无桥的岛、封闭区域），无法步行到达 / the walkable road nearest to point (${lons[i]}, ${lats[i]}) is not connected to the main network (an island without a bridge, a closed area): it cannot be walked from`
			);
		}
		throw new IsochroneError(
			'outside_network',
			`点 (${lons[i]}, ${lats[i]}) 距最近的步行道路超过 ${o.maxSnapM} 米，不在路网范围内 / point (${lons[i]}, ${lats[i]}) is more than ${o.maxSnapM} m from any walkable road: outside the network`
		);
	}
	return isochroneFromSources(g, snap, opts, { lon: lons, lat: lats });
}

/**
 * Isochrones from already snapped sources (all walked from at once). `points` are the sources'
 * own positions, for the straight-line circles; without them the circles are centred on the
 * projections.
 */
export function isochroneFromSources(
	g: WalkGraph | null | undefined,
	sources: SnapResult,
	opts: IsochroneOptions,
	points?: { lon: ArrayLike<number>; lat: ArrayLike<number> }
): IsochroneCollection {
	const o = checkIsochroneOptions(opts);
	requireNetwork(g);
	const srcIdx: number[] = [];
	for (let i = 0; i < sources.edge.length; i++) if (sources.edge[i] >= 0) srcIdx.push(i);
	if (srcIdx.length === 0) throw new IsochroneError('outside_network', '没有可连接到路网的起点 / no starting point attaches to the network');
	const origins = srcIdx.map((i) => {
		const snapped = pointOnEdge(g, sources.edge[i], sources.t[i]);
		return {
			lon: points ? points.lon[i] : snapped[0],
			lat: points ? points.lat[i] : snapped[1],
			snapped: [num(snapped[0], 7), num(snapped[1], 7)] as [number, number],
			snap_offset_m: num(sources.offsetM[i], 2)
		};
	});
	const maxBudget = o.budgets[o.budgets.length - 1].distance;
	const ws = searchSpace(g);
	ws.seedSnapped(sources, maxBudget);
	ws.run(maxBudget);
	try {
		const reach = collectReach(g, ws, sources, srcIdx, maxBudget);
		// Local frame: centred on the first origin, metres east (x) and north (y).
		const lon0 = origins[0].lon;
		const lat0 = origins[0].lat;
		const { kx, ky } = metresPerDegree(lat0);
		projectReach(g, reach, lon0, lat0, kx, ky);
		const grid = makeGrid(reach, maxBudget, o);
		const field = new Float64Array(grid.w * grid.h).fill(Infinity);
		const circleCentres = origins.map((p) => [(p.lon - lon0) * kx, (p.lat - lat0) * ky]);
		const features: IsochroneFeature[] = [];
		let previous = -1;
		for (const { minutes, distance } of o.budgets) {
			addReached(reach, grid, field, previous, distance);
			previous = distance;
			const { geometry, areaM2 } = traceField(field, grid, lon0, lat0, kx, ky);
			const circleArea = circlesArea(circleCentres, distance);
			const inside = cellsInsideCircles(field, grid, circleCentres, distance) * grid.cell * grid.cell;
			features.push({
				type: 'Feature',
				properties: {
					minutes,
					speed_m_per_min: o.speed,
					distance_m: num(distance, 2),
					area_m2: Math.round(areaM2),
					circle_area_m2: Math.round(circleArea),
					walkable_ratio: circleArea > 0 ? num(Math.min(1, inside / circleArea), 4) : 0
				},
				geometry
			});
		}
		return { type: 'FeatureCollection', features, origins, buffer_m: o.bufferM, cell_m: num(grid.cell, 3) };
	} finally {
		ws.clear();
	}
}

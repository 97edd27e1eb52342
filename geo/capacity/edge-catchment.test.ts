// walkCatchmentsByEdge finds the same buildings at the same walking distances as walkCatchments (the
// KDBush box and one target list per facility), on a jittered lattice with points, polygons (several
// entrances, some on a building's own edge) and facilities off the network.
import { describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import { graphFromEdgeList, metresPerDegree } from '../network/graph';
import { seededRandom, syntheticLattice } from '../network/synthetic';
import { snapBuildings } from '../coverage/walk';
import { walkCatchments } from './catchment';
import { walkCatchmentsByEdge } from './edge-catchment';
import type { Catchments } from './types';

const rows = (c: Catchments) =>
	Array.from({ length: c.start.length - 1 }, (_, f) =>
		Array.from({ length: c.start[f + 1] - c.start[f] }, (_, k) => [c.building[c.start[f] + k], c.distanceM[c.start[f] + k]] as const).sort(
			(a, b) => a[0] - b[0]
		)
	);

describe('catchments on foot from the search (geo/capacity/edge-catchment)', () => {
	it('equal walkCatchments, building by building', () => {
		const side = 30;
		const lon0 = 118.7,
			lat0 = 32.0;
		const graph = graphFromEdgeList(syntheticLattice({ side, seed: 7, lon0, lat0 }));
		const { kx, ky } = metresPerDegree(lat0);
		const w = (side * 80) / kx,
			h = (side * 80) / ky;
		const rand = seededRandom(11);
		const n = 3000;
		const lon = Float64Array.from({ length: n }, () => lon0 + rand() * w);
		const lat = Float64Array.from({ length: n }, () => lat0 + rand() * h);
		const facilities: { id: string; category: string; geometry: Geometry }[] = [];
		for (let i = 0; i < 40; i++) {
			const x = lon0 + rand() * w,
				y = lat0 + rand() * h;
			const geometry: Geometry =
				i % 4 === 0
					? {
							type: 'Polygon',
							coordinates: [
								[
									[x, y],
									[x + 0.0008, y],
									[x + 0.0008, y + 0.0006],
									[x, y + 0.0006],
									[x, y]
								]
							]
						}
					: { type: 'Point', coordinates: [x, y] };
			facilities.push({ id: `f${i}`, category: 'k', geometry });
		}
		// One far off the network: reaches nothing either way.
		facilities.push({ id: 'off', category: 'k', geometry: { type: 'Point', coordinates: [lon0 - 1, lat0 - 1] } });
		const snap = snapBuildings(graph, { lon, lat });
		for (const reachM of [300, 975]) {
			const peer = rows(walkCatchments(graph, snap, { lon, lat }, facilities, reachM));
			const mine = rows(walkCatchmentsByEdge(graph, snap, facilities, reachM));
			expect(mine.length).toBe(peer.length);
			let pairs = 0;
			for (let f = 0; f < peer.length; f++) {
				expect(
					mine[f].map((r) => r[0]),
					`facility ${f} at ${reachM} m`
				).toEqual(peer[f].map((r) => r[0]));
				mine[f].forEach((r, k) => expect(r[1]).toBeCloseTo(peer[f][k][1], 9));
				pairs += peer[f].length;
			}
			expect(pairs).toBeGreaterThan(100);
			expect(mine.at(-1)!.length).toBe(0);
		}
	});
});

// The benchmark city of the capacity and access benches: a jittered street lattice (80 m blocks,
// `side` nodes a side) with buildings of 10–99 residents and point facilities spread uniformly over
// it, the facilities in `categories` categories (facility i in category c<i mod categories>).
// Deterministic per seed; `rand` goes on from there for what the bench draws next.
import { graphFromEdgeList, metresPerDegree } from '../network/graph';
import { seededRandom, syntheticLattice } from '../network/synthetic';

export function benchCity(o: { side: number; buildings: number; facilities: number; categories?: number; seed?: number }) {
	const seed = o.seed ?? 21;
	const rand = seededRandom(seed);
	const graph = graphFromEdgeList(syntheticLattice({ side: o.side, seed: 21 }));
	const lon0 = 118.6,
		lat0 = 32.3;
	const { kx, ky } = metresPerDegree(lat0);
	const w = (o.side * 80) / kx,
		h = (o.side * 80) / ky;
	const lon = Float64Array.from({ length: o.buildings }, () => lon0 + rand() * w);
	const lat = Float64Array.from({ length: o.buildings }, () => lat0 + rand() * h);
	const demand = Float64Array.from({ length: o.buildings }, () => 10 + Math.floor(rand() * 90));
	const categories = o.categories ?? 1;
	const facilities = Array.from({ length: o.facilities }, (_, i) => ({
		id: `f${i}`,
		category: `c${i % categories}`,
		geometry: { type: 'Point' as const, coordinates: [lon0 + rand() * w, lat0 + rand() * h] }
	}));
	return { graph, lon, lat, demand, facilities, rand };
}

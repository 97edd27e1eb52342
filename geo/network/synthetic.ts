// A synthetic walking network for benchmarks and scale tests: a jittered square lattice of streets
// with some links removed (dead ends, superblocks, a few cut-off nodes) and some bent in the middle.
// Deterministic per seed. Built straight into typed arrays (millions of edges in a second or two).
import { segmentM, metresPerDegree, type EdgeList } from './graph';
import { mulberry32 } from '../synth/prng';

export interface LatticeOptions {
	/** Nodes per side (the lattice has about 2·side² edges before removals). */
	side: number;
	spacingM?: number;
	jitterM?: number;
	/** Share of links removed. */
	removeShare?: number;
	/** Share of links with a middle vertex (a bend). */
	bendShare?: number;
	seed?: number;
	/** South-west corner. */
	lon0?: number;
	lat0?: number;
}

/** The project's one seedable PRNG (mulberry32), under the name the network tests use. */
export const seededRandom = mulberry32;

/** The side a lattice needs for about `edges` edges with the given removal share. */
export function latticeSideFor(edges: number, removeShare = 0.1): number {
	return Math.ceil(Math.sqrt(edges / (2 * (1 - removeShare))));
}

export function syntheticLattice(o: LatticeOptions): EdgeList {
	const side = o.side;
	const spacing = o.spacingM ?? 80;
	const jitter = o.jitterM ?? 15;
	const removeShare = o.removeShare ?? 0.1;
	const bendShare = o.bendShare ?? 0.1;
	const lon0 = o.lon0 ?? 118.6;
	const lat0 = o.lat0 ?? 32.3;
	const rand = seededRandom(o.seed ?? 1);
	const { kx, ky } = metresPerDegree(lat0 + (side * spacing) / 2 / 111_000);
	const n = side * side;
	const nodeLon = new Float64Array(n);
	const nodeLat = new Float64Array(n);
	for (let j = 0; j < side; j++) {
		for (let i = 0; i < side; i++) {
			const id = j * side + i;
			nodeLon[id] = lon0 + (i * spacing + (rand() * 2 - 1) * jitter) / kx;
			nodeLat[id] = lat0 + (j * spacing + (rand() * 2 - 1) * jitter) / ky;
		}
	}
	const maxEdges = 2 * side * (side - 1);
	const from = new Uint32Array(maxEdges);
	const to = new Uint32Array(maxEdges);
	const bent = new Uint8Array(maxEdges);
	let m = 0;
	let coords = 0;
	for (let j = 0; j < side; j++) {
		for (let i = 0; i < side; i++) {
			const id = j * side + i;
			for (const [di, dj] of [
				[1, 0],
				[0, 1]
			]) {
				if (i + di >= side || j + dj >= side) continue;
				if (rand() < removeShare) continue;
				from[m] = id;
				to[m] = (j + dj) * side + i + di;
				bent[m] = rand() < bendShare ? 1 : 0;
				coords += bent[m] ? 3 : 2;
				m++;
			}
		}
	}
	const edgeFrom = from.slice(0, m);
	const edgeTo = to.slice(0, m);
	const edgeLength = new Float64Array(m);
	const edgeCoordOffsets = new Uint32Array(m + 1);
	const edgeCoords = new Float64Array(coords * 2);
	let k = 0;
	for (let e = 0; e < m; e++) {
		edgeCoordOffsets[e] = k;
		const a = edgeFrom[e];
		const b = edgeTo[e];
		edgeCoords[2 * k] = nodeLon[a];
		edgeCoords[2 * k + 1] = nodeLat[a];
		k++;
		if (bent[e]) {
			// a bend perpendicular to the link, up to a fifth of the spacing
			const mx = (nodeLon[a] + nodeLon[b]) / 2;
			const my = (nodeLat[a] + nodeLat[b]) / 2;
			const off = (rand() * 2 - 1) * spacing * 0.2;
			const horizontal = b === a + 1;
			edgeCoords[2 * k] = horizontal ? mx : mx + off / kx;
			edgeCoords[2 * k + 1] = horizontal ? my + off / ky : my;
			k++;
		}
		edgeCoords[2 * k] = nodeLon[b];
		edgeCoords[2 * k + 1] = nodeLat[b];
		k++;
		let len = 0;
		for (let j = edgeCoordOffsets[e]; j < k - 1; j++) len += segmentM(edgeCoords[2 * j], edgeCoords[2 * j + 1], edgeCoords[2 * j + 2], edgeCoords[2 * j + 3]);
		edgeLength[e] = len;
	}
	edgeCoordOffsets[m] = k;
	return { nodeLon, nodeLat, edgeFrom, edgeTo, edgeLength, edgeCoordOffsets, edgeCoords };
}

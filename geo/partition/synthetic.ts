// A synthetic community for tests and the bench: a cols × rows lattice of jittered cells (shared
// edges share every vertex, each edge bent at 2 inner points), one grid per cell, and buildings
// scattered inside with households averaging `perGrid` per cell. Seeded, deterministic.
import type { Feature, Polygon, Position } from 'geojson';
import { mulberry32 } from '../synth/prng';
import type { GridFeature, PlanBuilding } from './households';
import { pointInAreal } from './planar';

export function syntheticCommunity(cols: number, rows: number, buildingsCount: number, perGrid = 400, seed = 1) {
	const rnd = mulberry32(seed);
	const lon0 = 118.78,
		lat0 = 32.04,
		dx = 0.0025,
		dy = 0.0022; // ≈ 236 m × 244 m cells
	const node = (i: number, j: number): Position => {
		const border = i === 0 || j === 0 || i === cols || j === rows;
		const jx = border ? 0 : (rnd() - 0.5) * dx * 0.3,
			jy = border ? 0 : (rnd() - 0.5) * dy * 0.3;
		return [lon0 + i * dx + jx, lat0 + j * dy + jy];
	};
	const N: Position[][] = [];
	for (let i = 0; i <= cols; i++) {
		N.push([]);
		for (let j = 0; j <= rows; j++) N[i].push(node(i, j));
	}
	// Bent edges shared by both sides: key "i,j>i2,j2" in canonical direction.
	const edges = new Map<string, Position[]>();
	const edge = (a: [number, number], b: [number, number]): Position[] => {
		const fwd = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
		const [p, q] = fwd ? [a, b] : [b, a];
		const key = `${p}>${q}`;
		let pts = edges.get(key);
		if (!pts) {
			const P = N[p[0]][p[1]],
				Q = N[q[0]][q[1]];
			const border = (p[0] === q[0] && (p[0] === 0 || p[0] === cols)) || (p[1] === q[1] && (p[1] === 0 || p[1] === rows));
			pts = [P];
			for (const t of [1 / 3, 2 / 3]) {
				const off = border ? 0 : (rnd() - 0.5) * 0.08;
				const nx = -(Q[1] - P[1]),
					ny = Q[0] - P[0];
				pts.push([P[0] + t * (Q[0] - P[0]) + off * nx, P[1] + t * (Q[1] - P[1]) + off * ny]);
			}
			pts.push(Q);
			edges.set(key, pts);
		}
		return fwd ? pts : [...pts].reverse();
	};
	const grids: GridFeature[] = [];
	for (let j = rows - 1; j >= 0; j--)
		for (let i = 0; i < cols; i++) {
			const corners: [number, number][] = [
				[i, j],
				[i + 1, j],
				[i + 1, j + 1],
				[i, j + 1]
			];
			const ring: Position[] = [];
			for (let c = 0; c < 4; c++) ring.push(...edge(corners[c], corners[(c + 1) % 4]).slice(0, -1));
			ring.push(ring[0]);
			grids.push({ type: 'Feature', properties: { code: String(grids.length + 1).padStart(3, '0') }, geometry: { type: 'Polygon', coordinates: [ring] } });
		}
	const outer: Position[] = [];
	for (let i = 0; i < cols; i++) outer.push(...edge([i, 0], [i + 1, 0]).slice(0, -1));
	for (let j = 0; j < rows; j++) outer.push(...edge([cols, j], [cols, j + 1]).slice(0, -1));
	for (let i = cols; i > 0; i--) outer.push(...edge([i, rows], [i - 1, rows]).slice(0, -1));
	for (let j = rows; j > 0; j--) outer.push(...edge([0, j], [0, j - 1]).slice(0, -1));
	outer.push(outer[0]);
	const community: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [outer] } };
	const buildings: PlanBuilding[] = [];
	const meanHh = (perGrid * cols * rows) / buildingsCount;
	while (buildings.length < buildingsCount) {
		const lon = lon0 + rnd() * cols * dx,
			lat = lat0 + rnd() * rows * dy;
		if (!pointInAreal(lon, lat, community.geometry)) continue;
		buildings.push({ id: `b${buildings.length + 1}`, lon, lat, households: Math.max(0, Math.round(meanHh * (0.4 + 1.2 * rnd()))) });
	}
	return { community, grids, buildings };
}

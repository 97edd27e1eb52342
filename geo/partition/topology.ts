// Fast exact test of "the grids partition the community", without polygon clipping.
//
// Orient every grid ring (outer counter-clockwise, holes clockwise) and every community ring the
// other way, split every segment at the vertices lying on it (T-junctions), and add the directed
// segments up: a→b counts +1, b→a −1. The sum is the boundary of (Σ grid indicators − community
// indicator); it vanishes exactly when every point of the community is covered once and nothing
// lies outside. What is left (the residual) bounds every gap, overlap and outside piece, so the
// clipping that measures them only needs to look inside the residual's bounding boxes.
// Vertices closer than `eps` degrees are merged first (default 1e-8°, about 1 mm).
import KDBush from 'kdbush';
import type { BBox, Position } from 'geojson';
import { polygonsOf, ringSignedArea, type Areal } from './planar';

export interface Residual {
	/** One bbox per connected piece of the residual chain (overlapping boxes merged). */
	windows: BBox[];
	/** For each window, the owners (grid index, −1 = community) of its residual segments. */
	owners: Set<number>[];
	/** Number of residual segments. */
	segments: number;
}

export function residualChain(community: Areal | null, grids: (Areal | null)[], eps = 1e-8): Residual {
	// Gather rings with their orientation sign and owner.
	const rings: { ring: Position[]; forward: boolean; owner: number }[] = [];
	const addRings = (g: Areal, owner: number, outerCCW: boolean) => {
		for (const poly of polygonsOf(g))
			poly.forEach((ring, r) => {
				if (ring.length < 4) return;
				const ccw = ringSignedArea(ring) > 0;
				const wantCCW = r === 0 ? outerCCW : !outerCCW;
				rings.push({ ring, forward: ccw === wantCCW, owner });
			});
	};
	grids.forEach((g, i) => g && addRings(g, i, true));
	if (community) addRings(community, -1, false);

	let nv = 0;
	for (const r of rings) nv += r.ring.length - 1;
	const xy = new Float64Array(2 * nv);
	let k = 0;
	for (const r of rings)
		for (let i = 0; i + 1 < r.ring.length; i++) {
			xy[k++] = r.ring[i][0];
			xy[k++] = r.ring[i][1];
		}
	const index = new KDBush(Math.max(nv, 1));
	for (let i = 0; i < nv; i++) index.add(xy[2 * i], xy[2 * i + 1]);
	index.finish();
	// Canonical vertex id: the first vertex within eps.
	const canon = new Int32Array(nv).fill(-1);
	for (let i = 0; i < nv; i++) {
		if (canon[i] >= 0) continue;
		canon[i] = i;
		const x = xy[2 * i],
			y = xy[2 * i + 1];
		for (const j of index.range(x - eps, y - eps, x + eps, y + eps)) if (canon[j] < 0) canon[j] = i;
	}

	const net = new Map<number, number>();
	const ownerSets = new Map<number, Set<number>>();
	const N = nv + 1;
	const addEdge = (a: number, b: number, owner: number) => {
		if (a === b) return;
		const key = a < b ? a * N + b : b * N + a;
		const v = (net.get(key) ?? 0) + (a < b ? 1 : -1);
		net.set(key, v);
		const set = ownerSets.get(key);
		if (set) set.add(owner);
		else ownerSets.set(key, new Set([owner]));
	};
	const hits: { t: number; c: number }[] = [];
	let base = 0;
	for (const r of rings) {
		const m = r.ring.length - 1;
		for (let s = 0; s < m; s++) {
			let a = canon[base + s];
			let b = canon[base + ((s + 1) % m)];
			if (!r.forward) [a, b] = [b, a];
			if (a === b) continue;
			const ax = xy[2 * a],
				ay = xy[2 * a + 1],
				bx = xy[2 * b],
				by = xy[2 * b + 1];
			const dx = bx - ax,
				dy = by - ay;
			const len2 = dx * dx + dy * dy;
			hits.length = 0;
			for (const j of index.range(Math.min(ax, bx) - eps, Math.min(ay, by) - eps, Math.max(ax, bx) + eps, Math.max(ay, by) + eps)) {
				const c = canon[j];
				if (c !== j || c === a || c === b) continue;
				const px = xy[2 * c] - ax,
					py = xy[2 * c + 1] - ay;
				const t = (px * dx + py * dy) / len2;
				if (t <= 0 || t >= 1) continue;
				const cross = px * dy - py * dx;
				if (cross * cross > eps * eps * len2) continue;
				hits.push({ t, c });
			}
			if (hits.length === 0) addEdge(a, b, r.owner);
			else {
				hits.sort((p, q) => p.t - q.t);
				let prev = a;
				for (const h of hits) {
					addEdge(prev, h.c, r.owner);
					prev = h.c;
				}
				addEdge(prev, b, r.owner);
			}
		}
		base += m;
	}

	// Connected components of the residual (union–find over vertex ids).
	const parent = new Map<number, number>();
	// Full path compression: residual segments arrive in ring order, so without it the chain to the
	// root grows one link per segment and the component pass below walks it from every vertex (O(n²)).
	const find = (x: number): number => {
		let r = x;
		while (parent.get(r) !== r) r = parent.get(r)!;
		while (x !== r) {
			const next = parent.get(x)!;
			parent.set(x, r);
			x = next;
		}
		return r;
	};
	const res: [number, number, number][] = [];
	for (const [key, v] of net) {
		if (v === 0) continue;
		const a = Math.floor(key / N),
			b = key % N;
		res.push([a, b, key]);
		if (!parent.has(a)) parent.set(a, a);
		if (!parent.has(b)) parent.set(b, b);
		const ra = find(a),
			rb = find(b);
		if (ra !== rb) parent.set(ra, rb);
	}
	const comps = new Map<number, { box: BBox; owners: Set<number> }>();
	for (const [a, b, key] of res) {
		const r = find(a);
		let c = comps.get(r);
		if (!c) comps.set(r, (c = { box: [Infinity, Infinity, -Infinity, -Infinity], owners: new Set() }));
		for (const v of [a, b]) {
			const x = xy[2 * v],
				y = xy[2 * v + 1];
			if (x < c.box[0]) c.box[0] = x;
			if (y < c.box[1]) c.box[1] = y;
			if (x > c.box[2]) c.box[2] = x;
			if (y > c.box[3]) c.box[3] = y;
		}
		for (const o of ownerSets.get(key) ?? []) c.owners.add(o);
	}
	// Merge overlapping windows until stable.
	let list = [...comps.values()];
	let merged = true;
	while (merged) {
		merged = false;
		outer: for (let i = 0; i < list.length; i++)
			for (let j = i + 1; j < list.length; j++) {
				const p = list[i].box,
					q = list[j].box;
				if (p[2] < q[0] || q[2] < p[0] || p[3] < q[1] || q[3] < p[1]) continue;
				list[i] = {
					box: [Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[2], q[2]), Math.max(p[3], q[3])],
					owners: new Set([...list[i].owners, ...list[j].owners])
				};
				list.splice(j, 1);
				merged = true;
				break outer;
			}
	}
	list = list.sort((p, q) => p.box[0] - q.box[0] || p.box[1] - q.box[1]);
	return { windows: list.map((c) => c.box), owners: list.map((c) => c.owners), segments: res.length };
}

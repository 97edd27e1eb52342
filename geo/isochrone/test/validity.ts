// A strict polygon validity check for the tests (turf's booleanValid misses crossing rings and holes
// outside their shell): closed rings of ≥ 4 distinct-consecutive positions, exterior rings
// counter-clockwise and holes clockwise (RFC 7946), no two ring segments meeting anywhere except
// consecutive ones at their shared vertex, every hole inside its shell, no shell inside another
// polygon's solid part. Returns the problems found (empty when valid).
import type { MultiPolygon, Polygon, Position } from 'geojson';

function signedArea(ring: Position[]): number {
	let a = 0;
	for (let i = 0; i < ring.length - 1; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
	return a / 2;
}

export function pointInRing(p: Position, ring: Position[]): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

const orient = (a: Position, b: Position, c: Position) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
const onSeg = (a: Position, b: Position, p: Position) =>
	Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

function segmentsMeet(a: Position, b: Position, c: Position, d: Position): boolean {
	const o1 = orient(a, b, c);
	const o2 = orient(a, b, d);
	const o3 = orient(c, d, a);
	const o4 = orient(c, d, b);
	if (o1 !== o2 && o3 !== o4 && o1 * o2 <= 0 && o3 * o4 <= 0) return true;
	return (o1 === 0 && onSeg(a, b, c)) || (o2 === 0 && onSeg(a, b, d)) || (o3 === 0 && onSeg(c, d, a)) || (o4 === 0 && onSeg(c, d, b));
}

export function polygonProblems(geometry: Polygon | MultiPolygon): string[] {
	const problems: string[] = [];
	const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	const segs: { a: Position; b: Position; ring: number; idx: number; n: number }[] = [];
	let ringId = 0;
	for (const [p, poly] of polygons.entries()) {
		if (poly.length === 0) problems.push(`polygon ${p} has no rings`);
		for (const [r, ring] of poly.entries()) {
			const id = ringId++;
			if (ring.length < 4) problems.push(`polygon ${p} ring ${r}: ${ring.length} positions`);
			const first = ring[0];
			const last = ring[ring.length - 1];
			if (first[0] !== last[0] || first[1] !== last[1]) problems.push(`polygon ${p} ring ${r} not closed`);
			for (let i = 0; i < ring.length - 1; i++) {
				if (ring[i][0] === ring[i + 1][0] && ring[i][1] === ring[i + 1][1]) problems.push(`polygon ${p} ring ${r}: repeated position ${i}`);
				segs.push({ a: ring[i], b: ring[i + 1], ring: id, idx: i, n: ring.length - 1 });
			}
			const area = signedArea(ring);
			if (r === 0 && !(area > 0)) problems.push(`polygon ${p}: exterior ring not counter-clockwise`);
			if (r > 0 && !(area < 0)) problems.push(`polygon ${p} hole ${r}: not clockwise`);
			if (r > 0 && !pointInRing(ring[0], poly[0])) problems.push(`polygon ${p} hole ${r}: outside its shell`);
		}
		for (const [q, other] of polygons.entries()) {
			if (q === p) continue;
			// a shell inside another polygon must lie in one of its holes
			if (pointInRing(poly[0][0], other[0]) && !other.slice(1).some((h) => pointInRing(poly[0][0], h))) {
				problems.push(`polygon ${p} lies inside polygon ${q}`);
			}
		}
	}
	// segment intersections: sweep over x
	const minX = (s: (typeof segs)[number]) => Math.min(s.a[0], s.b[0]);
	segs.sort((s, t) => minX(s) - minX(t));
	const active: typeof segs = [];
	for (const s of segs) {
		const x = minX(s);
		for (let i = active.length - 1; i >= 0; i--) if (Math.max(active[i].a[0], active[i].b[0]) < x) active.splice(i, 1);
		for (const t of active) {
			if (Math.max(s.a[1], s.b[1]) < Math.min(t.a[1], t.b[1]) || Math.max(t.a[1], t.b[1]) < Math.min(s.a[1], s.b[1])) continue;
			const adjacent = s.ring === t.ring && (Math.abs(s.idx - t.idx) === 1 || Math.abs(s.idx - t.idx) === s.n - 1);
			if (adjacent) continue;
			if (segmentsMeet(s.a, s.b, t.a, t.b)) {
				problems.push(`rings ${s.ring}/${t.ring} meet at segments ${s.idx}/${t.idx}`);
				if (problems.length > 20) return problems;
			}
		}
		active.push(s);
	}
	return problems;
}

// Grid codes: community code (12 digits) + 3-digit sequence, numbered west→east, north→south
// (rows of representative points, see ./order), and stable across edits: a grid that overlaps a
// previous grid by at least half of the larger of the two areas keeps that grid's code (one-to-one,
// best overlap first); the other grids take numbers above the highest previous sequence, in
// west→east, north→south order, so a retired code is never given to a different area.
import type { Feature } from 'geojson';
import { orderWestToEastNorthToSouth } from './order';
import { bboxOf, bboxesMeet, clipIntersect, planarArea, scaleAt, type Areal } from './planar';

export interface NumberedGrid<P> {
	feature: Feature<Areal, P>;
	code: string;
	/** The previous code kept, or null for a new number. */
	previous: string | null;
}

export function numberGrids<P>(
	communityCode: string,
	grids: Feature<Areal, P>[],
	previous: { code: string; geometry: Areal }[] = [],
	opts: { minShare?: number } = {}
): NumberedGrid<P>[] {
	const minShare = opts.minShare ?? 0.5;
	const ordered = orderWestToEastNorthToSouth(grids);
	const seqOf = (code: string) => (code.startsWith(communityCode) && code.length === communityCode.length + 3 ? Number(code.slice(-3)) : NaN);
	const kept = new Map<Feature<Areal, P>, string>();
	if (previous.length && ordered.length) {
		const b = bboxOf(ordered[0].geometry);
		const k = scaleAt((b[1] + b[3]) / 2);
		const cand: { g: Feature<Areal, P>; code: string; share: number; gi: number; pi: number }[] = [];
		const areasG = ordered.map((g) => planarArea(g.geometry, k));
		previous.forEach((p, pi) => {
			const pa = planarArea(p.geometry, k);
			const pb = bboxOf(p.geometry);
			ordered.forEach((g, gi) => {
				if (!bboxesMeet(pb, bboxOf(g.geometry))) return;
				const x = clipIntersect(g.geometry, p.geometry);
				if (!x) return;
				const share = planarArea(x, k) / Math.max(pa, areasG[gi]);
				if (share >= minShare) cand.push({ g, code: p.code, share, gi, pi });
			});
		});
		cand.sort((a, b) => b.share - a.share || a.gi - b.gi || a.pi - b.pi);
		const usedCodes = new Set<string>();
		for (const c of cand) {
			if (kept.has(c.g) || usedCodes.has(c.code)) continue;
			kept.set(c.g, c.code);
			usedCodes.add(c.code);
		}
	}
	let next = Math.max(0, ...previous.map((p) => seqOf(p.code)).filter((n) => Number.isFinite(n))) + 1;
	return ordered.map((feature) => {
		const prev = kept.get(feature);
		if (prev) return { feature, code: prev, previous: prev };
		if (next > 999) throw new Error(`numberGrids: community ${communityCode} has run out of 3-digit grid numbers`);
		const code = communityCode + String(next++).padStart(3, '0');
		return { feature, code, previous: null };
	});
}

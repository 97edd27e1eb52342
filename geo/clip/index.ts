// Liang–Barsky: where a segment enters and leaves an axis-aligned box, as parameters along it.
// Shared by the tiler (clipping lines to a tile) and the partition (clipping road centrelines).

/** [t0, t1] with 0 ≤ t0 ≤ t1 ≤ 1 for the part of a→b inside the box, or null when it misses. */
export function clipSegmentRange(
	ax: number,
	ay: number,
	bx: number,
	by: number,
	minX: number,
	minY: number,
	maxX: number,
	maxY: number
): [number, number] | null {
	let t0 = 0;
	let t1 = 1;
	const dx = bx - ax;
	const dy = by - ay;
	const checks: [number, number][] = [
		[-dx, ax - minX],
		[dx, maxX - ax],
		[-dy, ay - minY],
		[dy, maxY - ay]
	];
	for (const [p, q] of checks) {
		if (p === 0) {
			if (q < 0) return null;
			continue;
		}
		const r = q / p;
		if (p < 0) {
			if (r > t1) return null;
			if (r > t0) t0 = r;
		} else {
			if (r < t0) return null;
			if (r < t1) t1 = r;
		}
	}
	return [t0, t1];
}

// The units (communities) each facility's catchment reaches, as two typed arrays (CSR: facility f's
// units are unit[start[f] … start[f + 1]), ascending) — sent from a worker thread without making an
// object per facility, and asked "does f reach u?" by a binary search.
import type { Catchments } from './types';

export interface UnitsReached {
	start: Int32Array;
	unit: Int32Array;
}

/** unitOf: the unit of each building (−1: none). */
export function unitsReached(catchments: Catchments, unitOf: Int32Array): UnitsReached {
	const facilities = catchments.start.length - 1;
	const start = new Int32Array(facilities + 1);
	const out: number[] = [];
	for (let f = 0; f < facilities; f++) {
		const seen = new Set<number>();
		for (let k = catchments.start[f]; k < catchments.start[f + 1]; k++) {
			const u = unitOf[catchments.building[k]];
			if (u >= 0) seen.add(u);
		}
		out.push(...[...seen].sort((a, b) => a - b));
		start[f + 1] = out.length;
	}
	return { start, unit: Int32Array.from(out) };
}

/** Does facility f reach unit u? */
export function reaches(t: UnitsReached, f: number, u: number): boolean {
	let lo = t.start[f],
		hi = t.start[f + 1] - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (t.unit[mid] === u) return true;
		if (t.unit[mid] < u) lo = mid + 1;
		else hi = mid - 1;
	}
	return false;
}

// Deterministic pseudo-random numbers: the same seed gives the same city on every machine.
// mulberry32 (32-bit state, fast, good enough for jitter); each copy gets its own stream derived
// from (seed, copy), so a copy looks the same however many copies are made around it.

export type Random = () => number;

export function mulberry32(seed: number): Random {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The stream of one copy: splitmix-style mixing of seed and copy number. */
export function copyRandom(seed: number, copy: number): Random {
	let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(copy + 1, 0x85ebca6b)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
	h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
	return mulberry32(h ^ (h >>> 16));
}

/** Uniform in [min, max). */
export const between = (rng: Random, min: number, max: number) => min + (max - min) * rng();

// The walking network graph (see ./graph.ts): local metric frames (cheap-ruler's WGS-84 approximation).

import { rulerOfStep, RULER_STEPS_PER_DEGREE } from '../measure';

const FRAME = new Float64Array(4);

/** Metres per degree of longitude (kx) and latitude (ky) at a latitude: geo/measure's ruler, unrounded. */
export function metresPerDegree(lat: number): { kx: number; ky: number } {
	rulerOfStep(lat * RULER_STEPS_PER_DEGREE, FRAME, 0);
	return { kx: FRAME[0], ky: FRAME[2] };
}

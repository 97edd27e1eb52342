// The case overlay's colour ramp (light yellow → dark red by count or rate), in one place for the
// deck.gl layers that draw it and the legends that explain it.
export const CASE_RAMP: readonly [number, number, number][] = [
	[255, 237, 160],
	[254, 178, 76],
	[240, 59, 32],
	[189, 0, 38]
];

/** The ramp's colour at t ∈ [0, 1] (t = value / maximum), in classes, with the given alpha. */
export function caseRampColor(t: number, alpha = 190): [number, number, number, number] {
	const c = CASE_RAMP[Math.min(CASE_RAMP.length - 1, Math.floor(Math.max(0, t) * CASE_RAMP.length))];
	return [c[0], c[1], c[2], alpha];
}

/** The ramp's classes as CSS colours, lowest first. */
export const caseRampCss = (alpha = 1): string[] => CASE_RAMP.map(([r, g, b]) => `rgba(${r}, ${g}, ${b}, ${alpha})`);

// The Poisson upper tail P(X ≥ x | λ), exactly and stably, through the regularised incomplete
// gamma function: for integer x ≥ 1, P(X ≥ x) = P(x, λ) = γ(x, λ) / Γ(x). Series for λ < x + 1,
// Lentz continued fraction for Q = 1 − P otherwise (Numerical Recipes §6.2), in log space, so
// tails down to ≈ 1e-300 keep full relative precision (no 1 − (1 − tiny) cancellation).

const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
	9.9843695780195716e-6, 1.5056327351493116e-7
];
const LOG_FACT: number[] = [0];
for (let i = 1; i <= 170; i++) LOG_FACT[i] = LOG_FACT[i - 1] + Math.log(i);

/** ln Γ(z), z > 0 (exact table for integers ≤ 171, Lanczos g = 7 otherwise, ≈ 1e-15 relative). */
export function logGamma(z: number): number {
	if (Number.isInteger(z) && z >= 1 && z <= 171) return LOG_FACT[z - 1];
	if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
	z -= 1;
	let a = LANCZOS[0];
	const t = z + 7.5;
	for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** ln of the series part: ln P(a, x) for x < a + 1. */
function logGammaPSeries(a: number, x: number): number {
	let ap = a,
		del = 1 / a,
		sum = del;
	for (let n = 0; n < 10000; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (Math.abs(del) < Math.abs(sum) * EPS) break;
	}
	return Math.log(sum) - x + a * Math.log(x) - logGamma(a);
}

/** ln Q(a, x) for x ≥ a + 1 (modified Lentz). */
function logGammaQFraction(a: number, x: number): number {
	let b = x + 1 - a,
		c = 1 / TINY,
		d = 1 / b,
		h = d;
	for (let i = 1; i < 10000; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < TINY) d = TINY;
		c = b + an / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < EPS) break;
	}
	return Math.log(h) - x + a * Math.log(x) - logGamma(a);
}

/** Regularised lower incomplete gamma P(a, x), a > 0, x ≥ 0. */
export function gammaP(a: number, x: number): number {
	if (x <= 0) return 0;
	return x < a + 1 ? Math.exp(logGammaPSeries(a, x)) : -Math.expm1(logGammaQFraction(a, x));
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function gammaQ(a: number, x: number): number {
	if (x <= 0) return 1;
	return x < a + 1 ? -Math.expm1(logGammaPSeries(a, x)) : Math.exp(logGammaQFraction(a, x));
}

/** P(X ≥ observed) for X ~ Poisson(λ): 1 for observed ≤ 0; for λ = 0, 0 when observed ≥ 1. */
export function poissonUpperTail(observed: number, lambda: number): number {
	const x = Math.ceil(observed);
	if (x <= 0) return 1;
	if (!(lambda > 0)) return 0;
	return gammaP(x, lambda);
}

// Distance decay for the enhanced two-step floating catchment (E2SFCA, e2sfca.ts): the weight of a
// facility–building pair at distance d within the reach d0 (0 beyond it). The choices GOAT offers, each
// with one parameter β:
//   none         1                                                      (plain 2SFCA)
//   linear       1 − d / d0
//   exponential  exp(−β · d / d0)                                       (β default 3: 0.05 at d0)
//   gaussian     (exp(−½ (d / d0)² · β) − exp(−½ β)) / (1 − exp(−½ β))  (Dai 2010 with β = 1: 1 at 0, 0 at d0)
//   gravity      (max(d, dMin) / dMin)^−β                               (β default 1, dMin 50 m: 1 within 50 m)
import { GridAtlasError } from '../errors';

export type DecayKind = 'none' | 'linear' | 'exponential' | 'gaussian' | 'gravity';
export const DECAY_KINDS: readonly DecayKind[] = ['none', 'linear', 'exponential', 'gaussian', 'gravity'];

export interface DecaySpec {
	kind: DecayKind;
	/** the reach d0 (metres) */
	reachM: number;
	/** the shape parameter; defaults: exponential 3, gaussian 1, gravity 1 */
	beta?: number;
	/** gravity: the distance under which the weight stays 1 (metres, default 50) */
	minM?: number;
}

export class DecayError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_decay' });
		this.name = 'DecayError';
	}
}

const DEFAULT_BETA: Record<DecayKind, number> = { none: 0, linear: 0, exponential: 3, gaussian: 1, gravity: 1 };

/** A weight function for the spec, checked once (a bad spec throws DecayError with zh / en). */
export function decayFunction(spec: DecaySpec): (d: number) => number {
	const { kind, reachM } = spec;
	if (!DECAY_KINDS.includes(kind)) throw new DecayError(`未知的距离衰减 ${String(kind)} / unknown distance decay ${String(kind)}`);
	if (!(Number.isFinite(reachM) && reachM > 0)) throw new DecayError('服务范围须为正数 / the reach must be positive');
	const beta = spec.beta ?? DEFAULT_BETA[kind];
	if (kind !== 'none' && kind !== 'linear' && !(Number.isFinite(beta) && beta > 0 && beta <= 50)) {
		throw new DecayError('衰减参数 β 须在 0–50 之间 / the decay parameter β must be within 0–50');
	}
	const inside = (d: number) => d >= 0 && d <= reachM;
	switch (kind) {
		case 'none':
			return (d) => (inside(d) ? 1 : 0);
		case 'linear':
			return (d) => (inside(d) ? 1 - d / reachM : 0);
		case 'exponential':
			return (d) => (inside(d) ? Math.exp((-beta * d) / reachM) : 0);
		case 'gaussian': {
			const floor = Math.exp(-0.5 * beta);
			return (d) => (inside(d) ? (Math.exp(-0.5 * beta * (d / reachM) ** 2) - floor) / (1 - floor) : 0);
		}
		case 'gravity': {
			const minM = spec.minM ?? 50;
			if (!(Number.isFinite(minM) && minM > 0)) throw new DecayError('最小距离须为正数 / the minimum distance must be positive');
			return (d) => (inside(d) ? (Math.max(d, minM) / minM) ** -beta : 0);
		}
	}
}

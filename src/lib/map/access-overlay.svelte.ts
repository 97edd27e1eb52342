// The map's demand-weighted access layer (docs/coverage.md#demand-weighted-access): which capacity
// rule, decay and demand profile, and the H3 cells of GET /api/access for them. Off until asked for;
// the capacity rules are read once, when it is first turned on.
import type { AccessAnswer } from '$lib/coverage/access-types';
import type { CoverageRule, Decay } from '$lib/coverage/types';
import type { AccessProfile } from '$geo/capacity/access';

/**
 * The access ramp: light to dark blue (more is better). Anchored to the rule's standard, not to the
 * largest value shown (one small, well-served cell then made every other look pale): four classes of a
 * quarter of the standard each, and the darkest for cells that meet it.
 */
export const ACCESS_RAMP: readonly [number, number, number][] = [
	[239, 243, 255],
	[189, 215, 231],
	[107, 174, 214],
	[49, 130, 189],
	[8, 81, 156]
];

/** The class of an access figure against the standard: 0–3 by quarters of it, 4 at or above it. */
export function accessClass(access: number, standard: number): number {
	if (!(standard > 0)) return 0;
	const r = Math.max(0, access / standard);
	return r >= 1 ? ACCESS_RAMP.length - 1 : Math.floor(r * (ACCESS_RAMP.length - 1));
}

/**
 * A cell's colour: by its class against the standard; a rule without a standard figure by the share
 * of the largest shown. No demand known: transparent grey.
 */
export function accessColor(access: number | null, scale: { standard: number; max: number }, alpha = 200): [number, number, number, number] {
	if (access === null) return [160, 160, 160, 60];
	const k =
		scale.standard > 0
			? accessClass(access, scale.standard)
			: Math.min(ACCESS_RAMP.length - 1, Math.floor((Math.max(0, access) / (scale.max > 0 ? scale.max : 1)) * ACCESS_RAMP.length));
	const c = ACCESS_RAMP[k];
	return [c[0], c[1], c[2], alpha];
}

export const accessRampCss = (): string[] => ACCESS_RAMP.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`);

export class AccessOverlay {
	on = $state(false);
	rules = $state.raw<CoverageRule[] | null>(null);
	rule = $state('');
	/** '' : the rule's own decay */
	decay = $state<Decay | ''>('');
	profile = $state<AccessProfile>('all');
	answer = $state.raw<AccessAnswer | null>(null);
	loading = $state(false);
	error = $state<string | null>(null);
	private asked = 0;

	async toggle(on: boolean) {
		this.on = on;
		if (!on) return;
		if (!this.rules) {
			try {
				const res = await fetch('/api/rules');
				const body = await res.json();
				if (!res.ok) throw new Error(body?.message ?? `${res.status}`);
				this.rules = (body.rules as CoverageRule[]).filter((r) => r.kind === 'capacity');
				const first = this.rules.find((r) => r.enabled) ?? this.rules[0];
				this.rule = first?.id ?? '';
			} catch (err) {
				this.error = (err as Error).message;
				return;
			}
		}
		await this.load();
	}

	async choose(change: { rule?: string; decay?: Decay | ''; profile?: AccessProfile }) {
		if (change.rule !== undefined) {
			this.rule = change.rule;
			this.decay = '';
		}
		if (change.decay !== undefined) this.decay = change.decay;
		if (change.profile !== undefined) this.profile = change.profile;
		await this.load();
	}

	async load() {
		if (!this.on || !this.rule) return;
		const ask = ++this.asked;
		this.loading = true;
		this.error = null;
		const params = new URLSearchParams({ rule: this.rule, level: 'h3', profile: this.profile });
		if (this.decay) params.set('decay', this.decay);
		try {
			const res = await fetch(`/api/access?${params}`);
			const body = await res.json();
			if (ask !== this.asked) return;
			if (!res.ok) throw new Error(body?.message ?? `${res.status}`);
			this.answer = body as AccessAnswer;
			if (!this.decay) this.decay = this.answer.decay.kind;
		} catch (err) {
			if (ask === this.asked) this.error = (err as Error).message;
		} finally {
			if (ask === this.asked) this.loading = false;
		}
	}
}

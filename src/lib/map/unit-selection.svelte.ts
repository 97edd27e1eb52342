// The selected unit and its facts, fetched from /api/units/{code}. Only the latest request counts:
// a slow answer for a unit the user has already left is dropped.
import type { UnitFacts } from './types';

export class UnitSelection {
	facts: UnitFacts | null = $state.raw(null);
	loading = $state(false);
	error: string | null = $state(null);
	#latest = 0;

	constructor(initial: UnitFacts | null) {
		this.facts = initial;
	}

	/** The selected code, null at the city level. */
	get code(): string | null {
		return this.facts && this.facts.kind !== 'city' ? this.facts.code : null;
	}

	/** Loads `code` ("city" or a unit code); resolves to its facts, or null if it failed or was overtaken. */
	async select(code: string): Promise<UnitFacts | null> {
		const ticket = ++this.#latest;
		this.loading = true;
		try {
			const res = await fetch(`/api/units/${encodeURIComponent(code)}`);
			const body = await res.json();
			if (ticket !== this.#latest) return null;
			if (!res.ok) throw new Error(body?.message ?? String(res.status));
			this.facts = body as UnitFacts;
			this.error = null;
			return this.facts;
		} catch (err) {
			if (ticket === this.#latest) this.error = err instanceof Error ? err.message : String(err);
			return null;
		} finally {
			if (ticket === this.#latest) this.loading = false;
		}
	}
}

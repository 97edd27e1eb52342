// The start-up's steps, timed as they happen: printed by the server (npm start), shown on the starting
// page while the database opens, and reported by /api/health once ready (the startup bench reads them).
export interface StartupStep {
	/** Stable name (the bench's keys): modules, new_database, engine_open, migrations, versions, demo, accounts, warm_up. */
	key: string;
	/** What the step does, for people. */
	label: string;
	ms: number;
}

export interface StartupReporter {
	/** Ends the running step (if any) and starts this one. */
	step(key: string, label: string): void;
	/** What the running step is doing now (a file of the demo, a migration). */
	detail(text: string): void;
}

export class StartupClock implements StartupReporter {
	readonly steps: StartupStep[] = [];
	private current?: { key: string; label: string; detail?: string; since: number };

	constructor(private readonly log: (line: string) => void = (line) => console.log(`GridAtlas: ${line}`)) {}

	step(key: string, label: string): void {
		this.end();
		this.current = { key, label, since: performance.now() };
		this.log(`${label}…`);
	}

	detail(text: string): void {
		if (!this.current) return;
		this.current.detail = text;
		this.log(`  ${text}`);
	}

	/** Ends the running step; returns its duration. */
	end(): number {
		const c = this.current;
		if (!c) return 0;
		this.current = undefined;
		const ms = Math.round(performance.now() - c.since);
		this.steps.push({ key: c.key, label: c.label, ms });
		return ms;
	}

	/** The running step, for the starting page and /api/health. */
	now(): { key: string; label: string; detail?: string; ms: number } | undefined {
		const c = this.current;
		return c && { key: c.key, label: c.label, detail: c.detail, ms: Math.round(performance.now() - c.since) };
	}

	/** Step durations by key (a key that ran twice is summed). */
	byKey(): Record<string, number> {
		const out: Record<string, number> = {};
		for (const s of this.steps) out[s.key] = (out[s.key] ?? 0) + s.ms;
		return out;
	}

	summary(): string {
		return this.steps.map((s) => `${s.key} ${s.ms} ms`).join(', ');
	}
}

// Fixed-window request counters in memory (one server process): sign-in attempts per client
// address and case ingest per principal. Enough to stop password guessing and a runaway feed;
// the per-account lockout (users.ts) holds across restarts.
export class RateLimiter {
	private windows = new Map<string, { start: number; count: number }>();

	constructor(
		readonly limit: number,
		readonly windowMs: number
	) {}

	/** Counts one hit; returns the seconds to wait when over the limit, else 0. */
	hit(key: string, now = Date.now()): number {
		const w = this.windows.get(key);
		if (!w || now - w.start >= this.windowMs) {
			if (this.windows.size > 10_000) this.prune(now);
			this.windows.set(key, { start: now, count: 1 });
			return 0;
		}
		w.count++;
		return w.count > this.limit ? Math.ceil((w.start + this.windowMs - now) / 1000) : 0;
	}

	private prune(now: number) {
		for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
	}
}

const envInt = (name: string, fallback: number) => {
	const n = Number(process.env[name]);
	return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** Sign-in attempts per client address per minute. */
export const loginLimiter = new RateLimiter(envInt('GRIDATLAS_LOGIN_PER_MINUTE', 10), 60_000);
/** Case ingest requests (POST /api/cases, PATCH) per principal per minute. */
export const ingestLimiter = new RateLimiter(envInt('GRIDATLAS_INGEST_PER_MINUTE', 600), 60_000);

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

/** Largest request body per kind of route, in bytes (adapter-node's BODY_SIZE_LIMIT bounds the rest). */
export function bodyLimit(routeId: string | null, method: string): number | null {
	if (method === 'GET' || method === 'HEAD') return null;
	if (routeId === '/login' || routeId === '/api/session' || routeId === '/account') return 16 * 1024;
	if (routeId === '/import') return null; // the importer's own limit (GRIDATLAS_MAX_IMPORT_MB) answers with a clear message
	if (routeId === '/api/cases') return envInt('GRIDATLAS_MAX_INGEST_MB', 20) * 1024 * 1024;
	if (routeId?.startsWith('/api/plans') || routeId?.startsWith('/plan/')) return 50 * 1024 * 1024;
	return 2 * 1024 * 1024;
}

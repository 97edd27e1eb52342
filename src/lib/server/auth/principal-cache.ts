// Who a session cookie or token stands for, remembered while the accounts' data version stands
// (migrations/012: any change of a role, jurisdiction, password, disabled flag, session or token, by
// any process, the CLI or plain SQL, moves it) and for at most TTL_MS, as sessions and tokens also
// expire by time. A map page asks for dozens of tiles at once; without this each would look up its
// session and user in the database (on the embedded engine, one query at a time). A change made in
// this process also calls forgetPrincipals(), which ends the open streams it no longer allows.
import type { Principal } from '../../auth/capabilities';
import { recheckCredentials } from './live-credentials';

export const TTL_MS = 5_000;
const MAX_ENTRIES = 2_000;
const cache = new Map<string, { principal: Principal | null; until: number; version: number }>();
let generation = 0;

/** Lookups under way: a map page's dozens of tiles arriving together wait for one lookup, not one each. */
const pending = new Map<string, Promise<Principal | null>>();

/** `version`: the accounts data version the request was planned with (see db/versions). */
export async function cachedPrincipal(key: string, resolve: () => Promise<Principal | null>, version = 0, now = Date.now()): Promise<Principal | null> {
	const hit = cache.get(key);
	if (hit && hit.until > now && hit.version === version) return hit.principal;
	// a lookup started before a revocation is never shared with a request that came after it
	const started = generation;
	const flight = `${key}#${version}#${started}`;
	let lookup = pending.get(flight);
	if (!lookup) {
		lookup = (async () => {
			const principal = await resolve();
			// Something was revoked while this lookup ran: its answer may predate the change.
			if (started === generation) {
				if (cache.size >= MAX_ENTRIES) cache.clear();
				cache.set(key, { principal, until: now + TTL_MS, version });
			}
			return principal;
		})().finally(() => pending.delete(flight));
		pending.set(flight, lookup);
	}
	return lookup;
}

export function forgetPrincipals(): void {
	generation++;
	cache.clear();
	// Open event streams were authorised before the change: look their credentials up again.
	void recheckCredentials();
}

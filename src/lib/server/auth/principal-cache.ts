// Who a session cookie or token stands for, remembered for a few seconds. A map page asks for
// dozens of tiles at once; without this each would look up its session and user in the database
// (on the embedded engine, one query at a time). Anything that changes who may do what — a role,
// jurisdiction, password or disabled flag, a signed-out session, a revoked token, a restore —
// calls forgetPrincipals(), so in this process it takes effect on the next request. Another
// process writing to the same server database (the CLI) is seen within TTL_MS (open streams: RECHECK_MS).
import type { Principal } from '../../auth/capabilities';
import { recheckCredentials } from './live-credentials';

export const TTL_MS = 5_000;
const MAX_ENTRIES = 2_000;
const cache = new Map<string, { principal: Principal | null; until: number }>();
let generation = 0;

export async function cachedPrincipal(key: string, resolve: () => Promise<Principal | null>, now = Date.now()): Promise<Principal | null> {
	const hit = cache.get(key);
	if (hit && hit.until > now) return hit.principal;
	const started = generation;
	const principal = await resolve();
	// Something was revoked while this lookup ran: its answer may predate the change.
	if (started !== generation) return principal;
	if (cache.size >= MAX_ENTRIES) cache.clear();
	cache.set(key, { principal, until: now + TTL_MS });
	return principal;
}

export function forgetPrincipals(): void {
	generation++;
	cache.clear();
	// Open event streams were authorised before the change: look their credentials up again.
	void recheckCredentials();
}

// A response that stays open (the live case stream) outlives the authorisation of the request that
// opened it. Each such response watches its credential: when the credential no longer stands for
// the same principal — a revoked token, a disabled user, a changed role or jurisdiction, a signed-out
// or expired session — the response is ended. A change made in this process is seen at once (every
// such change calls forgetPrincipals); one made elsewhere (the CLI, another app process, plain SQL)
// when this process hears the accounts' data version move (server engine: within a second, see
// runtime.ts), and in any case within RECHECK_MS.
import type { Principal } from '../../auth/capabilities';
import { onPrimary } from '../db/read-context';

/** How a request's credential is looked up again, uncached (set on locals by the hook). */
export interface Credential {
	/** Names the credential (for the principal cache); holds the secret, never shown. */
	key: string;
	resolve(): Promise<Principal | null>;
}

interface Watch {
	credential: Credential;
	principal: Principal;
	end(): void;
}

const watches = new Set<Watch>();
let timer: ReturnType<typeof setInterval> | undefined;
let running = false;
let again = false;

const envMs = Number(process.env.GRIDATLAS_STREAM_RECHECK_MS);
export const RECHECK_MS = Number.isFinite(envMs) && envMs >= 100 ? envMs : 5_000;

/** Who a principal is, for the purpose of what it may see. */
const grants = (p: Principal) => JSON.stringify([p.kind, p.id, p.role ?? null, [...p.capabilities].sort(), [...p.units].sort()]);

/**
 * Calls `end` once the credential stops granting what `principal` was granted. Returns the function
 * that stops watching (call it when the response ends for another reason).
 */
export function watchCredential(credential: Credential | undefined, principal: Principal | null, end: () => void): () => void {
	if (!credential || !principal) {
		end();
		return () => {};
	}
	const watch: Watch = { credential, principal, end };
	watches.add(watch);
	// outside the request that started it: a credential is looked up on the primary
	timer ??= onPrimary(() => setInterval(() => void recheckCredentials(), RECHECK_MS));
	timer.unref?.();
	return () => {
		watches.delete(watch);
		if (watches.size === 0 && timer) {
			clearInterval(timer);
			timer = undefined;
		}
	};
}

async function recheck(watch: Watch): Promise<void> {
	let now: Principal | null;
	try {
		now = await watch.credential.resolve();
	} catch {
		return; // the database is briefly unavailable: keep the stream, look again next time
	}
	if (!watches.has(watch)) return;
	if (!now || grants(now) !== grants(watch.principal)) {
		watches.delete(watch);
		watch.end();
	}
}

/** Looks every watched credential up again and ends the streams whose grant changed. */
export async function recheckCredentials(): Promise<void> {
	// A change made while a pass runs may come after that pass read its credential: run once more.
	// A burst of changes (a bulk user edit) costs two passes, not one per change.
	if (running) {
		again = true;
		return;
	}
	running = true;
	try {
		do {
			again = false;
			await Promise.all([...watches].map(recheck));
		} while (again);
	} finally {
		running = false;
	}
}

export const watchedCount = () => watches.size;

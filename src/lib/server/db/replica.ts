// Reads on a PostgreSQL streaming replica (DATABASE_READ_URL). Which requests may read there is
// decided per request (planReads, called by hooks.server.ts): the read-only routes that carry most
// of the traffic — tiles, map layers, search, unit facts, coverage and walking, case analytics and the
// wall — and only when the replica has replayed at least the data versions the request needs: the
// versions this process knows (its caches key by them, so a cache is never filled from older data)
// and those the client has seen itself (a write's answer names them in a cookie, so the process a
// planner's next request reaches never shows the plan from before the save). A replica that is
// behind is not waited for: the request reads on the primary. Writes, sign-in, plans, case lists and
// the case stream always use the primary.
import type { Db, ReplicaPool } from './types';
import type { ReadContext } from './read-context';
import { covers, readVersions, TOPICS, versionTracker, type Topic, type Versions } from './versions';

const MAP: readonly Topic[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'rules'];
const WITH_CASES: readonly Topic[] = [...MAP, 'cases'];

// A tile reads one table: labels are read from their units' table.
const LABELS: Record<string, Topic> = { subdistrict_labels: 'subdistricts', community_labels: 'communities', grid_labels: 'grids' };
const tileTopics = (params: Record<string, string>): readonly Topic[] => {
	const t = LABELS[params.layer] ?? params.layer;
	return (TOPICS as readonly string[]).includes(t) ? [t as Topic] : MAP;
};

/** GET routes that may read on the replica, with the topics their answer is made of. */
const REPLICA_ROUTES: Readonly<Record<string, readonly Topic[] | ((params: Record<string, string>) => readonly Topic[])>> = {
	'/': WITH_CASES,
	'/tiles/[layer]/[z]/[x]/[y].pbf': tileTopics,
	'/api/layers/[layer]': WITH_CASES,
	'/api/search': MAP,
	'/api/locate': MAP,
	'/api/units/[code]': WITH_CASES,
	'/api/coverage': MAP,
	'/api/coverage/cell': MAP,
	'/api/coverage/whatif': MAP,
	'/api/life-circle': MAP,
	'/api/isochrone': MAP,
	'/api/catchment': MAP,
	'/coverage': MAP,
	'/coverage/life-circle': MAP,
	'/coverage/report': MAP,
	'/api/cases/density': WITH_CASES,
	'/api/cases/grids': WITH_CASES,
	'/api/cases/kpis': WITH_CASES,
	'/api/cases/columns': WITH_CASES,
	'/api/wall': WITH_CASES,
	'/wall/[[code]]': WITH_CASES
};

/** The topics a GET of this route reads, if it may read on the replica (null: the primary only). */
export function replicaTopics(routeId: string | null, params: Record<string, string>): readonly Topic[] | null {
	const r = routeId ? REPLICA_ROUTES[routeId] : undefined;
	return r === undefined ? null : typeof r === 'function' ? r(params) : r;
}

/** After a failed replica read, the replica is left alone this long. */
const DOWN_MS = 5_000;
/** A version check the replica does not answer in this time counts as the replica being down. */
const CHECK_TIMEOUT_MS = 250;

class ReplicaState {
	known?: Versions;
	checkedAt = 0;
	downUntil = 0;
	lastError?: string;
	private checking?: Promise<Versions | null>;

	constructor(
		private pool: ReplicaPool,
		readonly now: () => number = Date.now
	) {
		pool.onFailure = (err) => this.down(err);
	}

	private down(err: unknown) {
		this.downUntil = this.now() + DOWN_MS;
		this.lastError = err instanceof Error ? err.message : String(err);
	}

	/** The replica has replayed at least `need` for these topics (asking it when what is known falls short). */
	async caughtUp(need: Versions, topics: readonly Topic[]): Promise<boolean> {
		if (this.now() < this.downUntil) return false;
		if (this.known && covers(this.known, need, topics)) return true;
		const v = await this.check();
		return v !== null && covers(v, need, topics);
	}

	/** One version read at a time; what it returns was replayed by the time it answered. */
	check(): Promise<Versions | null> {
		this.checking ??= (async () => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			try {
				const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CHECK_TIMEOUT_MS)));
				const v = await Promise.race([readVersions(this.pool), timeout]);
				if (v) {
					this.known = v;
					this.checkedAt = this.now();
				} else this.down(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)); // not every request should wait that
				return v;
			} catch (err) {
				this.down(err);
				return null;
			} finally {
				clearTimeout(timer);
				this.checking = undefined;
			}
		})();
		return this.checking;
	}
}

const states = new WeakMap<object, ReplicaState>();

function replicaState(db: Db): ReplicaState | null {
	if (!db.replica) return null;
	let s = states.get(db);
	if (!s) states.set(db, (s = new ReplicaState(db.replica)));
	return s;
}

/**
 * What one request reads: the versions its caches key by (this process's, or newer ones the client
 * has seen) and whether its plain reads may go to the replica (`topics`: the route's, null for a
 * route that must read on the primary).
 */
export async function planReads(db: Db, topics: readonly Topic[] | null, seen?: Partial<Versions>): Promise<ReadContext> {
	const tracker = versionTracker(db);
	let versions = await tracker.current();
	if (seen && !covers(versions, seen)) versions = await tracker.refresh();
	const replica = topics !== null && (await replicaState(db)?.caughtUp(versions, topics)) === true;
	return { db, versions, replica };
}

export interface ReplicaStatus {
	state: 'ok' | 'behind' | 'down' | 'unknown';
	/** Topics the replica had not replayed at its last check, of what this process knows. */
	behind: Topic[];
	reads: { replica: number; fallback: number };
	error?: string;
}

/** For /api/health: how the replica looks from this process (null without DATABASE_READ_URL). */
export async function replicaStatus(db: Db): Promise<ReplicaStatus | null> {
	const s = replicaState(db);
	if (!s || !db.replica) return null;
	const [primary, replica] = await Promise.all([versionTracker(db).current(), s.check()]);
	const reads = { ...db.replica.stats };
	if (!replica) return { state: s.now() < s.downUntil ? 'down' : 'unknown', behind: [], reads, error: s.lastError };
	const behind = TOPICS.filter((t) => replica[t] < primary[t]);
	return { state: behind.length ? 'behind' : 'ok', behind, reads };
}

// The client's own writes: a cookie naming the versions its writes produced (topic.version, …).
export const SEEN_COOKIE = 'gridatlas_seen';
/** Long enough for every process to have heard of the write by any road. */
export const SEEN_MAX_AGE_S = 300;

export function parseSeen(text: string | undefined): Partial<Versions> | undefined {
	if (!text || text.length > 400) return undefined;
	const out: Partial<Record<Topic, number>> = {};
	for (const part of text.split('-')) {
		const m = /^([a-z]+)\.(\d{1,15})$/.exec(part);
		if (m && (TOPICS as readonly string[]).includes(m[1])) out[m[1] as Topic] = Number(m[2]);
	}
	return Object.keys(out).length ? out : undefined;
}

/** The cookie value after a write moved `after` past `before`, keeping what the client had seen. */
export function seenAfterWrite(before: Versions, after: Versions, had?: Partial<Versions>): string | null {
	const moved = TOPICS.filter((t) => after[t] > before[t]);
	if (!moved.length) return null;
	const merged: Partial<Record<Topic, number>> = { ...had };
	for (const t of moved) merged[t] = Math.max(after[t], merged[t] ?? 0);
	return TOPICS.filter((t) => merged[t] !== undefined)
		.map((t) => `${t}.${merged[t]}`)
		.join('-');
}

// The data versions every in-process cache is keyed by (migrations/012_data_versions.sql): one
// number per topic, moved by the database itself at the commit of any statement writing the topic's
// tables — whoever wrote it (this process, another app process, the CLI, plain SQL). A process learns
// of a move three ways: its own committed writes (Db.writes moved: read again before the next use),
// the notification on gridatlas_data (server engine: the shared LISTEN connection, milliseconds),
// and, while that connection is down (or never opened: the CLI, tests), by reading again when the
// last read is older than POLL_MS. Reading is one small query; while nothing moves, no query at all.
import type { Db, Queryable } from './types';
import { listenerFor } from './listener';
import { onPrimary, readContext } from './read-context';
import { TOPICS, type Topic, type Versions } from './topics';

export { TOPICS, type Topic, type Versions };

export const DATA_CHANNEL = 'gridatlas_data';
const envPoll = Number(process.env.GRIDATLAS_VERSION_POLL_MS);
/** Without a LISTEN connection, versions older than this are read again before use. */
export const POLL_MS = Number.isFinite(envPoll) && envPoll >= 10 ? envPoll : 500;

export async function readVersions(q: Pick<Queryable, 'query'>): Promise<Versions> {
	const rows = await q.query<{ topic: string; version: number }>('SELECT topic, version FROM data_versions');
	const v = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
	for (const r of rows) if ((TOPICS as readonly string[]).includes(r.topic)) v[r.topic as Topic] = Number(r.version);
	return v;
}

/** The topics whose version differs. */
export function changedTopics(a: Versions, b: Versions): Topic[] {
	return TOPICS.filter((t) => a[t] !== b[t]);
}

/** True when `have` is at least `need` for every topic listed (default: all). */
export function covers(have: Versions, need: Partial<Versions>, topics: readonly Topic[] = TOPICS): boolean {
	return topics.every((t) => need[t] === undefined || have[t] >= need[t]!);
}

/** A cache key of the versions of some topics. */
export const versionKey = (v: Versions, topics: readonly Topic[]) => topics.map((t) => v[t]).join('.');

type ChangeFn = (topics: Topic[], versions: Versions) => void;

export class VersionTracker {
	private known?: Versions;
	private readAt = 0;
	/** Moves on every notification and reconnect: a read started before it may be out of date. */
	private heard = 0;
	private seen = { writes: -1, heard: -1 };
	private reading?: { promise: Promise<Versions>; writes: number; heard: number };
	private subscribers = new Set<ChangeFn>();
	private watching = false;

	constructor(
		private db: Db,
		private now: () => number = Date.now
	) {}

	/**
	 * Hears the database's notifications (server engine), so versions are re-read only when they
	 * move. An app process calls this once; without it versions are re-read every POLL_MS.
	 */
	async watch(): Promise<void> {
		const l = listenerFor(this.db);
		if (!l || this.watching) return;
		this.watching = true;
		l.onReconnect(() => this.poke());
		await l.on(DATA_CHANNEL, () => this.poke());
		this.poke();
	}

	/** Something may have moved: read again before the next use, and tell subscribers what did. */
	poke(): void {
		this.heard++;
		void this.current().catch(() => {});
	}

	private fresh(): boolean {
		if (!this.known) return false;
		if (this.seen.writes !== (this.db.writes ?? 0) || this.seen.heard !== this.heard) return false;
		// the embedded engine has no other writer; the server engine hears changes while connected
		if (this.db.engine === 'pglite' || (this.watching && listenerFor(this.db)?.connected)) return true;
		return this.now() - this.readAt < POLL_MS;
	}

	/** The versions now committed (as far as this process can know without a query: see above). */
	current(): Promise<Versions> {
		if (this.fresh()) return Promise.resolve(this.known!);
		const writes = this.db.writes ?? 0;
		const heard = this.heard;
		if (this.reading && this.reading.writes === writes && this.reading.heard === heard) return this.reading.promise;
		const promise = this.read(writes, heard);
		this.reading = { promise, writes, heard };
		promise
			.finally(() => {
				if (this.reading?.promise === promise) this.reading = undefined;
			})
			.catch(() => {});
		return promise;
	}

	/** Reads again now, whatever is known (a client showed a version newer than this process knows). */
	refresh(): Promise<Versions> {
		this.heard++;
		return this.current();
	}

	private async read(writes: number, heard: number): Promise<Versions> {
		const startedAt = this.now();
		// from the primary, even when a request routed to the replica asks
		const v = await onPrimary(() => readVersions(this.db));
		// Reads finish out of order: keep the newest per topic (each only grows).
		const before = this.known;
		const merged = before ? (Object.fromEntries(TOPICS.map((t) => [t, Math.max(before[t], v[t])])) as Versions) : v;
		this.known = merged;
		if (writes >= this.seen.writes && heard >= this.seen.heard) {
			this.seen = { writes, heard };
			this.readAt = startedAt;
		}
		const changed = before ? changedTopics(before, merged) : [];
		if (changed.length) for (const fn of this.subscribers) fn(changed, merged);
		return merged;
	}

	/** Calls fn with the topics that moved, whenever a read finds any. */
	onChange(fn: ChangeFn): () => void {
		this.subscribers.add(fn);
		return () => this.subscribers.delete(fn);
	}
}

const trackers = new WeakMap<object, VersionTracker>();

export function versionTracker(db: Db): VersionTracker {
	let t = trackers.get(db);
	if (!t) trackers.set(db, (t = new VersionTracker(db)));
	return t;
}

/**
 * The versions a cache of this database should key by: the current request's (decided when it
 * started, see ./read-context), else the tracker's.
 */
export function versionsFor(db: Db): Promise<Versions> {
	const ctx = readContext(db);
	return ctx ? Promise.resolve(ctx.versions) : versionTracker(db).current();
}

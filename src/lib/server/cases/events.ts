// The live case stream's in-process hub. One per database (per app process):
// - server engine: `LISTEN gridatlas_cases` on the process's one LISTEN connection (db/listener,
//   shared with the data versions); each ingest transaction sends
//   one pg_notify (the batch's last event id) that arrives on commit, from any app process;
// - embedded engine: ingest pokes the hub directly after commit.
// On a poke the hub reads the new case_events rows once (id > cursor), serialises each event ONCE
// into an SSE frame, and hands the same bytes to every subscriber. Ingest holds an advisory lock, so
// event ids commit in order and the id cursor never skips an event.
import type { Db, Queryable } from '../db';
import { CASE_VIEW_COLUMNS } from './view';
import { caseRowUnit, caseScopeSql, unitInScope, type Scope } from '../auth/scope';
import { listenerFor } from '../db/listener';
import { onPrimary } from '../db/read-context';

export const CASE_CHANNEL = 'gridatlas_cases';
// One notification per batch (sent by the ingest statement, src/lib/server/cases/index.ts), payload
// "<schema>:<last event id>": the schema keeps tests sharing one server apart.

export interface CaseStreamEvent {
	id: number;
	frame: Uint8Array;
	/** The case's unit (grid, else community, else subdistrict; '' outside), to filter by jurisdiction. */
	unit: string;
}

const streamEvent = (r: EventRow): CaseStreamEvent => ({
	id: r.event_id,
	frame: sseFrame(r),
	unit: caseRowUnit(r)
});

export type Subscriber = (events: CaseStreamEvent[]) => void;

const encoder = new TextEncoder();

/** The SSE frame of one event row (id = case_events id). */
export function sseFrame(row: EventRow): Uint8Array {
	const { event_id, kind, event_status, event_level, at, ...c } = row;
	const data = JSON.stringify({
		id: event_id,
		kind,
		status: event_status,
		escalation_level: event_level,
		at,
		case: c
	});
	return encoder.encode(`id: ${event_id}\nevent: case\ndata: ${data}\n\n`);
}

export interface EventRow {
	event_id: number;
	kind: string;
	event_status: string;
	event_level: string | null;
	at: string;
	[key: string]: unknown;
}

/** Events after `afterId`, oldest first, at most `limit`. */
export async function readEvents(q: Queryable, afterId: number, limit = 2000): Promise<EventRow[]> {
	return q.query<EventRow>(
		`SELECT e.id AS event_id, e.kind, e.status AS event_status, e.escalation_level AS event_level, e.at,
			${CASE_VIEW_COLUMNS}
		 FROM case_events e JOIN cases c ON c.id = e.case_id
		 WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
		[afterId, limit]
	);
}

/**
 * The newest event id (0 when none) — of cases inside `scope` when given: a reader's list hands it
 * on as the stream position, and the city's would count other units' events.
 */
export async function lastEventId(q: Queryable, scope: Scope = null): Promise<number> {
	const params: unknown[] = [];
	const [row] = await q.query<{ id: number | null }>(
		scope === null
			? 'SELECT max(id) AS id FROM case_events'
			: `SELECT max(e.id) AS id FROM case_events e JOIN cases c ON c.id = e.case_id WHERE true${caseScopeSql(scope, params, 'c.')}`,
		params
	);
	return row?.id ?? 0;
}

export interface HubOptions {
	/** Server engine: the connection string for the LISTEN connection (default the database's own). */
	listenUrl?: string;
}

export class CaseHub {
	private subscribers = new Set<Subscriber>();
	private cursor = 0;
	private ready: Promise<void>;
	private fetching = false;
	private again = false;
	private stopListening: (() => void)[] = [];
	private closed = false;
	/** Events delivered to subscribers (for tests and the bench). */
	delivered = 0;

	constructor(
		readonly db: Db,
		options: HubOptions = {}
	) {
		// The hub outlives the request that opened it, and follows the primary (the replica may lag).
		this.ready = onPrimary(() => this.start(options));
	}

	private async start(options: HubOptions) {
		if (this.db.engine === 'postgres') {
			const l = listenerFor(this.db, options.listenUrl ?? this.db.url ?? process.env.DATABASE_URL);
			if (!l) throw new Error('case stream: no connection string for LISTEN');
			// events committed while the connection was down are read by id on reconnect
			this.stopListening.push(
				l.onReconnect(() => this.poke()),
				await l.on(CASE_CHANNEL, () => this.poke())
			);
		}
		// After LISTEN: anything committed from now on is notified; read the cursor after that.
		this.cursor = await lastEventId(this.db);
	}

	whenReady(): Promise<void> {
		return this.ready;
	}

	/** The id of the last event the hub has handed out. */
	get lastDelivered(): number {
		return this.cursor;
	}

	subscribe(fn: Subscriber): () => void {
		this.subscribers.add(fn);
		return () => this.subscribers.delete(fn);
	}

	get subscriberCount(): number {
		return this.subscribers.size;
	}

	/** New events may be committed: read them once and fan them out. */
	poke(): void {
		if (this.closed) return;
		if (this.fetching) {
			this.again = true;
			return;
		}
		this.fetching = true;
		void onPrimary(() => this.drain()).finally(() => {
			this.fetching = false;
			if (this.again) {
				this.again = false;
				this.poke();
			}
		});
	}

	private async drain() {
		await this.ready;
		for (;;) {
			const rows = await readEvents(this.db, this.cursor).catch((err) => {
				if (!this.closed) console.error('case stream: reading events failed:', err);
				return [];
			});
			if (!rows.length) return;
			this.cursor = rows[rows.length - 1].event_id;
			this.publish(rows.map(streamEvent));
			if (rows.length < 2000) return;
		}
	}

	/** Hands the same serialised events to every subscriber. */
	publish(events: CaseStreamEvent[]): void {
		for (const fn of this.subscribers) {
			try {
				fn(events);
				this.delivered += events.length;
			} catch {
				this.subscribers.delete(fn);
			}
		}
	}

	async close(): Promise<void> {
		this.closed = true;
		this.subscribers.clear();
		await this.ready.catch(() => {});
		for (const stop of this.stopListening.splice(0)) stop();
	}
}

const hubs = new WeakMap<Db, CaseHub>();

/** The hub of a database (created on first use). */
export function caseHub(db: Db, options?: HubOptions): CaseHub {
	let hub = hubs.get(db);
	if (!hub) {
		hub = new CaseHub(db, options);
		hubs.set(db, hub);
	}
	return hub;
}

export async function closeCaseHub(db: Db): Promise<void> {
	const hub = hubs.get(db);
	hubs.delete(db);
	await hub?.close();
}

/**
 * After an ingest transaction committed. Server engine: the pg_notify sent in the transaction wakes
 * every process's hub; embedded engine: poke this process's hub (if anyone listens).
 */
export function afterCaseCommit(db: Db): void {
	if (db.engine === 'pglite') hubs.get(db)?.poke();
}

/** SSE stream for one client: subscribe first, replay after `lastId` from case_events, then live. */
export function caseEventStream(
	db: Db,
	options: {
		lastEventId?: number | null;
		heartbeatMs?: number;
		signal?: AbortSignal;
		hubOptions?: HubOptions;
		/** The reader's jurisdiction (unit codes); null or absent = the whole city. */
		scope?: Scope;
		/** Called once when the stream ends, whoever ends it. */
		onClose?: () => void;
	} = {}
): ReadableStream<Uint8Array> {
	const hub = caseHub(db, options.hubOptions);
	const heartbeatMs = options.heartbeatMs ?? 15_000;
	const scope = options.scope ?? null;
	let unsubscribe = () => {};
	let timer: ReturnType<typeof setInterval> | undefined;
	let closed = false;
	const cleanup = () => {
		unsubscribe();
		if (timer) clearInterval(timer);
		timer = undefined;
		if (!closed) {
			closed = true;
			options.onClose?.();
		}
	};
	return new ReadableStream<Uint8Array>({
		async start(controller) {
			let open = true;
			const send = (chunk: Uint8Array) => {
				if (!open) return;
				try {
					controller.enqueue(chunk);
				} catch {
					open = false;
					cleanup();
				}
			};
			let sent = options.lastEventId ?? -1;
			let replaying = options.lastEventId != null;
			const pending: CaseStreamEvent[] = [];
			const deliver = (events: CaseStreamEvent[]) => {
				for (const e of events) {
					if (e.id <= sent) continue; // already replayed: no duplicates
					sent = e.id;
					if (!unitInScope(scope, e.unit)) continue; // outside the reader's jurisdiction
					send(e.frame);
				}
			};
			unsubscribe = hub.subscribe((events) => {
				if (replaying) pending.push(...events);
				else deliver(events);
			});
			const end = () => {
				open = false;
				cleanup();
				try {
					controller.close();
				} catch {
					/* already closed */
				}
			};
			if (options.signal?.aborted) return end();
			options.signal?.addEventListener('abort', end);
			send(encoder.encode(`retry: 1000\n: connected\n\n`));
			timer = setInterval(() => send(encoder.encode(`: heartbeat ${Date.now()}\n\n`)), heartbeatMs);
			await hub.whenReady();
			if (replaying) {
				try {
					for (;;) {
						const rows = await readEvents(db, sent);
						if (!rows.length) break;
						deliver(rows.map(streamEvent));
						if (rows.length < 2000) break;
					}
				} finally {
					replaying = false;
					deliver(pending.splice(0));
				}
			}
		},
		cancel() {
			cleanup();
		}
	});
}

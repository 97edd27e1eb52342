// One LISTEN connection per database handle (per app process) on the server engine, shared by
// everything that waits for the database to announce a change: the case stream (gridatlas_cases)
// and the data versions behind every cache (gridatlas_data). Payloads start with "<schema>:" so
// tests sharing one server in separate schemas never hear each other; handlers get the rest.
// After a lost connection it reconnects and tells every handler, which then reads what it missed.
import type { Db } from './types';

type Handler = (payload: string) => void;

export class Listener {
	private handlers = new Map<string, Set<Handler>>();
	private reconnects = new Set<() => void>();
	private client?: { end(): Promise<void>; query(sql: string): Promise<unknown> };
	private listened = new Set<string>();
	private closed = false;
	/** True while the connection is up and LISTENing: changes are then heard within milliseconds. */
	connected = false;
	readonly ready: Promise<void>;

	constructor(private url: string) {
		this.ready = this.connect();
		this.ready.catch(() => this.retry(1000));
	}

	/** Connects again after `ms`, and again until it works; then every handler reads what it missed. */
	private retry(ms: number): void {
		setTimeout(() => {
			if (this.closed) return;
			this.connect().then(
				() => {
					for (const fn of this.reconnects) fn();
				},
				() => this.retry(1000)
			);
		}, ms).unref?.();
	}

	/**
	 * Hears `channel` from the moment this resolves (the LISTEN is in place: whatever commits after
	 * it is heard); resolves to the function that stops.
	 */
	async on(channel: string, fn: Handler): Promise<() => void> {
		let set = this.handlers.get(channel);
		if (!set) this.handlers.set(channel, (set = new Set()));
		set.add(fn);
		await this.ready;
		await this.sync();
		const handlers = set;
		return () => void handlers.delete(fn);
	}

	/** LISTENs to every channel that has handlers and is not listened to on this connection yet. */
	private async sync(): Promise<void> {
		const client = this.client;
		if (!client) return;
		for (const channel of this.handlers.keys()) {
			if (this.listened.has(channel)) continue;
			this.listened.add(channel);
			await client.query(`LISTEN ${channel}`);
		}
	}

	/** Called after the connection came back (notifications sent meanwhile were lost). */
	onReconnect(fn: () => void): () => void {
		this.reconnects.add(fn);
		return () => this.reconnects.delete(fn);
	}

	private async connect(): Promise<void> {
		const { default: pg } = await import('pg');
		const client = new pg.Client({ connectionString: this.url, application_name: 'gridatlas-listen' });
		await client.connect();
		const [{ schema }] = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows;
		client.on('notification', (msg) => {
			if (!msg.payload) return;
			const sep = msg.payload.indexOf(':');
			if (msg.payload.slice(0, sep) !== schema) return;
			for (const fn of this.handlers.get(msg.channel) ?? []) fn(msg.payload.slice(sep + 1));
		});
		let lost = false;
		const reconnect = (err?: Error) => {
			if (lost || this.closed) return;
			lost = true;
			this.connected = false;
			if (err) console.error('GridAtlas: LISTEN connection lost, reconnecting:', err.message);
			client.end().catch(() => {});
			this.retry(200);
		};
		client.on('error', reconnect);
		client.on('end', () => reconnect());
		this.client = client;
		this.listened = new Set();
		await this.sync();
		if (this.closed) {
			await client.end().catch(() => {});
			return;
		}
		this.connected = true;
	}

	async close(): Promise<void> {
		this.closed = true;
		this.connected = false;
		await this.ready.catch(() => {});
		await this.client?.end().catch(() => {});
	}
}

const listeners = new WeakMap<object, Listener>();

/** The shared listener of a server-engine database (opened on first use, closed with it); null on the embedded engine. */
export function listenerFor(db: Db, url = db.url): Listener | null {
	if (db.engine !== 'postgres' || !url) return null;
	let l = listeners.get(db);
	if (!l) {
		const made = (l = new Listener(url));
		listeners.set(db, made);
		made.ready.catch((err) => console.error('GridAtlas: LISTEN failed:', err instanceof Error ? err.message : err));
		db.onClose?.(() => made.close());
	}
	return l;
}

/** Closes a database's listener early (tests that close the hub but keep the database). */
export async function closeListener(db: Db): Promise<void> {
	const l = listeners.get(db);
	listeners.delete(db);
	await l?.close();
}

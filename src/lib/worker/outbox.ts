// The phone's outbox: every report, note, step, photo and track point goes through it, online or
// not. Items are kept (IndexedDB in the browser, see idb-outbox.ts) in the order they were made and
// sent in that order, one at a time; an item leaves the outbox only once the server has answered it
// 2xx. Each carries the id the phone gave it and every route stores by that id, so an item sent
// twice (the answer was lost on the way back) is stored once: exactly once, in order.
// Pure logic over a store interface, so it is tested without a browser.

export type OutboxKind = 'report' | 'photo' | 'note' | 'step' | 'patrol';

export interface OutboxItem {
	/** Order of creation, given by the store. */
	seq?: number;
	kind: OutboxKind;
	/** The client id the server stores the item by. */
	id: string;
	/** The case it belongs to (photos, notes, steps). */
	caseId?: string;
	/** A line for the queue's list ("上报 环境卫生 14:02"). */
	label: string;
	createdAt: string;
	/** POST target and JSON body (photos: a multipart form of the blobs below). */
	url: string;
	body?: unknown;
	photo?: Blob;
	thumb?: Blob;
	/** Form fields beside the photo. */
	fields?: Record<string, string>;
	attempts: number;
	/** pending: waits its turn; refused: the server said no (kept visible until dismissed). */
	state: 'pending' | 'refused';
	error?: string;
}

export interface OutboxStore {
	/** Adds items in one go (a report and its photos are queued together or not at all). */
	add(items: OutboxItem[]): Promise<void>;
	all(): Promise<OutboxItem[]>;
	put(item: OutboxItem): Promise<void>;
	remove(seq: number): Promise<void>;
}

/** What became of one attempt. */
export type Outcome = 'sent' | 'retry' | 'refused';

/**
 * An answer's status → what to do with the item: 2xx sent; no answer (0), a timeout, rate limit,
 * server error, an expired session (401: sign in and it goes) or a database still starting → keep it
 * and stop here (later items wait: order); any other refusal is final for this item.
 */
export function outcomeOf(status: number): Outcome {
	if (status >= 200 && status < 300) return 'sent';
	if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return 'retry';
	return 'refused';
}

export interface Sent {
	status: number;
	message?: string;
}

/** Sends one item: resolves with the HTTP status (0 when there was no answer: offline). */
export type Sender = (item: OutboxItem) => Promise<Sent>;

export interface FlushResult {
	sent: number;
	refused: number;
	/** Items still waiting (stopped at the first one that must be retried). */
	left: number;
}

/** Items in the order they must go: by sequence (creation), refused ones out of the way. */
export function sendOrder(items: OutboxItem[]): OutboxItem[] {
	return items.filter((i) => i.state === 'pending').sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/**
 * Sends what waits, oldest first, one at a time; stops at the first item that must be retried, so
 * nothing overtakes it. An item refused for good is kept (state 'refused', with the server's
 * reason) for the worker to read and dismiss; items of the same case after a refused report are
 * refused by the server in turn (no such case).
 */
export async function flush(store: OutboxStore, send: Sender, onChange?: () => void): Promise<FlushResult> {
	const result: FlushResult = { sent: 0, refused: 0, left: 0 };
	const queue = sendOrder(await store.all());
	for (let i = 0; i < queue.length; i++) {
		const item = queue[i];
		let answer: Sent;
		try {
			answer = await send(item);
		} catch (err) {
			answer = { status: 0, message: err instanceof Error ? err.message : String(err) };
		}
		const outcome = outcomeOf(answer.status);
		if (outcome === 'sent') {
			await store.remove(item.seq!);
			result.sent++;
		} else if (outcome === 'refused') {
			await store.put({ ...item, attempts: item.attempts + 1, state: 'refused', error: answer.message ?? `HTTP ${answer.status}` });
			result.refused++;
		} else {
			await store.put({ ...item, attempts: item.attempts + 1, error: answer.message });
			result.left = queue.length - i;
			onChange?.();
			return result;
		}
		onChange?.();
	}
	return result;
}

/** An in-memory store (tests, and a browser without IndexedDB). */
export class MemoryOutbox implements OutboxStore {
	private items = new Map<number, OutboxItem>();
	private next = 1;
	async add(items: OutboxItem[]) {
		for (const i of items) {
			const seq = this.next++;
			this.items.set(seq, { ...i, seq });
		}
	}
	async all() {
		return [...this.items.values()].sort((a, b) => a.seq! - b.seq!);
	}
	async put(item: OutboxItem) {
		this.items.set(item.seq!, item);
	}
	async remove(seq: number) {
		this.items.delete(seq);
	}
}

/** A client id: time-ordered prefix and randomness (crypto), safe in a URL and a file name. */
export function newClientId(prefix: string, now = Date.now()): string {
	const rand = new Uint8Array(9);
	crypto.getRandomValues(rand);
	const tail = Array.from(rand, (b) => b.toString(36).padStart(2, '0')).join('');
	return `${prefix}-${now.toString(36)}-${tail}`;
}

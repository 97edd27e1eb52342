// Live case reports written together (group commit). Every ingest takes the writers' lock (event ids
// then commit in order: ./index.ts planAndWrite), so a process writes one batch at a time; a batch
// holds the lock for a few round trips to the database, and under a busy map those took ≈ 50 ms — as
// long as the feed's 20 requests a second leave between them, so reports queued for seconds. Here the
// requests that arrive while a batch is being written wait in the process and are written by the next
// batch, all in one transaction, as if sent one after another: the same plan (each item against the
// stored cases and the items before it), each request answered with its own items' outcomes.
import type { CaseItem, CaseItemError, ItemOutcome } from '$geo/cases';
import type { Db } from '../db';

export interface IngestResult {
	received: number;
	inserted: number;
	updated: number;
	unchanged: number;
	rejected: number;
	/** Per-item errors: {index, id, field, code, message, zh, en}. */
	errors: CaseItemError[];
	outcomes: { index: number; id: string; outcome: ItemOutcome }[];
	/** The last case_events id written (the stream's event id), or null if nothing changed. */
	lastEventId: number | null;
}

/** Items written in one transaction at most (a request's own batch limit is far below). */
const MAX_GROUP_ITEMS = 5_000;

type WriteItems = (items: CaseItem[]) => Promise<IngestResult>;

interface Waiting {
	items: CaseItem[];
	resolve: (r: IngestResult) => void;
	reject: (err: unknown) => void;
}

const queues = new WeakMap<Db, { waiting: Waiting[]; running: boolean }>();

/** Writes `items` with the other requests waiting in this process, through `write` (one transaction). */
export function ingestInGroup(db: Db, items: CaseItem[], write: WriteItems): Promise<IngestResult> {
	let q = queues.get(db);
	if (!q) queues.set(db, (q = { waiting: [], running: false }));
	const queue = q;
	return new Promise((resolve, reject) => {
		queue.waiting.push({ items, resolve, reject });
		if (!queue.running) void drain(queue, write);
	});
}

async function drain(queue: { waiting: Waiting[]; running: boolean }, write: WriteItems) {
	queue.running = true;
	try {
		while (queue.waiting.length) {
			let n = 0;
			let size = 0;
			while (n < queue.waiting.length && (n === 0 || size + queue.waiting[n].items.length <= MAX_GROUP_ITEMS)) size += queue.waiting[n++].items.length;
			const group = queue.waiting.splice(0, n);
			try {
				const answers = splitResult(
					group.map((w) => w.items),
					await write(group.flatMap((w) => w.items))
				);
				group.forEach((w, k) => w.resolve(answers[k]));
			} catch (err) {
				// one request's failure must not fail the others: each alone, in order
				if (group.length === 1) group[0].reject(err);
				else for (const w of group) await write(w.items).then(w.resolve, w.reject);
			}
		}
	} finally {
		queue.running = false;
	}
}

/**
 * Each request's part of a group's result. The plan answers one outcome per item, in the items' order,
 * and a refused item's errors with its outcome, in the same order: so the outcomes split by position,
 * and the errors go with the refused items in turn (each request keeps its own item numbers, which the
 * messages name).
 */
export function splitResult(requests: CaseItem[][], all: IngestResult): IngestResult[] {
	const total = requests.reduce((n, items) => n + items.length, 0);
	if (all.outcomes.length !== total) throw new Error(`a grouped ingest answered ${all.outcomes.length} outcomes for ${total} items`);
	// the position of the refused item each error belongs to
	const refused = all.outcomes.flatMap((o, at) => (o.outcome === 'rejected' ? [at] : []));
	let r = 0;
	const errorAt = all.errors.map((e) => {
		while (r < refused.length && (all.outcomes[refused[r]].index !== e.index || all.outcomes[refused[r]].id !== (e.id ?? ''))) r++;
		return r < refused.length ? refused[r] : -1;
	});
	let start = 0;
	return requests.map((items) => {
		const end = start + items.length;
		const outcomes = all.outcomes.slice(start, end);
		const errors = all.errors.filter((_, k) => errorAt[k] >= start && errorAt[k] < end);
		start = end;
		const count = (kind: ItemOutcome) => outcomes.filter((o) => o.outcome === kind).length;
		const wrote = outcomes.some((o) => o.outcome === 'inserted' || o.outcome === 'updated');
		return {
			received: items.length,
			inserted: count('inserted'),
			updated: count('updated'),
			unchanged: count('unchanged'),
			rejected: count('rejected'),
			errors,
			outcomes,
			lastEventId: wrote ? all.lastEventId : null
		};
	});
}

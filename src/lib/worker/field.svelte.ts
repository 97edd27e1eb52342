// The phone's outbox as page state: what waits (for the 待发送 list), whether the phone is online,
// and the sending loop — on start, when the network returns, every 15 s and after each new item;
// one sender at a time across tabs (Web Locks), items in order (outbox.ts).
import { flush, MemoryOutbox, newClientId, type OutboxItem, type OutboxStore, type Sent } from './outbox';
import { IdbOutbox } from './idb-outbox';
import type { PreparedPhoto } from './images';

async function send(item: OutboxItem): Promise<Sent> {
	let body: BodyInit;
	const headers: Record<string, string> = {};
	if (item.photo) {
		const form = new FormData();
		for (const [k, v] of Object.entries(item.fields ?? {})) form.set(k, v);
		form.set('photo', item.photo, 'photo');
		if (item.thumb) form.set('thumb', item.thumb, 'thumb.jpg');
		body = form;
	} else {
		body = JSON.stringify(item.body ?? {});
		headers['content-type'] = 'application/json';
	}
	let res: Response;
	try {
		res = await fetch(item.url, { method: 'POST', body, headers, credentials: 'same-origin' });
	} catch (err) {
		return { status: 0, message: err instanceof Error ? err.message : String(err) };
	}
	let message: string | undefined;
	if (!res.ok) message = ((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? res.statusText;
	// A step has no id of its own: sent again after its answer was lost, it is refused as no longer
	// allowed. If the case shows that step taken since the item was made, it was this one.
	if (item.kind === 'step' && res.status === 409 && item.attempts > 0 && (await stepTaken(item))) return { status: 200 };
	return { status: res.status, message };
}

async function stepTaken(item: OutboxItem): Promise<boolean> {
	try {
		const res = await fetch(`/api/cases/${encodeURIComponent(item.caseId ?? '')}`, { credentials: 'same-origin' });
		if (!res.ok) return false;
		const c = (await res.json()) as { ops?: { steps?: { action: string; at: string }[] } | null };
		const action = (item.body as { action?: string } | undefined)?.action;
		const since = Date.parse(item.createdAt) - 5 * 60_000;
		return !!c.ops?.steps?.some((s) => s.action === action && Date.parse(s.at) >= since);
	} catch {
		return false;
	}
}

export class FieldOutbox {
	items = $state<OutboxItem[]>([]);
	online = $state(true);
	sending = $state(false);
	/** Called after items were sent (the task list reloads). */
	onSent: (() => void) | null = null;
	private store: OutboxStore;
	private timer: ReturnType<typeof setInterval> | undefined;
	private again = false;

	constructor() {
		this.store = typeof indexedDB === 'undefined' ? new MemoryOutbox() : new IdbOutbox();
	}

	start(): () => void {
		this.online = navigator.onLine;
		const up = () => {
			this.online = true;
			void this.flush();
		};
		const down = () => (this.online = false);
		window.addEventListener('online', up);
		window.addEventListener('offline', down);
		this.timer = setInterval(() => void this.flush(), 15_000);
		void this.refresh().then(() => this.flush());
		return () => {
			window.removeEventListener('online', up);
			window.removeEventListener('offline', down);
			clearInterval(this.timer);
		};
	}

	async refresh(): Promise<void> {
		this.items = await this.store.all();
	}

	get pending(): number {
		return this.items.filter((i) => i.state === 'pending').length;
	}

	async flush(): Promise<void> {
		if (this.sending) {
			this.again = true;
			return;
		}
		this.sending = true;
		try {
			do {
				this.again = false;
				const run = () => flush(this.store, send, () => void this.refresh());
				const locks = (navigator as Navigator & { locks?: LockManager }).locks;
				const result = locks ? await locks.request('gridatlas-outbox', run) : await run();
				await this.refresh();
				if (result.sent) this.onSent?.();
				this.online = result.sent > 0 || navigator.onLine;
			} while (this.again);
		} finally {
			this.sending = false;
		}
	}

	async dismiss(item: OutboxItem): Promise<void> {
		await this.store.remove(item.seq!);
		await this.refresh();
	}

	private async enqueue(items: OutboxItem[]): Promise<void> {
		await this.store.add(items);
		await this.refresh();
		void this.flush();
	}

	/** A report and its photos, queued together (the report first). */
	async report(report: Record<string, unknown> & { id: string }, photos: PreparedPhoto[], label: string): Promise<void> {
		const now = new Date().toISOString();
		await this.enqueue([
			{ kind: 'report', id: report.id, label, createdAt: now, url: '/api/worker/reports', body: report, attempts: 0, state: 'pending' },
			...photos.map((p) => this.photoItem(report.id, p, label, null, now))
		]);
	}

	/** A note (or 接单) and its photos. */
	async note(caseId: string, kind: 'note' | 'take', text: string | null, photos: PreparedPhoto[], label: string): Promise<void> {
		const now = new Date().toISOString();
		const id = newClientId('n');
		await this.enqueue([
			{
				kind: 'note',
				id,
				caseId,
				label,
				createdAt: now,
				url: `/api/cases/${encodeURIComponent(caseId)}/notes`,
				body: { id, kind, text, photos: photos.length > 0 },
				attempts: 0,
				state: 'pending'
			},
			...photos.map((p) => this.photoItem(caseId, p, label, id, now))
		]);
	}

	/** A workflow step of the handling side (处置反馈), through /api/cases/<id>/steps. */
	async step(caseId: string, action: string, label: string): Promise<void> {
		await this.enqueue([
			{
				kind: 'step',
				id: newClientId('s'),
				caseId,
				label,
				createdAt: new Date().toISOString(),
				url: `/api/cases/${encodeURIComponent(caseId)}/steps`,
				body: { action },
				attempts: 0,
				state: 'pending'
			}
		]);
	}

	/** Patrol track points, queued as one item. */
	async patrol(points: unknown[], label: string): Promise<void> {
		await this.enqueue([
			{
				kind: 'patrol',
				id: newClientId('t'),
				label,
				createdAt: new Date().toISOString(),
				url: '/api/patrol/points',
				body: { points },
				attempts: 0,
				state: 'pending'
			}
		]);
	}

	private photoItem(caseId: string, p: PreparedPhoto, label: string, note: string | null, now: string): OutboxItem {
		const id = newClientId('p');
		const fields: Record<string, string> = { id };
		if (note) fields.note = note;
		if (p.takenAt) fields.taken_at = p.takenAt;
		if (p.lon !== null && p.lat !== null) {
			fields.exif_lon = String(p.lon);
			fields.exif_lat = String(p.lat);
		}
		return {
			kind: 'photo',
			id,
			caseId,
			label,
			createdAt: now,
			url: `/api/cases/${encodeURIComponent(caseId)}/photos`,
			photo: p.photo,
			thumb: p.thumb ?? undefined,
			fields,
			attempts: 0,
			state: 'pending'
		};
	}
}

// "My tasks", pulled when the page opens and kept live by the case stream (/api/cases/stream, which
// delivers only the reader's jurisdiction's cases): every event reloads the list (debounced). The
// last list is kept on the phone, so the page shows it offline, marked with its time.
import type { WorkerTask } from './tasks';

const KEY = 'gridatlas-worker-tasks';

export class TasksFeed {
	tasks = $state<WorkerTask[]>([]);
	asOf = $state<string | null>(null);
	loading = $state(true);
	/** From the cache, not the server. */
	stale = $state(false);
	/** The stream is down since (ISO), null while live. */
	lostSince = $state<string | null>(null);
	private source: EventSource | null = null;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastEventId = 0;

	start(): () => void {
		try {
			const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { tasks: WorkerTask[]; asOf: string } | null;
			if (saved) {
				this.tasks = saved.tasks;
				this.asOf = saved.asOf;
				this.stale = true;
			}
		} catch {
			// no cache
		}
		void this.load().then(() => this.listen());
		return () => {
			this.source?.close();
			clearTimeout(this.timer);
		};
	}

	async load(): Promise<void> {
		try {
			const res = await fetch('/api/worker/tasks', { credentials: 'same-origin' });
			if (!res.ok) throw new Error(String(res.status));
			const body = (await res.json()) as { tasks: WorkerTask[]; asOf: string; lastEventId: number };
			this.tasks = body.tasks;
			this.asOf = body.asOf;
			this.lastEventId = Math.max(this.lastEventId, body.lastEventId);
			this.stale = false;
			localStorage.setItem(KEY, JSON.stringify({ tasks: body.tasks, asOf: body.asOf }));
		} catch {
			this.stale = true;
		} finally {
			this.loading = false;
		}
	}

	/** A reload soon (several events in a burst: one reload). */
	soon(ms = 400): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.load(), ms);
	}

	private listen(): void {
		this.source = new EventSource(`/api/cases/stream?lastEventId=${this.lastEventId}`);
		this.source.addEventListener('case', () => this.soon());
		this.source.onopen = () => {
			if (this.lostSince) this.soon(0);
			this.lostSince = null;
		};
		this.source.onerror = () => {
			this.lostSince ??= new Date().toISOString();
		};
	}
}

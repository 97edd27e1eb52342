// The patrol on the phone: start/stop; while it runs (and the page is open) the position is taken
// every N seconds, kept for today's track and figures, and sent through the outbox in small batches
// (queued offline like reports, each point with its own id: stored once).
import type { MultiPolygon } from 'geojson';
import { clockTime } from '$lib/i18n/format';
import { newClientId } from './outbox';
import { trackStats, type TrackPoint } from './patrol-stats';
import type { FieldOutbox } from './field.svelte';

const KEY = 'gridatlas-worker-patrol';
const BATCH = 6;

interface Saved {
	day: string;
	patrol: string | null;
	points: (TrackPoint & { id: string; accuracy: number | null })[];
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export class Patrol {
	running = $state(false);
	points = $state<Saved['points']>([]);
	private patrolId: string | null = null;
	private buffer: Saved['points'] = [];
	private timer: ReturnType<typeof setInterval> | undefined;
	private where: () => { lon: number; lat: number; accuracy: number } | null = () => null;
	private grids: MultiPolygon[] = [];
	intervalS = 30;
	/** Today's track as the server has it (sent points only), with the grid's street coverage. */
	server = $state<{ metres: number; insideS: number; streetCoverage: number | null; points: unknown[] } | null>(null);

	constructor(private outbox: FieldOutbox) {}

	get track(): [number, number][] {
		return this.points.map((p) => [p.lon, p.lat]);
	}

	get stats() {
		return trackStats(this.points, this.grids);
	}

	start(where: () => { lon: number; lat: number; accuracy: number } | null, grids: MultiPolygon[]): () => void {
		this.where = where;
		this.grids = grids;
		try {
			const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Saved | null;
			if (saved && saved.day === today()) {
				this.points = saved.points;
				if (saved.patrol) this.begin(saved.patrol);
			}
		} catch {
			// nothing saved
		}
		return () => clearInterval(this.timer);
	}

	private save() {
		localStorage.setItem(KEY, JSON.stringify({ day: today(), patrol: this.running ? this.patrolId : null, points: this.points } satisfies Saved));
	}

	private begin(id: string) {
		this.patrolId = id;
		this.running = true;
		clearInterval(this.timer);
		this.timer = setInterval(() => this.take(), this.intervalS * 1000);
		this.take();
	}

	toggle(intervalS: number): void {
		this.intervalS = intervalS;
		if (this.running) void this.stop();
		else {
			this.begin(newClientId('patrol'));
			this.save();
		}
	}

	private take() {
		const p = this.where();
		if (!p || !this.patrolId) return;
		const point = { id: newClientId('pt'), patrol: this.patrolId, at: new Date().toISOString(), lon: p.lon, lat: p.lat, accuracy: Math.round(p.accuracy) };
		this.points = [...this.points, point];
		this.buffer.push(point);
		this.save();
		if (this.buffer.length >= BATCH) this.sendBuffer();
	}

	private sendBuffer() {
		if (!this.buffer.length) return;
		const batch = this.buffer;
		this.buffer = [];
		void this.outbox.patrol(batch, `${batch.length} × ${clockTime(batch[0].at, 'zh')}`);
	}

	async loadServer(): Promise<void> {
		try {
			const res = await fetch('/api/patrol', { credentials: 'same-origin' });
			if (res.ok) this.server = await res.json();
		} catch {
			// offline: the phone's own figures stand
		}
	}

	async stop(): Promise<void> {
		this.take();
		clearInterval(this.timer);
		this.running = false;
		this.sendBuffer();
		this.patrolId = null;
		this.save();
	}
}

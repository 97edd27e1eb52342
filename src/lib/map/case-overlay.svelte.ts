// The live case overlay's state: the time window (last hour / 24 h / 7 days, or a playback of the
// last day hour by hour), the category filter, the view (hexagons, heat, grid rates), the
// k-suppressed aggregates from the server, and the latest cases kept current by the SSE stream.
// Only aggregates reach the page (no case points), so suppression holds for every viewer.
import type { FeatureCollection } from 'geojson';

export type WindowPreset = '1h' | '24h' | '7d';
export type OverlayView = 'hex' | 'heat' | 'grids';

export interface LatestCase {
	id: string;
	category: string;
	status: string;
	reported_at: string;
	grid_code: string | null;
	community_code: string | null;
	outside_jurisdiction: boolean;
	description: string | null;
}

export interface GridRate {
	code: string;
	count: number | null;
	rate: number | null;
	suppressed: boolean;
	households: number;
}

const HOURS: Record<WindowPreset, number> = { '1h': 1, '24h': 24, '7d': 24 * 7 };
const LATEST = 20;

export class CaseOverlay {
	on = $state(false);
	preset = $state<WindowPreset>('24h');
	view = $state<OverlayView>('hex');
	categories = $state<string[]>([]);
	/** Playback: hours back from now at which the window ends (0 = live). */
	playbackHours = $state(0);
	playing = $state(false);
	cells = $state.raw<{ h3: string; count: number }[]>([]);
	suppressed = $state({ cells: 0, cases: 0, grids: 0 });
	grids = $state.raw<GridRate[]>([]);
	spikes = $state.raw<{ grid: string; observed: number; expected: number; p: number }[]>([]);
	latest = $state.raw<LatestCase[]>([]);
	connected = $state(false);
	lostSince = $state<Date | null>(null);
	error = $state<string | null>(null);
	gridShapes = $state.raw<FeatureCollection | null>(null);
	private source: EventSource | null = null;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private player: ReturnType<typeof setInterval> | undefined;

	window(now = Date.now()): { from: string; to: string } {
		const to = now - this.playbackHours * 3600_000;
		return { from: new Date(to - HOURS[this.preset] * 3600_000).toISOString(), to: new Date(to).toISOString() };
	}

	private query(): string {
		const w = this.window();
		const p = new URLSearchParams({ from: w.from, to: w.to });
		if (this.categories.length) p.set('categories', this.categories.join(','));
		return p.toString();
	}

	async refresh() {
		if (!this.on) return;
		try {
			const q = this.query();
			const [hex, grid] = await Promise.all([
				fetch(`/api/cases/density?${q}&res=9`).then((r) => r.json()),
				fetch(`/api/cases/grids?${q}`).then((r) => r.json())
			]);
			if (hex.message || grid.message) throw new Error(hex.message ?? grid.message);
			this.cells = hex.cells;
			this.grids = grid.grids;
			this.spikes = grid.spikes;
			this.suppressed = { cells: hex.suppressedCells, cases: hex.suppressedCases, grids: grid.suppressedGrids };
			this.error = null;
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	/** Re-asks the server shortly after a burst of stream events (one request per burst). */
	private soon() {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.refresh(), 1500);
	}

	async start() {
		this.on = true;
		const [latest, shapes] = await Promise.all([
			fetch(`/api/cases?limit=${LATEST}`).then((r) => r.json()),
			this.gridShapes ? Promise.resolve(this.gridShapes) : fetch('/api/layers/grids').then((r) => (r.ok ? r.json() : null))
		]);
		this.latest = Array.isArray(latest.cases) ? latest.cases : Array.isArray(latest) ? latest : [];
		this.gridShapes = shapes;
		await this.refresh();
		this.connect();
	}

	stop() {
		this.on = false;
		this.pause();
		this.source?.close();
		this.source = null;
		clearTimeout(this.timer);
	}

	private connect() {
		// EventSource reconnects by itself and sends Last-Event-ID: nothing is missed or repeated.
		const es = new EventSource('/api/cases/stream');
		this.source = es;
		es.onopen = () => {
			this.connected = true;
			this.lostSince = null;
		};
		es.onerror = () => {
			this.connected = false;
			this.lostSince ??= new Date();
		};
		es.addEventListener('case', (e) => {
			const event = JSON.parse((e as MessageEvent).data) as { case: LatestCase & { id: string } };
			const c = event.case;
			this.latest = [c, ...this.latest.filter((x) => x.id !== c.id)].slice(0, LATEST);
			if (this.playbackHours === 0) this.soon();
		});
	}

	/** Plays back the last day: the window's end steps an hour every second, then returns to live. */
	play() {
		this.pause();
		this.playing = true;
		this.playbackHours = 24;
		void this.refresh();
		this.player = setInterval(() => {
			this.playbackHours = Math.max(0, this.playbackHours - 1);
			void this.refresh();
			if (this.playbackHours === 0) this.pause();
		}, 1000);
	}

	pause() {
		clearInterval(this.player);
		this.playing = false;
	}
}

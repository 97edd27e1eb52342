// The live case overlay's state: the time window (last hour / 24 h / 7 days, or a playback of the
// last day hour by hour), the category filter, the view (hexagons, heat, grid rates), the
// k-suppressed aggregates from the server, and the latest cases kept current by the SSE stream.
// Below 'cases:detail' only aggregates reach the page (no case points), so suppression holds.
// The points view (leaders and admins: 'cases:detail') loads the window's cases once as binary
// columns (/api/cases/columns, 16 bytes a case, decoded by geo/density like on the server) and
// keeps them current from the same stream: each event appends to, or rewrites a slot of, the
// growable columns (src/lib/map/case-points.ts); the window, playback and category filter select
// within them without asking the server again.
import type { FeatureCollection } from 'geojson';
import { makeDict } from '$geo/density/columns';
import { CasePoints, type Project } from './case-points';

export type WindowPreset = '1h' | '24h' | '7d';
export type OverlayView = 'hex' | 'heat' | 'grids' | 'points';
/** The views of an account: the points view only with the 'cases:detail' capability. */
export const overlayViews = (detail: boolean): OverlayView[] => (detail ? ['hex', 'heat', 'grids', 'points'] : ['hex', 'heat', 'grids']);

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
	spikes = $state.raw<{ grid: string; name: string; observed: number; expected: number; p: number }[]>([]);
	/** Whether the cases go back far enough for spikes (else none is flagged: "历史不足"). */
	spikeHistory = $state.raw<{ days: number; required: number; sufficient: boolean } | null>(null);
	latest = $state.raw<LatestCase[]>([]);
	/** The points view's columns (null until loaded, and for every other view). */
	points = $state.raw<CasePoints | null>(null);
	/** Bumped on every change to `points` (their arrays change in place). */
	pointsVersion = $state(0);
	/** The clock of the points view's live window, advanced every 30 s while the overlay is on. */
	now = $state(Date.now());
	connected = $state(false);
	/** The stream position reached: the list's snapshot, then each event's id. */
	private lastId: number | null = null;
	lostSince = $state<Date | null>(null);
	error = $state<string | null>(null);
	gridShapes = $state.raw<FeatureCollection | null>(null);
	/** Called for every case the stream reports (the wall screen refreshes its KPIs on it). */
	oncase: ((c: LatestCase) => void) | null = null;
	/** Called when the stream is open again after a loss (to catch up on what a page derives). */
	onreconnect: (() => void) | null = null;
	private source: EventSource | null = null;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private firstPending = 0;
	private retry: ReturnType<typeof setTimeout> | undefined;
	private player: ReturnType<typeof setInterval> | undefined;
	private poll: ReturnType<typeof setInterval> | undefined;
	private clock: ReturnType<typeof setInterval> | undefined;
	/** The points' columns start here (ms): the widest window plus a day of playback when loaded. */
	private pointsFrom = 0;
	private pointsCategories = '';
	private pointsLoading: Promise<void> | null = null;
	/** Stream cases that arrive while the columns load: applied after (the overlap is matched, not doubled). */
	private pointsPending: LatestCase[] | null = null;
	private project: Project | null = null;

	/**
	 * live: the account may read individual cases (the latest list and the stream). Without that
	 * right the overlay shows the suppressed aggregates only, asked for again every 30 s.
	 */
	constructor(readonly live = true) {}

	/** The largest count of a hexagon (the ramp's top in the hexagon view), at least 1. */
	get maxCount(): number {
		return Math.max(1, ...this.cells.map((c) => c.count));
	}

	/** The largest grid rate per 1,000 households (the ramp's top in the grid view), or null with none. */
	get maxRate(): number | null {
		const rates = this.grids.map((g) => g.rate).filter((r): r is number => r !== null);
		return rates.length ? Math.max(...rates) : null;
	}

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

	/** The points view's window in ms; live, it stays open to the future (new cases show at once). */
	pointsWindow(now = this.now): { from: number; to: number } {
		const to = now - this.playbackHours * 3600_000;
		return { from: to - HOURS[this.preset] * 3600_000, to: this.playbackHours === 0 ? to + 86400_000 : to };
	}

	setView(view: OverlayView) {
		this.view = view;
		if (view === 'points') void this.loadPoints();
		else {
			this.points = null;
			this.pointsFrom = 0;
		}
	}

	/** How the points layer draws positions (WGS-84 → the map's CRS); set by the layer. */
	setPointsProjection(project: Project | null) {
		this.project = project;
		if (this.points) {
			this.points.setProjection(project);
			this.pointsVersion++;
		}
	}

	/**
	 * Loads the columns for the window (and a day of playback before it) unless those loaded
	 * already cover it; a category change only re-filters them.
	 */
	async loadPoints(): Promise<void> {
		if (!this.on || this.view !== 'points') return;
		const from = Date.now() - (HOURS[this.preset] + 24) * 3600_000;
		const categories = this.categories.join(',');
		if (this.points && this.pointsFrom <= from) {
			if (categories !== this.pointsCategories) {
				this.pointsCategories = categories;
				this.points.setCategories(this.categories);
				this.pointsVersion++;
			}
			return;
		}
		if (this.pointsLoading) return this.pointsLoading;
		this.pointsLoading = (async () => {
			this.pointsPending = [];
			try {
				const p = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() });
				const res = await fetch(`/api/cases/columns?${p}`);
				if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { message?: string } | null)?.message ?? `HTTP ${res.status}`);
				const codes = JSON.parse(res.headers.get('x-case-codes') ?? '{}') as { categories: string[]; statuses: string[] };
				const buffer = await res.arrayBuffer();
				if (!this.on || this.view !== 'points') return;
				const points = new CasePoints(buffer, makeDict(codes.categories, codes.statuses), {
					base: Math.floor(from / 1000),
					project: this.project,
					categories: this.categories
				});
				this.pointsFrom = from;
				this.pointsCategories = this.categories.join(',');
				this.points = points;
				for (const c of this.pointsPending ?? []) this.addPoint(c);
				this.pointsVersion++;
				this.error = null;
			} catch (err) {
				this.error = (err as Error).message;
			} finally {
				this.pointsPending = null;
				this.pointsLoading = null;
			}
		})();
		return this.pointsLoading;
	}

	/** One stream case into the points' columns: appended, or its slot's status rewritten. */
	private addPoint(c: LatestCase & { lon?: number; lat?: number }) {
		if (this.pointsPending) {
			this.pointsPending.push(c);
			return;
		}
		const points = this.points;
		if (!points || typeof c.lon !== 'number' || typeof c.lat !== 'number') return;
		const t = new Date(c.reported_at).getTime();
		// Older than the loaded columns: outside every window this view can show.
		if (!(t >= this.pointsFrom)) return;
		try {
			if (points.upsert({ lon: c.lon, lat: c.lat, reportedAt: t, category: c.category, status: c.status }).changed) this.pointsVersion++;
		} catch {
			// A category or status added since the columns loaded: load them again with the new codes.
			this.points = null;
			this.pointsFrom = 0;
			void this.loadPoints();
		}
	}

	async refresh() {
		if (!this.on) return;
		if (this.view === 'points') void this.loadPoints();
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
			this.spikeHistory = grid.spikeHistory ?? null;
			this.suppressed = { cells: hex.suppressedCells, cases: hex.suppressedCases, grids: grid.suppressedGrids };
			this.error = null;
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	/** Re-asks the server shortly after a burst of stream events (one request per burst). */
	private soon() {
		// Debounced, but at most 5 s late: a steady feed (10 cases/s) still refreshes the overlay.
		const now = Date.now();
		if (this.timer === undefined) this.firstPending = now;
		clearTimeout(this.timer);
		const wait = Math.max(0, Math.min(1500, this.firstPending + 5000 - now));
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.refresh();
		}, wait);
	}

	async start() {
		this.on = true;
		this.now = Date.now();
		clearInterval(this.clock);
		this.clock = setInterval(() => (this.now = Date.now()), 30_000);
		if (!this.live) {
			this.gridShapes ??= await fetch('/api/layers/grids').then((r) => (r.ok ? r.json() : null));
			clearInterval(this.poll);
			this.poll = setInterval(() => void this.refresh(), 30_000);
			await this.refresh();
			return;
		}
		const [latest, shapes] = await Promise.all([
			fetch(`/api/cases?limit=${LATEST}`).then((r) => r.json()),
			this.gridShapes ? Promise.resolve(this.gridShapes) : fetch('/api/layers/grids').then((r) => (r.ok ? r.json() : null))
		]);
		this.latest = Array.isArray(latest.cases) ? latest.cases : [];
		this.gridShapes = shapes;
		// Resume the stream where the list was read: nothing between the two is missed.
		this.lastId = typeof latest.lastEventId === 'number' ? latest.lastEventId : null;
		this.connect();
		await this.refresh();
	}

	stop() {
		this.on = false;
		clearInterval(this.clock);
		this.points = null;
		this.pointsFrom = 0;
		clearInterval(this.poll);
		this.poll = undefined;
		this.pause();
		this.source?.close();
		this.source = null;
		clearTimeout(this.timer);
		this.timer = undefined;
		clearTimeout(this.retry);
	}

	private connect() {
		// EventSource reconnects by itself and sends Last-Event-ID: nothing is missed or repeated.
		// When the server answers with an error instead (a proxy's 502, a restart), EventSource gives
		// up for good: a new one is opened a few seconds later, for as long as it takes.
		// Opened (or re-opened by us) after the last event seen: the server replays what came since.
		const es = new EventSource(this.lastId === null ? '/api/cases/stream' : `/api/cases/stream?lastEventId=${this.lastId}`);
		this.source = es;
		es.onopen = () => {
			const wasLost = this.lostSince !== null;
			this.connected = true;
			this.lostSince = null;
			if (wasLost) {
				void this.refresh();
				this.onreconnect?.();
			}
		};
		es.onerror = () => {
			this.connected = false;
			this.lostSince ??= new Date();
			if (es.readyState === EventSource.CLOSED && this.source === es) {
				clearTimeout(this.retry);
				this.retry = setTimeout(() => {
					if (this.on && this.source === es) this.connect();
				}, 5000);
			}
		};
		es.addEventListener('case', (e) => {
			const id = Number((e as MessageEvent).lastEventId);
			if (Number.isFinite(id) && id > 0) this.lastId = id;
			const event = JSON.parse((e as MessageEvent).data) as { case: LatestCase & { id: string } };
			const c = event.case;
			this.latest = [c, ...this.latest.filter((x) => x.id !== c.id)].slice(0, LATEST);
			if (this.view === 'points') this.addPoint(c);
			if (this.playbackHours === 0) this.soon();
			this.oncase?.(c);
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

// The wall screen's live numbers: the KPIs and latest cases of /api/wall, asked for again when the
// case stream reports new cases — debounced (one request per burst) but never more than a few
// seconds late under a steady feed — and once a minute anyway (the day rolls over, cases fall due).
// A failed request marks the connection lost (with the time) until one succeeds.
import type { WallCase, WallLive } from './types';

const DEBOUNCE_MS = 400;
const MAX_WAIT_MS = 3000;
const PERIODIC_MS = 60_000;
const LATEST = 30;

export class WallLiveState {
	data = $state.raw<WallLive>() as WallLive;
	lostSince = $state<Date | null>(null);
	private timer: ReturnType<typeof setTimeout> | undefined;
	private firstPending = 0;
	private periodic: ReturnType<typeof setInterval> | undefined;
	private inFlight = false;
	private again = false;
	private stopped = false;

	constructor(
		initial: WallLive,
		private readonly unit: string | null
	) {
		this.data = initial;
	}

	start() {
		this.periodic = setInterval(() => void this.refresh(), PERIODIC_MS);
	}

	stop() {
		this.stopped = true;
		clearInterval(this.periodic);
		clearTimeout(this.timer);
	}

	/** A case of this unit arrived on the stream: on the list at once, the KPIs soon after. */
	push(c: WallCase) {
		const latest = [c, ...this.data.latest.filter((x) => x.id !== c.id)].slice(0, LATEST);
		this.data = { ...this.data, latest };
		this.poke();
	}

	/** A case arrived: refresh soon. */
	poke() {
		const now = Date.now();
		if (this.timer === undefined) this.firstPending = now;
		clearTimeout(this.timer);
		const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstPending + MAX_WAIT_MS - now));
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.refresh();
		}, wait);
	}

	async refresh() {
		if (this.stopped) return;
		// One request at a time; a poke meanwhile asks once more when it is done.
		if (this.inFlight) {
			this.again = true;
			return;
		}
		this.inFlight = true;
		try {
			const res = await fetch(`/api/wall${this.unit ? `?unit=${this.unit}` : ''}`, { cache: 'no-store' });
			if (!res.ok) throw new Error(`HTTP ${res.status}`);
			this.data = (await res.json()) as WallLive;
			this.lostSince = null;
		} catch {
			this.lostSince ??= new Date();
		} finally {
			this.inFlight = false;
			if (this.again) {
				this.again = false;
				this.poke();
			}
		}
	}
}

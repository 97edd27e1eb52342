// The map's patrol layer (leaders and admins): today's walks of the workers inside the reader's
// jurisdiction, from /api/patrol/tracks, loaded when switched on and again every minute.
import type { FeatureCollection, LineString } from 'geojson';

export class PatrolTracks {
	on = $state(false);
	lines = $state.raw<FeatureCollection<LineString> | null>(null);
	error = $state<string | null>(null);
	private timer: ReturnType<typeof setInterval> | undefined;

	async load() {
		const res = await fetch('/api/patrol/tracks');
		const body = await res.json().catch(() => null);
		if (!res.ok || !body) {
			this.error = body?.message ?? String(res.status);
			return;
		}
		this.error = null;
		this.lines = body.lines;
	}

	toggle(on: boolean) {
		this.on = on;
		clearInterval(this.timer);
		if (!on) return;
		void this.load();
		this.timer = setInterval(() => void this.load(), 60_000);
	}

	stop() {
		this.toggle(false);
	}
}

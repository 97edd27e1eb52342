// Watching an online basemap's tiles arrive or fail. MapLibre treats a 404 tile as "no tile here"
// and reports nothing, and a blackholed host (an intranet without internet) reports nothing for a
// long time; so basemap tiles are fetched through a small protocol handler that tells the basemap
// component about every tile that arrived or failed.
import type maplibregl from 'maplibre-gl';

const PROTOCOL = 'gridatlas-tile';

export interface TileWatcher {
	loaded(): void;
	failed(): void;
}

const watchers = new Map<string, TileWatcher>();
let registered = false;

function register(lib: typeof maplibregl) {
	if (registered) return;
	registered = true;
	lib.addProtocol(PROTOCOL, async (params, abort) => {
		// gridatlas-tile://<watch id>/<the real tile URL>
		const rest = params.url.slice(PROTOCOL.length + 3);
		const slash = rest.indexOf('/');
		const watcher = watchers.get(rest.slice(0, slash));
		const url = rest.slice(slash + 1);
		try {
			const res = await fetch(url, { signal: abort.signal });
			if (!res.ok) throw Object.assign(new Error(`${res.status} ${url}`), { status: res.status });
			const data = await res.arrayBuffer();
			watcher?.loaded();
			return { data };
		} catch (err) {
			if (!abort.signal.aborted) watcher?.failed();
			// A 404 status keeps MapLibre quiet: the component decides what a failure means.
			throw Object.assign(err instanceof Error ? err : new Error(String(err)), { status: 404 });
		}
	});
}

/** Tile URL templates routed through the watcher; stop watching with the returned function. */
export function watchTiles(lib: typeof maplibregl, id: string, templates: string[], watcher: TileWatcher): { tiles: string[]; stop(): void } {
	register(lib);
	watchers.set(id, watcher);
	return { tiles: templates.map((t) => `${PROTOCOL}://${id}/${t}`), stop: () => watchers.delete(id) };
}

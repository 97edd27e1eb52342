// Which basemaps the map may offer. The offline basemap (our own roads, water, green space and
// buildings) is always there and always the default: deployments on government intranets have no
// internet. Online raster basemaps are offered only when the server is configured for them:
//
//   GRIDATLAS_BASEMAPS=tianditu,osm,amap   which ones, in this order
//   TIANDITU_KEY=…                          Tianditu's browser key (tianditu is skipped without it)
//   GRIDATLAS_BASEMAP_<ID>_URL=…            a tile URL template ({z}/{x}/{y}) replacing the public
//                                           service, e.g. an intranet mirror; for tianditu the
//                                           labels overlay is GRIDATLAS_BASEMAP_TIANDITU_LABELS_URL
//
// AMap (Gaode) tiles are drawn in GCJ-02: with that basemap the browser shifts every GridAtlas layer
// from WGS-84 to GCJ-02 at display time, so the data stays WGS-84 everywhere else.

import type { BasemapId, BasemapOption } from '../../map/types';

export type { BasemapId, BasemapOption };

export const BASEMAP_IDS = ['offline', 'tianditu', 'osm', 'amap'] as const satisfies readonly BasemapId[];

export interface BasemapConfig {
	basemaps: BasemapOption[];
	/** Configuration that was ignored, and why (logged at start, shown to nobody else). */
	problems: string[];
}

const OFFLINE: BasemapOption = { id: 'offline', crs: 'wgs84' };

const subdomains = (template: string, subs: string[]) => subs.map((s) => template.replace('{s}', s));

function tiandituTiles(layer: 'vec' | 'cva', key: string): string[] {
	// Web-Mercator WMTS ("_w"); eight load-balanced hosts t0…t7.
	return subdomains(
		`https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default` +
			`&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
		['0', '1', '2', '3', '4', '5', '6', '7']
	);
}

function isTemplate(url: string): boolean {
	return /^https?:\/\//.test(url) && url.includes('{z}') && url.includes('{x}') && url.includes('{y}');
}

/** Reads the configuration (process.env by default). Unknown or incomplete entries are skipped. */
export function configuredBasemaps(env: Record<string, string | undefined> = process.env): BasemapConfig {
	const basemaps: BasemapOption[] = [OFFLINE];
	const problems: string[] = [];
	const wanted = (env.GRIDATLAS_BASEMAPS ?? '')
		.split(',')
		.map((s) => s.trim().toLowerCase())
		.filter((s) => s !== '' && s !== 'offline');
	const override = (id: string, suffix = '') => {
		const name = `GRIDATLAS_BASEMAP_${id.toUpperCase()}${suffix}_URL`;
		const url = env[name]?.trim();
		if (!url) return undefined;
		if (isTemplate(url)) return [url];
		problems.push(`${name}: not an http(s) URL template with {z}, {x} and {y}`);
		return null;
	};
	for (const id of new Set(wanted)) {
		switch (id) {
			case 'tianditu': {
				const key = env.TIANDITU_KEY?.trim();
				const tiles = override(id);
				const labels = override(id, '_LABELS');
				if (tiles === null || labels === null) break;
				if (!key && !tiles) {
					problems.push('tianditu: TIANDITU_KEY is not set');
					break;
				}
				basemaps.push({
					id,
					crs: 'wgs84',
					tiles: tiles ?? tiandituTiles('vec', key!),
					overlayTiles: labels ?? (key ? tiandituTiles('cva', key) : undefined),
					attribution: '© 天地图 国家地理信息公共服务平台',
					maxzoom: 18
				});
				break;
			}
			case 'osm': {
				const tiles = override(id);
				if (tiles === null) break;
				basemaps.push({
					id,
					crs: 'wgs84',
					tiles: tiles ?? ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
					attribution: '© OpenStreetMap contributors',
					maxzoom: 19
				});
				break;
			}
			case 'amap': {
				const tiles = override(id);
				if (tiles === null) break;
				basemaps.push({
					id,
					crs: 'gcj02',
					tiles: tiles ?? subdomains('https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}', ['1', '2', '3', '4']),
					attribution: '© 高德地图 AutoNavi',
					maxzoom: 18
				});
				break;
			}
			default:
				problems.push(`GRIDATLAS_BASEMAPS: unknown basemap "${id}" (known: tianditu, osm, amap)`);
		}
	}
	return { basemaps, problems };
}

let logged = false;

/** The configured basemaps; problems are printed once per process. */
export function availableBasemaps(): BasemapOption[] {
	const { basemaps, problems } = configuredBasemaps();
	if (!logged && problems.length > 0) {
		logged = true;
		for (const p of problems) console.warn(`GridAtlas basemaps: ${p}`);
	}
	return basemaps;
}

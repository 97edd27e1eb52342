// Kindergartens with seats imported over HTTP into a running demo server (the demo has none), for the
// browser tests of capacity rules (千人指标) and demand-weighted access: one at a building of each of the
// first communities with mapped buildings, through the import page as the admin.
import type { AppServer } from './app-server';

/**
 * Imports one kindergarten per seat count, the i-th at the first building of the i-th community with
 * buildings (named `${name} i`), as kindergartens.geojson; answers the import action's JSON.
 */
export async function importKindergartensOverHttp(app: AppServer, name: string, seats: number[]): Promise<{ type: string; data?: string }> {
	const report = await (await app.fetch(`${app.url}/api/coverage`)).json();
	const mapped = [...new Set(report.cells.filter((c: any) => c.buildings > 0).map((c: any) => c.community as string))].slice(0, seats.length);
	const features = [];
	for (const [i, code] of mapped.entries()) {
		const b = (await (await app.fetch(`${app.url}/api/coverage/cell?community=${code}&rule=culture_500`)).json()).buildings.features[0].properties;
		features.push({
			type: 'Feature',
			id: `kg-${i}`,
			properties: { category: 'kindergarten', name: `${name} ${i}`, seats: seats[i] },
			geometry: { type: 'Point', coordinates: [b.lon, b.lat] }
		});
	}
	const form = new FormData();
	form.set('layer', 'facilities');
	form.set('crs', 'wgs84');
	form.set('file', new Blob([JSON.stringify({ type: 'FeatureCollection', features })]), 'kindergartens.geojson');
	const imported = await app.fetch(`${app.url}/import`, { method: 'POST', body: form, headers: { origin: app.url, accept: 'application/json' } });
	return imported.json();
}

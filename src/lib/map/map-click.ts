// What a click on the map means on the map page: a facility or case dot shows its card; otherwise
// the drill-down picks a unit (see drill.ts); a click inside the selected grid shows the building
// under the pointer. The units under the click come from the server (/api/locate, WGS-84), so the
// answer does not depend on which layers are drawn.
import type { MapApi } from './map-api';
import { drillTarget } from './drill';

export interface PointPick {
	layer: string;
	source: 'facilities' | 'cases' | 'buildings';
	id: number;
	properties: Record<string, unknown>;
}

export type ClickOutcome = { unit: string } | { point: PointPick | null };

/** A row of the exact case points (deck.gl, binary columns): what its card shows. */
export type CasePointAt = (row: number) => { lon: number; lat: number; category: string; status: string; reportedAt: string } | null;

export async function resolveClick(
	api: MapApi,
	selected: { code: string | null; kind: string },
	e: { point: { x: number; y: number }; lngLat: [number, number] },
	casePointAt?: CasePointAt
): Promise<ClickOutcome> {
	const [dot] = api.query(e.point, ['case-circle', 'facility-circle']);
	if (dot) {
		return {
			point: { layer: dot.layer.id, source: dot.source as 'facilities' | 'cases', id: Number(dot.id), properties: { ...dot.properties } }
		};
	}
	// The leaders' points view: a point of the binary columns shows the same card as a case dot.
	const hit = casePointAt ? api.pickDeck(e.point) : null;
	const point = hit?.layerId === 'case-points' ? casePointAt!(hit.index) : null;
	if (point) {
		return {
			point: {
				layer: 'case-circle',
				source: 'cases',
				id: hit!.index,
				properties: { category: point.category, status: point.status, reported_at: point.reportedAt, lon: point.lon, lat: point.lat }
			}
		};
	}
	const res = await fetch(`/api/locate?lon=${e.lngLat[0]}&lat=${e.lngLat[1]}`);
	if (!res.ok) return { point: null };
	const loc = await res.json();
	const target = drillTarget(selected.code, [loc.subdistrict?.code ?? null, loc.community?.code ?? null, loc.grid?.code ?? null]);
	if (target) return { unit: target };
	if (selected.kind !== 'grid') return { point: null };
	const deckHit = api.pickDeck(e.point);
	const properties = deckHit?.object
		? (deckHit.object as { properties: Record<string, unknown> }).properties
		: api.query(e.point, ['building-fill'])[0]?.properties;
	return { point: properties ? { layer: 'building-fill', source: 'buildings', id: Number(properties.id), properties: { ...properties } } : null };
}

// Plain geometry for the coverage cell view: the box to fit, buildings re-coloured by a what-if,
// proposed sites as points, and the line from a building to the nearest point of its facility.
import nearestPointOnLine from '@turf/nearest-point-on-line';
import polygonToLine from '@turf/polygon-to-line';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon, Position } from 'geojson';

export type BBox = [number, number, number, number];

export function bboxOf(fc: FeatureCollection): BBox | null {
	let b: BBox | null = null;
	const visit = (p: Position) => {
		b = b ? [Math.min(b[0], p[0]), Math.min(b[1], p[1]), Math.max(b[2], p[0]), Math.max(b[3], p[1])] : [p[0], p[1], p[0], p[1]];
	};
	const walk = (c: unknown): void => (typeof (c as number[])[0] === 'number' ? visit(c as Position) : (c as unknown[]).forEach(walk));
	for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) walk(f.geometry.coordinates);
	return b;
}

/** The buildings with `covered` and `distance_m` replaced where the what-if says otherwise. */
export function recolour(buildings: FeatureCollection, now: Map<string, { covered: boolean; distanceM: number }>): FeatureCollection {
	return {
		type: 'FeatureCollection',
		features: buildings.features.map((f) => {
			const c = now.get(String(f.properties!.id));
			return c ? { ...f, properties: { ...f.properties, covered: c.covered, distance_m: Number.isFinite(c.distanceM) ? c.distanceM : null } } : f;
		})
	};
}

/** What-if additions and suggested sites as one point collection (`kind` tells them apart). */
export function proposedSites(
	added: { id: string; geometry: unknown }[],
	suggestions: { lon: number; lat: number; householdsGained: number }[]
): FeatureCollection<Point> {
	return {
		type: 'FeatureCollection',
		features: [
			...added.map((f) => ({ type: 'Feature' as const, properties: { id: f.id, kind: 'whatif' }, geometry: f.geometry as Point })),
			...suggestions.map((s, i) => ({
				type: 'Feature' as const,
				properties: { id: `suggestion-${i + 1}`, kind: 'suggestion', gain: s.householdsGained },
				geometry: { type: 'Point' as const, coordinates: [s.lon, s.lat] }
			}))
		]
	};
}

/** From a point to a facility: its point, or the nearest point of a polygon's outline. */
export function lineToFacility(from: Position, facility: Feature): [Position, Position] | null {
	if (!facility.geometry) return null;
	if (facility.geometry.type === 'Point') return [from, facility.geometry.coordinates];
	if (facility.geometry.type !== 'Polygon' && facility.geometry.type !== 'MultiPolygon') return null;
	const outline = polygonToLine(facility as Feature<Polygon | MultiPolygon>);
	const lines = 'features' in outline ? outline.features : [outline];
	let best: Position | null = null;
	let bestD = Infinity;
	for (const line of lines) {
		const hit = nearestPointOnLine(line as Feature<LineString | MultiLineString>, from, { units: 'meters' });
		if ((hit.properties.dist ?? Infinity) < bestD) {
			bestD = hit.properties.dist ?? Infinity;
			best = hit.geometry.coordinates;
		}
	}
	return best ? [from, best] : null;
}

/** The box around points given as lon / lat (a capacity cell's facilities). */
export const pointsBox = (points: { lon: number; lat: number }[]): BBox | null =>
	bboxOf({
		type: 'FeatureCollection',
		features: points.map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } }))
	});

/** What the cell panel says of the building clicked on the map: its id, distance to the nearest facility, covered. */
export const buildingFacts = (f: Feature | null) =>
	f ? { id: String(f.properties!.id), distanceM: (f.properties!.distance_m as number | null) ?? null, covered: Boolean(f.properties!.covered) } : null;

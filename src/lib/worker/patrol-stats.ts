// A patrol track's figures: distance walked and time spent inside the own grid(s). Pure (the
// phone shows them as it walks; the server computes the same from the stored points).
import { insideAny, metres } from './geometry';
import type { MultiPolygon, Polygon } from 'geojson';

export interface TrackPoint {
	at: string;
	lon: number;
	lat: number;
	/** The patrol the point belongs to (a gap between patrols is not walked). */
	patrol: string;
}

/** Steps longer than this between two points (a lost fix, a bus ride) are not counted as walked. */
export const MAX_STEP_M = 500;
/** Nor are gaps longer than this (the page was closed). */
export const MAX_GAP_S = 300;

export function trackStats(points: TrackPoint[], grids: (Polygon | MultiPolygon)[]): { metres: number; insideS: number; points: number } {
	const sorted = [...points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
	let total = 0;
	let inside = 0;
	for (let i = 1; i < sorted.length; i++) {
		const a = sorted[i - 1];
		const b = sorted[i];
		if (a.patrol !== b.patrol) continue;
		const dt = (Date.parse(b.at) - Date.parse(a.at)) / 1000;
		if (!(dt > 0) || dt > MAX_GAP_S) continue;
		const d = metres([a.lon, a.lat], [b.lon, b.lat]);
		if (d <= MAX_STEP_M) total += d;
		if (grids.length && insideAny(grids, a.lon, a.lat) && insideAny(grids, b.lon, b.lat)) inside += dt;
	}
	return { metres: Math.round(total), insideS: Math.round(inside), points: sorted.length };
}

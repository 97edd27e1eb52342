// Split an area in two along one line (a district boundary, a named road) and tidy coordinates.
import { bbox as turfBbox, difference, featureCollection, intersect } from '@turf/turf';
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { expandBBox, fitCenterline, lowSidePolygon, type CenterlineOptions, type CutAxis } from './cut';

type Areal = Polygon | MultiPolygon;

/**
 * Split `area` along `line` (e.g. a road or boundary running north–south for axis 'x', east–west for
 * 'y'). The line is turned into a centreline monotone along the cut and extended straight beyond its
 * ends. Returns the low side (west / south) and the high side (east / north); either may be null
 * when the line misses the area. low ∪ high = area, low ∩ high = ∅ (exactly: high = area − low).
 */
export function splitByLine(
	area: Feature<Areal>,
	line: Feature<LineString | MultiLineString>,
	axis: CutAxis,
	opts: CenterlineOptions = {}
): { low: Feature<Areal> | null; high: Feature<Areal> | null } {
	const box = turfBbox(area);
	const cut = fitCenterline(line, axis, box, expandBBox(box, 50), {
		minCoverage: opts.minCoverage ?? 0.3,
		straightnessM: opts.straightnessM ?? 1000,
		binM: opts.binM ?? 5
	});
	if (!cut) throw new Error(`splitByLine: line ${String(line.properties?.name ?? '')} does not cross the area`);
	const side = lowSidePolygon(cut, expandBBox(box, 200));
	const low = intersect(featureCollection<Areal>([area, side]));
	const high = difference(featureCollection<Areal>([area, side]));
	return { low: low ?? null, high: high ?? null };
}

function roundRing(ring: Position[], f: number): Position[] | null {
	const out: Position[] = [];
	for (const p of ring) {
		const q = [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f];
		const last = out[out.length - 1];
		if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
	}
	// Close, drop degenerate rings (fewer than 3 distinct corners).
	if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
	// Remove spikes A-B-A created by rounding.
	let changed = true;
	while (changed && out.length >= 3) {
		changed = false;
		for (let i = 0; i < out.length; i++) {
			const a = out[(i - 1 + out.length) % out.length];
			const c = out[(i + 1) % out.length];
			if (a[0] === c[0] && a[1] === c[1]) {
				out.splice(i, 1);
				changed = true;
				break;
			}
		}
	}
	if (out.length < 3) return null;
	out.push([out[0][0], out[0][1]]);
	return out;
}

/** Round coordinates to `decimals`, drop repeated points, spikes and collapsed rings/polygons. */
export function roundGeometry(g: Areal, decimals = 7): Areal {
	const f = 10 ** decimals;
	const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
		.map((poly) => {
			const outer = roundRing(poly[0], f);
			if (!outer) return null;
			const holes = poly.slice(1).map((r) => roundRing(r, f)).filter((r): r is Position[] => r !== null);
			return [outer, ...holes];
		})
		.filter((p): p is Position[][] => p !== null);
	if (polys.length === 0) throw new Error('roundGeometry: geometry collapsed');
	return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

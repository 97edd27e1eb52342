// Local distances on the WGS-84 ellipsoid, the cheap-ruler way: metres per degree of longitude (kx)
// and latitude (ky) from the radii of curvature at the query's latitude, plus a first-order
// correction to the midpoint latitude of each pair. Against the ellipsoidal geodesic (what PostGIS
// `ST_Distance`/`ST_DWithin` on geography use) the error is millimetres at 2 km around 32° N
// (coverage.test.ts checks it against Vincenty); plain haversine on a sphere is off by up to ~0.5 %.
//
// The walking network's edge lengths are `distanceM` summed over each edge's segments (lineLengthM in
// ./index), so network distances and straight distances share this model.
//
// Every distance in geo/coverage is `distFrom` (to a point) or `segDistFrom` (to a segment) measured
// FROM the building (the query) — one canonical formula, so the fast path, the what-if updates and
// brute-force checks give bit-identical numbers. Longitudes are not wrapped (no antimeridian).

const A = 6378137; // WGS-84 equatorial radius, m
const F = 1 / 298.257223563; // WGS-84 flattening
const E2 = F * (2 - F);
export const RAD = Math.PI / 180;
const M = RAD * A;

/** Coefficients of the local ruler at one latitude. */
export interface Ruler {
	/** metres per degree of longitude */
	kx: number;
	/** metres per degree of latitude */
	ky: number;
	/** half of d kx / d lat (per degree): kx at the midpoint of a pair = kx + hx·Δlat */
	hx: number;
	/** half of d ky / d lat (per degree) */
	hy: number;
}

const SCRATCH = new Float64Array(4);

export function rulerAt(lat: number): Ruler {
	rulerInto(lat, SCRATCH, 0);
	return { kx: SCRATCH[0], hx: SCRATCH[1], ky: SCRATCH[2], hy: SCRATCH[3] };
}

/**
 * Rulers are taken at the latitude rounded to 1e-5° (≈ 1 m): a change of 5e-8 in kx, 0.1 mm at
 * 2 km, which lets a batch share one ruler among the buildings of the same row of latitude.
 */
export const RULER_STEPS_PER_DEGREE = 1e5;

/** Writes kx, hx, ky, hy of latitude `lat` at out[o … o+3]. */
export function rulerInto(lat: number, out: Float64Array, o: number): void {
	rulerOfStep(Math.round(lat * RULER_STEPS_PER_DEGREE), out, o);
}

/** The ruler of latitude step / RULER_STEPS_PER_DEGREE. */
export function rulerOfStep(step: number, out: Float64Array, o: number): void {
	const q = step / RULER_STEPS_PER_DEGREE;
	const s = Math.sin(q * RAD);
	const c = Math.cos(q * RAD);
	const w2 = 1 / (1 - E2 * s * s);
	const w = Math.sqrt(w2);
	const ky = M * w * w2 * (1 - E2); // meridional radius of curvature
	out[o] = M * w * c; // normal radius of curvature × cos φ
	out[o + 1] = -0.5 * RAD * ky * s;
	out[o + 2] = ky;
	out[o + 3] = 0.5 * RAD * ky * 3 * E2 * s * c * w2;
}

/** Metres from (lon, lat) — whose ruler is kx, hx, ky, hy — to (lon2, lat2). */
export function distFrom(lon: number, lat: number, kx: number, hx: number, ky: number, hy: number, lon2: number, lat2: number): number {
	const dlat = lat2 - lat;
	const dx = (lon2 - lon) * (kx + hx * dlat);
	const dy = dlat * (ky + hy * dlat);
	return Math.sqrt(dx * dx + dy * dy);
}

/** Metres from (lon, lat) to the segment a–b: the closest point is found in the plane of the query's ruler. */
export function segDistFrom(lon: number, lat: number, kx: number, hx: number, ky: number, hy: number, ax: number, ay: number, bx: number, by: number): number {
	let x = ax,
		y = ay;
	const ex = (bx - ax) * kx,
		ey = (by - ay) * ky;
	const l2 = ex * ex + ey * ey;
	if (l2 > 0) {
		const t = ((lon - ax) * kx * ex + (lat - ay) * ky * ey) / l2;
		if (t >= 1) {
			x = bx;
			y = by;
		} else if (t > 0) {
			x = ax + (bx - ax) * t;
			y = ay + (by - ay) * t;
		}
	}
	return distFrom(lon, lat, kx, hx, ky, hy, x, y);
}

/** Metres between two points, measured from the first (the convenience form of distFrom). */
export function distanceM(lon: number, lat: number, lon2: number, lat2: number): number {
	// no object per call: edge lengths call this once per segment of a city's walkways
	rulerInto(lat, DISTANCE_SCRATCH, 0);
	const r = DISTANCE_SCRATCH;
	return distFrom(lon, lat, r[0], r[1], r[2], r[3], lon2, lat2);
}

const DISTANCE_SCRATCH = new Float64Array(4);

/**
 * Bounds of the rulers over a latitude band [lat0, lat1] for pairs inside it: every distance
 * `distFrom` gives between two points of the band satisfies
 * |Δlon|·kxLo ≤ … and |Δlat|·kyLo ≤ d ≤ sqrt((|Δlon|·kxHi)² + (|Δlat|·kyHi)²).
 * (kx falls and ky grows with |lat|; the slack covers the second-order terms of the midpoint correction.)
 */
export interface Band {
	kxLo: number;
	kxHi: number;
	kyLo: number;
	kyHi: number;
}

/** A lower bound of ky anywhere: M(1 − e²) at the equator, less 2 % for the midpoint correction. */
export const KY_MIN = 0.98 * M * (1 - E2);

export function bandOf(lat0: number, lat1: number, out: Band): Band {
	const lo = Math.max(-90, Math.min(lat0, lat1));
	const hi = Math.min(90, Math.max(lat0, lat1));
	const absMax = Math.max(Math.abs(lo), Math.abs(hi));
	const absMin = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
	const span = (hi - lo) * RAD;
	const slack = 1e-4 + span * span;
	const far = rulerAt(absMax);
	const near = rulerAt(absMin);
	out.kxLo = Math.max(0, far.kx * (1 - slack) - M * span * span);
	out.kxHi = near.kx * (1 + slack) + M * span * span;
	out.kyLo = Math.max(near.ky * (1 - slack), KY_MIN);
	out.kyHi = far.ky * (1 + slack);
	return out;
}

/**
 * A lon/lat box holding every point within r metres (by distFrom, either direction) of any point of
 * the box [minLon, minLat, maxLon, maxLat]. Returns the expanded box in `out`.
 */
export function expandBox(minLon: number, minLat: number, maxLon: number, maxLat: number, r: number, out: Float64Array, band: Band): Float64Array {
	// latitude with the least ky anywhere, then longitude with kx at the farthest latitude reached
	const dlat = r / KY_MIN;
	const lat0 = minLat - dlat,
		lat1 = maxLat + dlat;
	bandOf(lat0, lat1, band);
	const dlon = band.kxLo > 0 ? r / band.kxLo : 360;
	out[0] = minLon - Math.min(dlon, 360);
	out[1] = lat0;
	out[2] = maxLon + Math.min(dlon, 360);
	out[3] = lat1;
	return out;
}

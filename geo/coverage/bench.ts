// npm run bench -- coverage — facility coverage on a synthetic city of 1,000,000 buildings in
// 1,500 communities and 50,000 facilities in 5 categories (two with 30 % polygons), 4 radii each
// (300 / 500 / 1,000 / 2,000 m → 20 rules). Times, on one core, the index builds, every nearest
// distance and the per-community totals; compares with a naive Turf loop and with PostGIS
// nearest-neighbour SQL (when DATABASE_URL is set), checks the fast path against an independent
// brute-force path, and times CoverageWhatIf.move. The city is generated here (seeded), not by
// geo/synth, which builds full polygons for every building (too slow for a million in a bench).
// Ends with RESULT {"ms","vs_turf","vs_postgis","identical","incremental_ms"}.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): 20,000 buildings, 50
// communities, 500 facilities per category; BENCH_BUILDINGS, BENCH_COMMUNITIES and
// BENCH_FACILITIES_PER_CATEGORY override either size.
import KDBush from 'kdbush';
import Flatbush from 'flatbush';
import CheapRuler from 'cheap-ruler';
import * as turf from '@turf/turf';
import type { Geometry, Polygon, Position } from 'geojson';
import { mulberry32 } from '../synth/prng';
import {
	CoverageWhatIf,
	FacilityIndex,
	distFrom,
	evaluateRules,
	nearestFacilityDistances,
	rulerAt,
	segDistFrom,
	type BuildingSet,
	type CoverageFacility,
	type CoverageRuleSpec,
	type CoverageStatus,
	type UnitRuleResult
} from './index';

const SMOKE = process.env.GRIDATLAS_BENCH_SIZE === 'smoke';
const BUILDINGS = Number(process.env.BENCH_BUILDINGS) || (SMOKE ? 20_000 : 1_000_000);
const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES) || (SMOKE ? 50 : 1_500);
const PER_CATEGORY = Number(process.env.BENCH_FACILITIES_PER_CATEGORY) || (SMOKE ? 500 : 10_000);
const CATEGORIES: { id: string; polygons: number }[] = [
	{ id: 'kindergarten', polygons: 0 },
	{ id: 'community_service', polygons: 0 },
	{ id: 'wet_market', polygons: 0 },
	{ id: 'primary_school', polygons: 0.3 },
	{ id: 'plaza', polygons: 0.3 }
];
const RADII = [300, 500, 1000, 2000];
const MAX_M = Math.max(...RADII);
const RULES: CoverageRuleSpec[] = CATEGORIES.flatMap((c) =>
	RADII.map((r) => ({ id: `${c.id}_${r}`, category: c.id, maxDistanceM: r, requiredShare: 0.85, metric: 'straight' as const }))
);
const started = performance.now();
const log = (s: string) => console.log(s);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// ---------------------------------------------------------------- the city

function city() {
	const rng = mulberry32(20240601);
	const gauss = () => {
		let u = 0;
		for (let i = 0; i < 6; i++) u += rng();
		return (u - 3) / Math.SQRT2;
	};
	const lat0 = 31.85,
		lon0 = 118.55;
	const r = rulerAt(lat0 + 0.2);
	const cols = Math.ceil(Math.sqrt(COMMUNITIES)),
		cw = 1000 / r.kx,
		ch = 1000 / r.ky; // ≈ 1 km² communities
	const weights = Array.from({ length: COMMUNITIES }, () => 0.4 + 1.2 * rng());
	const wsum = weights.reduce((a, b) => a + b, 0);
	const n = BUILDINGS;
	const lon = new Float64Array(n),
		lat = new Float64Array(n),
		households = new Float64Array(n);
	const unitOf = new Int32Array(n);
	let i = 0,
		cum = 0;
	for (let c = 0; c < COMMUNITIES; c++) {
		cum += weights[c];
		const end = c === COMMUNITIES - 1 ? n : Math.round((n * cum) / wsum);
		const x0 = lon0 + (c % cols) * cw,
			y0 = lat0 + Math.floor(c / cols) * ch;
		const compounds = Array.from({ length: 3 + Math.floor(rng() * 6) }, () => [x0 + (0.1 + 0.8 * rng()) * cw, y0 + (0.1 + 0.8 * rng()) * ch]);
		const unknownAt = rng() < 0.01 ? i + Math.floor(rng() * (end - i)) : -1; // 1 % of communities: one unknown
		for (; i < end; i++) {
			if (rng() < 0.2) {
				lon[i] = x0 + rng() * cw;
				lat[i] = y0 + rng() * ch;
			} else {
				const p = compounds[Math.floor(rng() * compounds.length)];
				lon[i] = Math.min(x0 + cw, Math.max(x0, p[0] + gauss() * cw * 0.1));
				lat[i] = Math.min(y0 + ch, Math.max(y0, p[1] + gauss() * ch * 0.1));
			}
			households[i] = i === unknownAt ? NaN : rng() < 0.15 ? 0 : 10 + Math.floor(rng() * 140);
			unitOf[i] = c;
		}
	}
	const buildings: BuildingSet = { ids: Array.from({ length: n }, (_, k) => `b${k}`), lon, lat, households };
	const facilities: CoverageFacility[] = [];
	const bbox = [lon0, lat0, lon0 + cols * cw, lat0 + Math.ceil(COMMUNITIES / cols) * ch];
	for (const cat of CATEGORIES) {
		for (let k = 0; k < PER_CATEGORY; k++) {
			let x: number, y: number;
			if (rng() < 0.7) {
				const j = Math.floor(rng() * n);
				x = lon[j] + ((rng() - 0.5) * 300) / r.kx;
				y = lat[j] + ((rng() - 0.5) * 300) / r.ky;
			} else {
				x = bbox[0] + rng() * (bbox[2] - bbox[0]);
				y = bbox[1] + rng() * (bbox[3] - bbox[1]);
			}
			let geometry: Geometry;
			if (rng() < cat.polygons) {
				// an irregular octagon 40–150 m across
				const size = 40 + rng() * 110;
				const ring: Position[] = [];
				for (let v = 0; v < 8; v++) {
					const a = (v / 8) * 2 * Math.PI,
						s = (size / 2) * (0.7 + 0.3 * rng());
					ring.push([x + (Math.cos(a) * s) / r.kx, y + (Math.sin(a) * s) / r.ky]);
				}
				ring.push(ring[0]);
				geometry = { type: 'Polygon', coordinates: [ring] };
			} else geometry = { type: 'Point', coordinates: [x, y] };
			facilities.push({ id: `${cat.id}:${k}`, category: cat.id, geometry });
		}
	}
	return { buildings, unitOf, facilities, bbox };
}

const t0 = performance.now();
const { buildings, unitOf, facilities } = city();
const byCategory = new Map(CATEGORIES.map((c) => [c.id, facilities.filter((f) => f.category === c.id)]));
const polygons = facilities.filter((f) => f.geometry.type === 'Polygon').length;
log(
	`geo/coverage bench: ${BUILDINGS.toLocaleString('en')} buildings in ${COMMUNITIES} communities, ` +
		`${facilities.length.toLocaleString('en')} facilities in ${CATEGORIES.length} categories (${polygons} polygons), ` +
		`radii ${RADII.join('/')} m → ${RULES.length} rules (city generated in ${fmt(performance.now() - t0)})`
);

// ---------------------------------------------------------------- the fast path

function fastPath(b: BuildingSet) {
	const distances = new Map<string, Float64Array>();
	const nearest = new Map<string, Int32Array>();
	const parts = { build: 0, nearest: 0, evaluate: 0 };
	const t = performance.now();
	for (const c of CATEGORIES) {
		const a = performance.now();
		const index = FacilityIndex.build(byCategory.get(c.id)!);
		const m = performance.now();
		const r = nearestFacilityDistances(b, index, MAX_M);
		parts.build += m - a;
		parts.nearest += performance.now() - m;
		distances.set(`straight:${c.id}`, r.distanceM);
		nearest.set(c.id, r.nearest);
	}
	const e = performance.now();
	const results = evaluateRules(b, unitOf, COMMUNITIES, RULES, distances);
	parts.evaluate = performance.now() - e;
	return { ms: performance.now() - t, parts, distances, nearest, results };
}

// a fresh BuildingSet object each run: nothing cached from the previous run (the bucketing is redone)
const fresh = (): BuildingSet => ({ ...buildings });
const sameResults = (a: UnitRuleResult[], b: UnitRuleResult[]) => a.length === b.length && a.every((r, i) => JSON.stringify(r) === JSON.stringify(b[i]));
const fast = fastPath(fresh());
// three more runs, warm (the first run includes the JIT warming up); each must give the same results
let repeatable = true;
const timed = [1, 2, 3]
	.map(() => {
		const run = fastPath(fresh());
		repeatable &&= sameResults(run.results, fast.results);
		return { ms: run.ms, parts: run.parts };
	})
	.sort((a, b) => a.ms - b.ms);
const median = timed[1];
log(
	`fast path (one core): ${fmt(median.ms)} median of 3 warm runs (first, cold run ${fmt(fast.ms)}) — index builds ${fmt(median.parts.build)}, ` +
		`nearest ${fmt(median.parts.nearest)} (bucketing included), per-community totals for ${RULES.length} rules ${fmt(median.parts.evaluate)}`
);
const statuses: Record<CoverageStatus, number> = { pass: 0, fail: 0, no_data: 0, no_facilities: 0 };
for (const r of fast.results) statuses[r.status]++;
log(
	`  ${fast.results.length.toLocaleString('en')} (rule, community) results: ${statuses.pass} pass, ${statuses.fail} fail, ${statuses.no_data} no_data, ${statuses.no_facilities} no_facilities`
);

// ---------------------------------------------------------------- naive Turf loop (sample, extrapolated)

const sampleRng = mulberry32(99);
const TURF_SAMPLE = 60;
let turfMs = 0;
{
	const firstVertex = (g: Geometry): Position => (g.type === 'Point' ? g.coordinates : (g as Polygon).coordinates[0][0]);
	const pts = CATEGORIES.map((c) => byCategory.get(c.id)!.map((f) => firstVertex(f.geometry)));
	let sink = 0;
	const t = performance.now();
	for (let s = 0; s < TURF_SAMPLE; s++) {
		const i = Math.floor(sampleRng() * BUILDINGS);
		const p = [buildings.lon[i], buildings.lat[i]];
		for (const list of pts) {
			let best = Infinity;
			for (const q of list) best = Math.min(best, turf.distance(p, q, { units: 'meters' }));
			sink += best;
		}
	}
	turfMs = ((performance.now() - t) / TURF_SAMPLE) * BUILDINGS;
	if (sink < 0) log('');
}
const vsTurf = turfMs / median.ms;
log(
	`naive Turf loop: turf.distance to every facility of the category (polygons: their first vertex — cheaper than a real ` +
		`point-to-polygon distance) — timed on ${TURF_SAMPLE} buildings × ${CATEGORIES.length} categories, extrapolated to ` +
		`${BUILDINGS.toLocaleString('en')}: ${fmt(turfMs)} → ${Math.round(vsTurf).toLocaleString('en')}× (goal ≥ 500×)`
);

// ---------------------------------------------------------------- PostGIS nearest-neighbour SQL (sample, extrapolated)

let vsPostgis: number | null = null;
const url = process.env.DATABASE_URL;
if (!url) log('postgis: skipped (DATABASE_URL not set)');
else {
	const pg = (await import('pg')).default;
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const SAMPLE = 4000;
		const picked = new Set<number>();
		while (picked.size < Math.min(SAMPLE, BUILDINGS)) picked.add(Math.floor(sampleRng() * BUILDINGS));
		const sample = [...picked];
		await client.query('CREATE TEMP TABLE cov_b (id int PRIMARY KEY, geom geography(Point, 4326))');
		await client.query(
			`INSERT INTO cov_b SELECT (e->>0)::int, ST_SetSRID(ST_MakePoint((e->>1)::float8, (e->>2)::float8), 4326)::geography FROM json_array_elements($1::json) e`,
			[JSON.stringify(sample.map((i) => [i, buildings.lon[i], buildings.lat[i]]))]
		);
		const q = `SELECT b.id, n.fid, n.d FROM cov_b b LEFT JOIN LATERAL (
			SELECT f.id AS fid, ST_Distance(f.geom, b.geom) AS d FROM cov_f f
			WHERE ST_DWithin(f.geom, b.geom, ${MAX_M}) ORDER BY f.geom <-> b.geom LIMIT 1) n ON true`;
		const report: string[] = [];
		let perBuildingMs = 0;
		for (const cat of ['kindergarten', 'primary_school']) {
			const list = byCategory.get(cat)!;
			await client.query('DROP TABLE IF EXISTS cov_f');
			await client.query('CREATE TEMP TABLE cov_f (id int PRIMARY KEY, geom geography(Geometry, 4326))');
			for (let s = 0; s < list.length; s += 2000) {
				await client.query(
					`INSERT INTO cov_f SELECT (e->>'i')::int, ST_SetSRID(ST_GeomFromGeoJSON(e->>'g'), 4326)::geography FROM json_array_elements($1::json) e`,
					[JSON.stringify(list.slice(s, s + 2000).map((f, k) => ({ i: s + k, g: JSON.stringify(f.geometry) })))]
				);
			}
			await client.query('CREATE INDEX ON cov_f USING gist (geom)');
			await client.query('ANALYZE cov_f');
			await client.query('ANALYZE cov_b');
			// the better of two timed runs (the first also warms the caches)
			let ms = Infinity;
			let rows: { id: number; fid: number | null; d: number | null }[] = [];
			for (let k = 0; k < 2; k++) {
				const t = performance.now();
				rows = (await client.query(q)).rows;
				ms = Math.min(ms, performance.now() - t);
			}
			if (cat === 'kindergarten') perBuildingMs = ms / SAMPLE;
			// `<->` on geography orders by sphere distance, so now and then PostGIS takes a facility that is
			// nearest on the sphere but not on the ellipsoid (and so a little farther than ours)
			const ours = fast.distances.get(`straight:${cat}`)!;
			const oursNear = fast.nearest.get(cat)!;
			let mismatch = 0,
				other = 0,
				otherFarther = 0;
			for (const row of rows) {
				const mine = ours[row.id];
				if (row.d === null || !Number.isFinite(mine)) {
					if (Math.min(row.d ?? Infinity, mine) < MAX_M - 1) mismatch++;
				} else if (row.fid !== oursNear[row.id]) {
					other++;
					if (row.d >= mine) otherFarther++;
				}
			}
			// accuracy: ours against ST_Distance(geography) (the spheroid) for the same building–facility
			// pairs — each building's nearest, and its farthest within 2 km (the largest radius)
			const index = FacilityIndex.build(list);
			const pairs: [number, number, number][] = [];
			for (const i of sample) {
				if (oursNear[i] >= 0) pairs.push([i, oursNear[i], ours[i]]);
				const within = index.within(buildings.lon[i], buildings.lat[i], MAX_M);
				const far = within[within.length - 1];
				if (far !== undefined) pairs.push([i, far, index.distanceTo(buildings.lon[i], buildings.lat[i], far)]);
			}
			const { rows: exact } = await client.query(
				`SELECT (e->>2)::int AS k, ST_Distance(b.geom, f.geom) AS d FROM json_array_elements($1::json) e
				 JOIN cov_b b ON b.id = (e->>0)::int JOIN cov_f f ON f.id = (e->>1)::int`,
				[JSON.stringify(pairs.map(([i, f], k) => [i, f, k]))]
			);
			let worst = 0,
				worstFar = 0,
				far = 0;
			for (const row of exact as { k: number; d: number }[]) {
				const [, , mine] = pairs[row.k];
				const err = Math.abs(mine - row.d);
				worst = Math.max(worst, err);
				if (row.d >= 1500) {
					far++;
					worstFar = Math.max(worstFar, err);
				}
			}
			report.push(
				`${cat}: ${fmt(ms)} for ${SAMPLE} buildings; |ours − ST_Distance(geography)| ≤ ${(worst * 1000).toFixed(2)} mm over ${exact.length} building–facility pairs ` +
					`(≤ ${(worstFar * 1000).toFixed(2)} mm over the ${far} at 1.5–2 km); ` +
					`PostGIS took another facility (nearest on the sphere) ${other}× (never nearer than ours: ${other === otherFarther}); ` +
					`${mismatch} disagreements on "within ${MAX_M} m"`
			);
		}
		const postgisMs = perBuildingMs * BUILDINGS * CATEGORIES.length;
		vsPostgis = postgisMs / median.ms;
		log(`PostGIS nearest-neighbour SQL (CROSS JOIN LATERAL … ORDER BY f.geom <-> b.geom LIMIT 1, GiST on geography, ST_DWithin ${MAX_M} m):`);
		for (const r of report) log(`  ${r}`);
		log(
			`  kindergarten timed on a sample, extrapolated to ${BUILDINGS.toLocaleString('en')} buildings × ${CATEGORIES.length} categories ` +
				`(query time only): ${fmt(postgisMs)} → ${Math.round(vsPostgis).toLocaleString('en')}× (goal ≥ 100×)`
		);
	} finally {
		await client.end();
	}
}

// ---------------------------------------------------------------- identical: an independent brute-force path

/**
 * Nearest by brute force over the facilities in a cheap-ruler buffer box (own kdbush / flatbush,
 * not FacilityIndex; no cells, no bounds), with the same canonical distance functions — then the same
 * per-community totals. The buffer is 1 % wider than needed (cheap-ruler's box uses the building's
 * latitude only; the canonical distance corrects to the midpoint, a 1e-4 relative change at 2 km).
 */
function independent(list: CoverageFacility[]): Float64Array {
	const pts: number[] = [];
	const polys: { ring: number[]; box: number[] }[] = [];
	for (const f of list) {
		if (f.geometry.type === 'Point') pts.push(f.geometry.coordinates[0], f.geometry.coordinates[1]);
		else {
			const ring = (f.geometry as Polygon).coordinates[0];
			const flat = ring.flat();
			const xs = ring.map((p) => p[0]),
				ys = ring.map((p) => p[1]);
			polys.push({ ring: flat, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
		}
	}
	const kd = new KDBush(Math.max(1, pts.length / 2));
	for (let i = 0; i < pts.length; i += 2) kd.add(pts[i], pts[i + 1]);
	if (pts.length === 0) kd.add(1e9, 1e9);
	kd.finish();
	const fb = new Flatbush(Math.max(1, polys.length));
	for (const p of polys) fb.add(p.box[0], p.box[1], p.box[2], p.box[3]);
	if (polys.length === 0) fb.add(1e9, 1e9, 1e9, 1e9);
	fb.finish();
	const out = new Float64Array(BUILDINGS);
	let ruler = new CheapRuler(32, 'meters');
	let rulerLat = NaN;
	for (let i = 0; i < BUILDINGS; i++) {
		const x = buildings.lon[i],
			y = buildings.lat[i];
		if (Math.abs(y - rulerLat) > 0.01) {
			ruler = new CheapRuler(y, 'meters');
			rulerLat = y;
		}
		const { kx, hx, ky, hy } = rulerAt(y);
		let best = Infinity;
		for (const r of [600, MAX_M]) {
			const [w, s, e, n] = ruler.bufferPoint([x, y], r * 1.01 + 1);
			for (const k of kd.range(w, s, e, n)) best = Math.min(best, distFrom(x, y, kx, hx, ky, hy, pts[2 * k], pts[2 * k + 1]));
			for (const k of fb.search(w, s, e, n)) {
				const ring = polys[k].ring;
				let inside = false;
				for (let a = 0, b = ring.length - 2; a < ring.length; b = a, a += 2) {
					if (ring[a + 1] > y !== ring[b + 1] > y && x < ((ring[b] - ring[a]) * (y - ring[a + 1])) / (ring[b + 1] - ring[a + 1]) + ring[a]) inside = !inside;
				}
				if (inside) best = 0;
				for (let a = 2; a < ring.length; a += 2) best = Math.min(best, segDistFrom(x, y, kx, hx, ky, hy, ring[a - 2], ring[a - 1], ring[a], ring[a + 1]));
			}
			if (best <= r) break;
		}
		out[i] = best <= MAX_M ? best : Infinity;
	}
	return out;
}

let identical = repeatable;
{
	const t = performance.now();
	const distances = new Map<string, Float64Array>();
	let distancesEqual = true;
	for (const c of CATEGORIES) {
		const d = independent(byCategory.get(c.id)!);
		distances.set(`straight:${c.id}`, d);
		const mine = fast.distances.get(`straight:${c.id}`)!;
		for (let i = 0; i < BUILDINGS; i++)
			if (d[i] !== mine[i]) {
				if (distancesEqual) log(`  first difference: ${c.id} building ${i}: fast ${mine[i]} vs independent ${d[i]}`);
				distancesEqual = false;
				break;
			}
	}
	const results = evaluateRules(buildings, unitOf, COMMUNITIES, RULES, distances);
	const same = sameResults(results, fast.results);
	identical = repeatable && distancesEqual && same;
	log(
		`identical: ${identical} — per-community results (and every distance) of the fast path equal an independent brute-force path ` +
			`(own kdbush/flatbush over cheap-ruler buffers, no cells) for all ${BUILDINGS.toLocaleString('en')} buildings (${fmt(performance.now() - t)})`
	);
}

// ---------------------------------------------------------------- incremental: CoverageWhatIf.move

let incrementalMs = 0;
{
	const t = performance.now();
	const whatIf = new CoverageWhatIf(buildings, unitOf, COMMUNITIES, RULES, facilities);
	const setup = performance.now() - t;
	const moveRng = mulberry32(7);
	const cat = 'kindergarten';
	const list = byCategory.get(cat)!;
	const current = list.slice();
	const times: number[] = [];
	let changedUnits = 0,
		changedBuildings = 0;
	const MOVES = 101;
	for (let m = 0; m < MOVES; m++) {
		const k = Math.floor(moveRng() * list.length);
		const j = Math.floor(moveRng() * BUILDINGS); // to somewhere in the city, next to a building
		const x = buildings.lon[j] + 0.001 * (moveRng() - 0.5),
			y = buildings.lat[j] + 0.001 * (moveRng() - 0.5);
		const a = performance.now();
		const change = whatIf.move(current[k].id, x, y);
		times.push(performance.now() - a);
		current[k] = { ...current[k], geometry: { type: 'Point', coordinates: [x, y] } };
		changedUnits += change.changedUnits.length;
		changedBuildings += change.changedBuildings;
	}
	times.sort((a, b) => a - b);
	incrementalMs = times[Math.floor(times.length / 2)];
	// the what-if after the moves equals a from-scratch evaluation
	const distances = new Map(fast.distances);
	distances.set(`straight:${cat}`, nearestFacilityDistances(buildings, current, MAX_M).distanceM);
	const scratch = evaluateRules(buildings, unitOf, COMMUNITIES, RULES, distances);
	const whatIfSame = sameResults(whatIf.results(), scratch);
	identical &&= whatIfSame;
	log(
		`incremental: CoverageWhatIf.move of one ${cat} (4 rules) — median ${incrementalMs.toFixed(2)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms ` +
			`over ${MOVES} moves (goal ≤ 5 ms); on average ${(changedBuildings / MOVES).toFixed(0)} buildings and ${(changedUnits / MOVES).toFixed(1)} communities changed; ` +
			`equals a from-scratch evaluation afterwards: ${whatIfSame} (set-up of the what-if for all ${RULES.length} rules: ${fmt(setup)})`
	);
}

log(`whole run ${fmt(performance.now() - started)}`);
const result = {
	ms: Math.round(median.ms),
	vs_turf: Math.round(vsTurf),
	vs_postgis: vsPostgis === null ? null : Math.round(vsPostgis),
	identical,
	incremental_ms: Number(incrementalMs.toFixed(2))
};
console.log(`RESULT ${JSON.stringify(result)}`);
if (!identical) process.exit(1);

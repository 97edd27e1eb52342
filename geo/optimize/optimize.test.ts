import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, Point } from 'geojson';
import { distanceM, nearestFacilityDistances, suggestSites, type BuildingSet, type SiteCandidate } from '../coverage';
import { mulberry32 } from '../synth/prng';
import { expectedOutput } from '../test-fixture';
import { OptimizeError, buildInstance, optimizeSites, type CoverageProblem, type OptimalAnswer } from './index';

const dir = path.join(import.meta.dirname, 'test');

// ---------------------------------------------------------------- random instances and brute force

interface Random extends CoverageProblem {
	candidates: SiteCandidate[];
}

/** n buildings and m candidates in a ~700 m square, radius 200 m; some buildings covered, some 0 / unknown households. */
function randomProblem(seed: number, n = 40, m = 12): Random {
	const rng = mulberry32(seed);
	const lon0 = 118.78,
		lat0 = 32.04,
		span = 0.007;
	const pt = () => [lon0 + rng() * span, lat0 + rng() * span];
	const b = Array.from({ length: n }, pt);
	const buildings: BuildingSet = {
		ids: b.map((_, i) => `b${i}`),
		lon: Float64Array.from(b, (p) => p[0]),
		lat: Float64Array.from(b, (p) => p[1]),
		households: Float64Array.from(b, () => (rng() < 0.05 ? NaN : rng() < 0.1 ? 0 : 1 + Math.floor(rng() * 60)))
	};
	const distance = Float64Array.from(b, () => (rng() < 0.2 ? 50 : Infinity));
	const candidates = Array.from({ length: m }, (_, i) => {
		const [lon, lat] = pt();
		return { lon, lat, id: `c${i}` };
	});
	return { buildings, distanceM: distance, maxDistanceM: 200, candidates };
}

/** Per candidate, the households-bearing demand buildings it reaches — straight from distanceM, no index. */
function bruteReach(p: CoverageProblem, sites: SiteCandidate[], locked: SiteCandidate[] = []) {
	const { buildings: b } = p;
	const w = (i: number) => (b.households[i] > 0 ? b.households[i] : 0);
	const reaches = (s: SiteCandidate, i: number) => distanceM(b.lon[i], b.lat[i], s.lon, s.lat) <= p.maxDistanceM;
	const demand: number[] = [];
	for (let i = 0; i < b.ids.length; i++) if (p.distanceM[i] > p.maxDistanceM && w(i) > 0 && !locked.some((s) => reaches(s, i))) demand.push(i);
	return { demand, w, cover: sites.map((s) => demand.filter((i) => reaches(s, i))) };
}

function* subsets(n: number, k: number, from = 0): Generator<number[]> {
	if (k === 0) return yield [];
	for (let i = from; i <= n - k; i++) for (const rest of subsets(n, k - 1, i + 1)) yield [i, ...rest];
}

function bruteMclp(p: CoverageProblem, k: number, locked?: SiteCandidate[]) {
	const { w, cover } = bruteReach(p, p.candidates, locked);
	let best = 0;
	for (const set of subsets(cover.length, k)) {
		const covered = new Set(set.flatMap((s) => cover[s]));
		best = Math.max(
			best,
			[...covered].reduce((h, i) => h + w(i), 0)
		);
	}
	return best;
}

function bruteLscp(p: CoverageProblem): { size: number; uncoverable: number[] } {
	const { demand, cover } = bruteReach(p, p.candidates);
	const reachable = new Set(cover.flat());
	const uncoverable = demand.filter((i) => !reachable.has(i));
	for (let size = 0; size <= cover.length; size++) {
		for (const set of subsets(cover.length, size)) {
			const covered = new Set(set.flatMap((s) => cover[s]));
			if (covered.size === reachable.size) return { size, uncoverable };
		}
	}
	throw new Error('unreachable');
}

const siteHouseholds = (a: OptimalAnswer) => a.sites.reduce((h, s) => h + s.householdsGained, 0);

describe('optimizeSites: MCLP against enumeration of every k-subset', () => {
	for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
		it(`seed ${seed}`, async () => {
			const p = randomProblem(seed);
			for (const k of [1, 2, 3, 4]) {
				const a = await optimizeSites(p, { method: 'mclp', k });
				expect(a.status).toBe('optimal');
				expect(a.gap).toBe(0);
				expect(a.householdsCovered, `k=${k}`).toBe(bruteMclp(p, k));
				expect(siteHouseholds(a)).toBe(a.householdsCovered);
				expect(a.sites.length).toBeLessThanOrEqual(k);
				// the greedy beside it is today's greedy, and never better than the optimum
				const greedy = suggestSites(p.buildings, p.distanceM, p.maxDistanceM, p.candidates, k);
				const g = greedy.reduce((h, s) => h + s.householdsGained, 0);
				expect(a.greedy).toMatchObject({ sites: greedy.length, householdsCovered: g, householdsShort: a.householdsCovered - g });
				expect(a.greedy!.householdsShort).toBeGreaterThanOrEqual(0);
			}
		});
	}

	it('finds what the greedy leaves on the table somewhere among the seeds', async () => {
		let short = 0;
		for (let seed = 1; seed <= 30 && short === 0; seed++)
			short = (await optimizeSites(randomProblem(seed, 40, 12), { method: 'mclp', k: 3 })).greedy!.householdsShort;
		expect(short).toBeGreaterThan(0);
	});

	it('buildings as candidates (none given) and locked sites', async () => {
		const p = randomProblem(11, 18, 0);
		const asCandidates = {
			...p,
			candidates: [...p.buildings.ids.keys()].filter((i) => p.distanceM[i] > 200).map((i) => ({ lon: p.buildings.lon[i], lat: p.buildings.lat[i] }))
		};
		const a = await optimizeSites(p, { method: 'mclp', k: 2 });
		expect(a.householdsCovered).toBe(bruteMclp(asCandidates, 2));
		expect(a.sites.every((s) => s.id?.startsWith('b'))).toBe(true);

		const q = randomProblem(12);
		const locked = [q.candidates[0]];
		const l = await optimizeSites({ ...q, locked }, { method: 'mclp', k: 2 });
		expect(l.householdsCovered).toBe(bruteMclp(q, 2, locked));
		const lockedBy = bruteReach(q, [], []);
		const reachedByLocked = lockedBy.demand.filter((i) => distanceM(q.buildings.lon[i], q.buildings.lat[i], locked[0].lon, locked[0].lat) <= 200);
		expect(l.lockedHouseholds).toBe(reachedByLocked.reduce((h, i) => h + lockedBy.w(i), 0));
		expect(l.sites.map((s) => s.candidate)).not.toContain(0); // candidate 0 is where the locked site is: it adds nothing
	});

	it('existing facilities are locked in: what they cover is not demand', async () => {
		const p = randomProblem(13);
		const facilities = p.candidates
			.slice(0, 2)
			.map((c, i) => ({ id: `f${i}`, category: 'x', geometry: { type: 'Point' as const, coordinates: [c.lon, c.lat] } }));
		const existing = nearestFacilityDistances(p.buildings, facilities, 200).distanceM;
		const q = { ...p, distanceM: Float64Array.from(existing, (d, i) => Math.min(d, p.distanceM[i])) };
		const a = await optimizeSites(q, { method: 'mclp', k: 3 });
		expect(a.householdsCovered).toBe(bruteMclp(q, 3));
		expect(a.sites.map((s) => s.candidate).filter((c) => c < 2)).toEqual([]);
	});
});

describe('optimizeSites: LSCP against the smallest covering subset', () => {
	for (const seed of [21, 22, 23, 24, 25, 26]) {
		it(`seed ${seed}`, async () => {
			const p = randomProblem(seed, 36, 11);
			const a = await optimizeSites(p, { method: 'lscp' });
			const brute = bruteLscp(p);
			expect(a.status).toBe('optimal');
			expect(a.sites.length).toBe(brute.size);
			expect(a.uncoverable.buildings).toEqual(brute.uncoverable);
			expect(a.householdsCovered + a.uncoverable.households).toBe(a.demandHouseholds);
			expect(a.greedy!.extraSites).toBe(a.greedy!.sites - brute.size);
			expect(a.greedy!.extraSites).toBeGreaterThanOrEqual(0);
		});
	}
});

describe('optimizeSites: capacities (assignment formulation)', () => {
	// three buildings of 80 households together, candidates beside them
	const at = (dx: number) => ({ lon: 118.78 + dx, lat: 32.04 });
	const problem = (candidates: number): CoverageProblem => ({
		buildings: {
			ids: ['a', 'b', 'c'],
			lon: Float64Array.of(118.78, 118.7801, 118.7802),
			lat: Float64Array.of(32.04, 32.04, 32.04),
			households: Float64Array.of(80, 80, 80)
		},
		distanceM: new Float64Array(3).fill(Infinity),
		maxDistanceM: 300,
		candidates: Array.from({ length: candidates }, (_, i) => ({ ...at(0.0005 * i), id: `c${i}` }))
	});

	it('a site serves at most its capacity; a large capacity changes nothing', async () => {
		const one = await optimizeSites(problem(3), { method: 'mclp', k: 1, capacity: [100, 100, 100] });
		expect(one).toMatchObject({ status: 'optimal', householdsCovered: 100 });
		const two = await optimizeSites(problem(3), { method: 'mclp', k: 2, capacity: [100, 100, 100] });
		expect(two.householdsCovered).toBe(200);
		expect(two.sites.map((s) => s.householdsGained)).toEqual([100, 100]);
		expect(two.greedy).toMatchObject({ householdsCovered: 100, householdsShort: 100 }); // greedy picks one site: it gains everything, capacity unseen
		const big = await optimizeSites(problem(3), { method: 'mclp', k: 1, capacity: [1000, NaN, 1000] });
		expect(big.householdsCovered).toBe(240);
		for (const seed of [31, 32]) {
			const p = randomProblem(seed);
			const a = await optimizeSites(p, { method: 'mclp', k: 3, capacity: p.candidates.map(() => 1e6) });
			expect(a.householdsCovered).toBe(bruteMclp(p, 3));
		}
	});

	it('LSCP with capacities: enough sites for the households, or infeasible', async () => {
		expect((await optimizeSites(problem(3), { method: 'lscp', capacity: [100, 100, 100] })).sites).toHaveLength(3);
		const infeasible = await optimizeSites(problem(2), { method: 'lscp', capacity: [100, 100] });
		expect(infeasible).toMatchObject({ status: 'infeasible', sites: [], gap: null });
	});
});

describe('optimizeSites: reductions, time limit, refusals', () => {
	it('merges demand and drops dominated candidates without changing the optimum', () => {
		const p = randomProblem(41, 60, 30);
		const inst = buildInstance(p, true);
		const all = buildInstance(p, false);
		expect(inst.groupWeight.length).toBeLessThan(inst.reach.demand.length);
		expect(inst.kept.length).toBeLessThan(all.kept.length);
		expect(inst.groupWeight.reduce((a, b) => a + b, 0) + inst.uncoverableHouseholds).toBe(inst.demandHouseholds);
	});

	it('answers the best found within a short time limit, with its gap', async () => {
		const p = randomProblem(42, 400, 150);
		const a = await optimizeSites(p, { method: 'mclp', k: 6, timeLimitS: 0.001 });
		expect(['optimal', 'time_limit']).toContain(a.status);
		expect(a.sites.length).toBeGreaterThan(0); // at least the greedy's start
		if (a.status === 'time_limit') expect(a.gap).toBeGreaterThanOrEqual(0);
		expect(a.householdsCovered).toBeGreaterThanOrEqual(a.greedy!.householdsCovered);
	});

	it('refuses bad input with a typed error', async () => {
		const p = randomProblem(43);
		const refused = async (problem: CoverageProblem, options: Parameters<typeof optimizeSites>[1]) => {
			const err = await optimizeSites(problem, options).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(OptimizeError);
			expect((err as Error).message).toMatch(/[\u4e00-\u9fff].*\/ [a-z]/);
			return (err as OptimizeError).code;
		};
		expect(await refused(p, { method: 'mclp', k: 0 })).toBe('bad_k');
		expect(await refused(p, { method: 'mclp', k: 1.5 })).toBe('bad_k');
		expect(await refused(p, { method: 'mclp', k: 13 })).toBe('bad_k');
		expect(await refused(p, { method: 'mclp', k: 2, timeLimitS: 0 })).toBe('bad_time_limit');
		expect(await refused(p, { method: 'greedy' as 'mclp', k: 2 })).toBe('bad_method');
		expect(await refused(p, { method: 'mclp', k: 2, capacity: [1, 2] })).toBe('bad_capacity');
		const empty = {
			...p,
			buildings: { ids: [], lon: new Float64Array(0), lat: new Float64Array(0), households: new Float64Array(0) },
			distanceM: new Float64Array(0)
		};
		expect(await refused(empty, { method: 'lscp' })).toBe('no_demand');
		const allCovered = { ...p, distanceM: new Float64Array(p.buildings.ids.length) };
		expect(await refused(allCovered, { method: 'mclp', k: 1 })).toBe('no_demand');
	});
});

// ---------------------------------------------------------------- fixture (test/in → test/out)

describe('optimizeSites: fixture', () => {
	it('community.geojson', async () => {
		const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', 'community.geojson'), 'utf8')) as FeatureCollection & { maxDistanceM: number; k: number };
		const bs = fc.features.filter((f) => f.properties?.kind === 'building');
		const cs = fc.features.filter((f) => f.properties?.kind === 'candidate');
		const p: CoverageProblem = {
			buildings: {
				ids: bs.map((f) => String(f.id)),
				lon: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[0]),
				lat: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[1]),
				households: Float64Array.from(bs, (f) => f.properties!.households ?? NaN)
			},
			distanceM: Float64Array.from(bs, (f) => (f.properties!.covered ? 0 : Infinity)),
			maxDistanceM: fc.maxDistanceM,
			candidates: cs.map((f) => ({ lon: (f.geometry as Point).coordinates[0], lat: (f.geometry as Point).coordinates[1], id: String(f.id) }))
		};
		const strip = ({ solveMs: _ms, ...a }: OptimalAnswer) => a;
		const actual = { mclp: strip(await optimizeSites(p, { method: 'mclp', k: fc.k })), lscp: strip(await optimizeSites(p, { method: 'lscp' })) };
		expect(actual).toEqual(expectedOutput(path.join(dir, 'out', 'community.json'), actual));
	});
});

// Computing coverage: every enabled rule over every community (distance searches off the main thread,
// capacity rules, service-space rules), kept in memory until an input changes.
import { FacilityIndex, type BuildingSet, type CoverageRuleSpec, type CoverageStatus, type PackedResults, UnitResultTable } from '$geo/coverage';
import type { Db } from '../db';
import { listRules, ruleReachM, type CoverageRule } from './rules';
import { MAX_SNAP_M } from './walk';
import { getWalkGraph } from '../map/walk-network';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import type { CoverageEvaluation, DistanceSearch } from '../jobs/tasks';
import { timeSlicer } from '../jobs/slice';
import { computeCapacity } from './capacity';
import { type CoverageCell, type CoverageCommunity, type CoverageState, distanceCell, distanceKey, type SubdistrictTotal } from './types';
import { fingerprint, loadBuildings, loadCommunities, loadFacilities } from './load';

function serviceSpaceCell(rule: CoverageRule, c: CoverageCommunity, householdsFromBuildings: number, buildings: number): CoverageCell {
	const households = c.households ?? (buildings > 0 ? householdsFromBuildings : null);
	const requiredM2 = households === null || rule.spacePer100HouseholdsM2 === null ? null : (households / 100) * rule.spacePer100HouseholdsM2;
	const recorded = c.serviceSpaceM2;
	const tiers = [...(rule.spaceTiersM2 ?? [])].sort((a, b) => b.m2 - a.m2);
	const tier = recorded === null ? null : (tiers.find((t) => recorded >= t.m2)?.zh ?? null);
	const status: CoverageStatus = requiredM2 === null || recorded === null ? 'no_data' : recorded >= requiredM2 ? 'pass' : 'fail';
	return {
		community: c.code,
		rule: rule.id,
		status,
		share: requiredM2 && recorded !== null ? Math.min(1, recorded / requiredM2) : null,
		householdsTotal: households ?? 0,
		householdsCovered: status === 'pass' ? (households ?? 0) : 0,
		householdsShort: 0,
		buildings,
		uncovered: 0,
		metricUsed: null,
		space: { requiredM2, recordedM2: recorded, tier }
	};
}

/**
 * Nearest-facility distances for each search, computed by a job worker (the walk graph shared, not
 * copied); written into `distances` and `nearest` by search key. With `evaluate`, the worker also
 * judges the rules for each set of units (one result list per set, as evaluateRules).
 */
export async function searchDistances(
	db: Db,
	buildings: BuildingSet,
	searches: DistanceSearch[],
	distances: Map<string, Float64Array>,
	nearest: Map<string, Int32Array>,
	evaluate?: CoverageEvaluation
): Promise<{ walkNetwork: boolean; walkUnsnapped: number; evaluated: PackedResults[] }> {
	const graph = searches.some((s) => s.metric === 'walk') ? await getWalkGraph(db) : null;
	const { result } = await jobs().run(
		'coverageDistances',
		[{ lon: buildings.lon, lat: buildings.lat, searches, graph: graph && graph.edgeCount > 0 ? sharedGraph(graph) : null, evaluate }],
		{ kind: 'coverage' }
	);
	for (const [k, r] of Object.entries(result.results)) {
		distances.set(k, r.distanceM);
		nearest.set(k, r.nearest);
	}
	return { walkNetwork: result.walkNetwork, walkUnsnapped: result.walkUnsnapped, evaluated: result.evaluated };
}

export async function computeCoverage(db: Db): Promise<CoverageState> {
	const started = performance.now();
	const print = await fingerprint(db);
	const rules = await listRules(db, { enabledOnly: true });
	const communities = await loadCommunities(db);
	const communityIndex = new Map(communities.map((c, i) => [c.code, i]));
	const { buildings, buildingCommunity, buildingGrid, population, gridCodes } = await loadBuildings(db, communityIndex);
	const distanceRules = rules.filter((r) => r.kind === 'distance' && r.category);
	const categories = [...new Set(distanceRules.map((r) => r.category!))];
	// One read of the facilities for the distance and the capacity rules.
	const capacityCategories = rules.filter((r) => r.kind === 'capacity' && r.category).map((r) => r.category!);
	const facilities = await loadFacilities(db, [...new Set([...categories, ...capacityCategories])]);
	const facilitiesByCategory = facilities.byCategory;

	// One nearest search per (metric, category), as far as the longest rule of that pair needs.
	const reach = new Map<string, number>();
	for (const r of distanceRules) {
		const k = distanceKey(r.metric ?? 'straight', r.category!);
		reach.set(k, Math.max(reach.get(k) ?? 0, ruleReachM(r)));
	}
	const distances = new Map<string, Float64Array>();
	const nearest = new Map<string, Int32Array>();
	const indexes = new Map<string, FacilityIndex>();
	// The searches grow with the city: on a worker thread, under the coverage job budget.
	const searches = [...reach].map(([k, maxM]) => {
		const [metric, category] = k.split(':');
		return { key: k, metric: metric === 'walk' ? ('walk' as const) : ('straight' as const), facilities: facilitiesByCategory.get(category) ?? [], maxM };
	});
	const specs: CoverageRuleSpec[] = distanceRules.map((r) => ({
		id: r.id,
		category: r.category!,
		maxDistanceM: ruleReachM(r),
		requiredShare: r.requiredSharePct / 100,
		metric: r.metric ?? 'straight'
	}));
	const {
		walkNetwork,
		walkUnsnapped,
		evaluated: [byCommunity, byGrid]
	} = await searchDistances(db, buildings, searches, distances, nearest, {
		households: buildings.households,
		specs,
		units: [
			{ unitOf: buildingCommunity, count: communities.length },
			{ unitOf: buildingGrid, count: gridCodes.length }
		]
	});

	// A category with no facility at all is a gap in the data: its cells say so instead of failing.
	const facilityCount = new Map(specs.map((s) => [s.id, facilitiesByCategory.get(s.category)?.length ?? 0]));
	const missingCategories = categories.filter((c) => !facilitiesByCategory.get(c)?.length);
	const results = new UnitResultTable(byCommunity, (id) => facilityCount.get(id) ?? 0);
	const gridResults = new UnitResultTable(byGrid, (id) => facilityCount.get(id) ?? 0);

	const capacity = await computeCapacity(db, rules, facilities, communities.length, buildings, population, buildingCommunity);

	const householdsByCommunity = new Float64Array(communities.length);
	const buildingsByCommunity = new Int32Array(communities.length);
	buildingCommunity.forEach((c, i) => {
		if (c < 0) return;
		buildingsByCommunity[c]++;
		householdsByCommunity[c] += buildings.households[i];
	});

	const cells: CoverageCell[] = [];
	const slice = timeSlicer();
	for (const [ci, c] of communities.entries()) {
		if (slice.due()) await slice.pause();
		for (const rule of rules) {
			if (rule.kind === 'service_space') {
				cells.push(serviceSpaceCell(rule, c, householdsByCommunity[ci], buildingsByCommunity[ci]));
				continue;
			}
			if (rule.kind === 'capacity') {
				const u = capacity.units.get(rule.id)?.[ci];
				if (!u) continue;
				cells.push({
					community: c.code,
					rule: rule.id,
					status: u.status,
					share: u.share,
					householdsTotal: householdsByCommunity[ci],
					householdsCovered: 0,
					householdsShort: 0,
					buildings: u.buildings,
					uncovered: 0,
					metricUsed: capacity.walked.get(rule.id) ? 'walk' : 'straight',
					capacity: u.figures
				});
				continue;
			}
			if (!rule.category) continue;
			cells.push(distanceCell(c.code, rule.id, results.brief(rule.id, ci)!, rule.metric === 'walk' && walkNetwork ? 'walk' : 'straight'));
		}
	}

	const subdistricts: SubdistrictTotal[] = [];
	const subdistrictNames = new Map<string, string>();
	for (const c of communities) if (!subdistrictNames.has(c.subdistrictCode)) subdistrictNames.set(c.subdistrictCode, c.subdistrictName);
	// One pass over the cells (filtering them per subdistrict and rule took half a second on a city).
	const subdistrictOf = new Map(communities.map((c) => [c.code, c.subdistrictCode]));
	const tally = new Map<string, { communities: number; judged: number; passing: number }>();
	for (const cell of cells) {
		if (slice.due()) await slice.pause();
		const k = `${subdistrictOf.get(cell.community)}|${cell.rule}`;
		let t = tally.get(k);
		if (!t) tally.set(k, (t = { communities: 0, judged: 0, passing: 0 }));
		t.communities++;
		if (cell.status === 'pass' || cell.status === 'fail') t.judged++;
		if (cell.status === 'pass') t.passing++;
	}
	for (const [code, name] of subdistrictNames) {
		for (const rule of rules) {
			const t = tally.get(`${code}|${rule.id}`) ?? { communities: 0, judged: 0, passing: 0 };
			subdistricts.push({
				code,
				name,
				rule: rule.id,
				communities: t.communities,
				passing: t.passing,
				noData: t.communities - t.judged,
				share: t.judged ? t.passing / t.judged : null
			});
		}
	}

	const ms = Math.round(performance.now() - started);
	return {
		report: {
			fingerprint: print,
			computedAt: new Date().toISOString(),
			ms,
			walkNetwork,
			walkUnsnapped,
			walkSnapM: MAX_SNAP_M,
			missingCategories,
			rules,
			communities,
			cells,
			subdistricts
		},
		buildings,
		population,
		buildingCommunity,
		buildingGrid,
		gridCodes,
		facilitiesByCategory,
		distances,
		nearest,
		indexes,
		results,
		gridResults,
		capacity
	};
}

let cached: { db: Db; state: Promise<CoverageState> } | null = null;

/** The current coverage, recomputed only when buildings, facilities, units, rules or roads changed. */
export async function getCoverage(db: Db): Promise<CoverageState> {
	if (cached && cached.db === db) {
		const state = await cached.state.catch(() => null);
		if (state && state.report.fingerprint === (await fingerprint(db))) return state;
	}
	const state = computeCoverage(db);
	cached = { db, state };
	state.catch(() => {
		if (cached?.state === state) cached = null;
	});
	return state;
}

// Facility coverage compliance on the server: loads buildings, facilities, communities and the
// enabled rules, runs geo/coverage (the same code the browser runs for what-if), and keeps the
// result in memory until any input changes (the data versions of its inputs decide: db/versions).
import { GridAtlasError } from '../../../../geo/errors';
import type { Geometry } from 'geojson';
import {
	FacilityIndex,
	evaluateRules,
	withFacilityCount,
	suggestSites,
	type BuildingSet,
	type CoverageFacility,
	type CoverageRuleSpec,
	type CoverageStatus,
	type PackedResults,
	UnitResultTable
} from '../../../../geo/coverage';
import type { Db } from '../db';
import { listRules, ruleReachM, type CoverageRule } from './rules';
import { MAX_SNAP_M, walkCatchment } from './walk';
import { getWalkGraph } from '../map/walk-network';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import type { CoverageEvaluation, DistanceSearch } from '../jobs/tasks';
import { versionKey, versionsFor, type Topic } from '../db/versions';
import { pagedRows, statementTargetMs } from '../db/sql';
import { timeSlicer } from '../jobs/slice';
import { computeCapacity, type CapacityFigures, type CapacityResult } from './capacity';

/** A cell's status: a coverage status, or 'no_capacity' (a capacity rule whose facilities record no capacity). */
export type CellStatus = CoverageStatus | 'no_capacity';

export interface CoverageCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	subdistrictName: string;
	households: number | null;
	serviceSpaceM2: number | null;
	illustrative: boolean;
}

export interface CoverageCell {
	community: string;
	rule: string;
	status: CellStatus;
	share: number | null;
	householdsTotal: number;
	householdsCovered: number;
	householdsShort: number;
	buildings: number;
	uncovered: number;
	/** The metric actually used: a walk rule falls back to straight-line while no network exists. */
	metricUsed: 'straight' | 'walk' | null;
	/** Service-space rule: required and recorded area, and the highest tier met. */
	space?: { requiredM2: number | null; recordedM2: number | null; tier: string | null };
	/** Capacity rule (千人指标): demand, required and allocated capacity and the shortfall, in the rule's unit. */
	capacity?: CapacityFigures;
}

export interface SubdistrictTotal {
	code: string;
	name: string;
	rule: string;
	communities: number;
	passing: number;
	noData: number;
	share: number | null;
}

export interface CoverageReport {
	fingerprint: string;
	computedAt: string;
	ms: number;
	walkNetwork: boolean;
	/** Buildings farther than the snap distance from any walkable way: not reached on foot (reported, not attached). */
	walkUnsnapped: number;
	walkSnapM: number;
	/** Categories of enabled distance rules with no facility in the data: their cells are 'no_facilities'. */
	missingCategories: string[];
	rules: CoverageRule[];
	communities: CoverageCommunity[];
	cells: CoverageCell[];
	subdistricts: SubdistrictTotal[];
}

/** Everything computed, kept for the detail views (uncovered buildings, nearest facility). */
export interface CoverageState {
	report: CoverageReport;
	buildings: BuildingSet;
	buildingCommunity: Int32Array;
	buildingGrid: Int32Array;
	gridCodes: string[];
	facilitiesByCategory: Map<string, CoverageFacility[]>;
	/** `${metric}:${category}` → per-building distance and nearest facility index. */
	distances: Map<string, Float64Array>;
	nearest: Map<string, Int32Array>;
	/** Facility index per category, built once per computation (cell details reuse it). */
	indexes: Map<string, FacilityIndex>;
	/** (rule id, community index) → result with the uncovered building indices. */
	results: UnitResultTable;
	/** (rule id, index in gridCodes) → the same per grid. */
	gridResults: UnitResultTable;
	/** Capacity rules: per community and per facility. */
	capacity: CapacityResult;
}

export class CoverageInputError extends GridAtlasError {
	constructor(
		readonly code: 'unknown_community' | 'unknown_rule' | 'not_distance_rule' | 'bad_parameter',
		message: string
	) {
		super(message, { code, status: code === 'unknown_community' || code === 'unknown_rule' ? 404 : 400 });
	}
}

export const distanceKey = (metric: string, category: string) => `${metric}:${category}`;

/** The data versions coverage is made of (db/versions: moved by any committed write, in any process). */
const COVERAGE_TOPICS: Topic[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'rules'];
async function fingerprint(db: Db): Promise<string> {
	return versionKey(await versionsFor(db), COVERAGE_TOPICS);
}

async function loadBuildings(db: Db, communityIndex: Map<string, number>) {
	type Row = {
		id: string;
		source_id: string;
		lon: number;
		lat: number;
		households: number;
		population: number | null;
		community_code: string | null;
		grid_code: string | null;
	};
	// In pages: on the embedded engine one statement over a whole city would hold the request thread.
	const rows = await pagedRows<Row>(
		statementTargetMs(db),
		(r) => r.id,
		(after, limit) =>
			db.query<Row>(
				`SELECT id::text AS id, source_id, ST_X(p) AS lon, ST_Y(p) AS lat, households, population, community_code, grid_code
				 FROM (SELECT id, source_id, households, population, community_code, grid_code, ST_PointOnSurface(geom) AS p FROM buildings
				       WHERE id > COALESCE($1::bigint, 0) ORDER BY id LIMIT $2) b
				 ORDER BY id`,
				[after, limit]
			)
	);
	const n = rows.length;
	const buildings: BuildingSet = { ids: new Array(n), lon: new Float64Array(n), lat: new Float64Array(n), households: new Float64Array(n) };
	const buildingCommunity = new Int32Array(n);
	const buildingGrid = new Int32Array(n);
	const population = new Float64Array(n);
	const gridIndex = new Map<string, number>();
	rows.forEach((r, i) => {
		buildings.ids[i] = r.source_id;
		buildings.lon[i] = r.lon;
		buildings.lat[i] = r.lat;
		buildings.households[i] = r.households ?? Number.NaN;
		population[i] = r.population ?? Number.NaN;
		buildingCommunity[i] = r.community_code ? (communityIndex.get(r.community_code) ?? -1) : -1;
		if (r.grid_code) {
			if (!gridIndex.has(r.grid_code)) gridIndex.set(r.grid_code, gridIndex.size);
			buildingGrid[i] = gridIndex.get(r.grid_code)!;
		} else buildingGrid[i] = -1;
	});
	return { buildings, buildingCommunity, buildingGrid, population, gridCodes: [...gridIndex.keys()] };
}

async function loadFacilities(db: Db, categories: string[]): Promise<Map<string, CoverageFacility[]>> {
	const byCategory = new Map<string, CoverageFacility[]>(categories.map((c) => [c, []]));
	if (categories.length === 0) return byCategory;
	type Row = { id: string; source_id: string; category_code: string; geom: Geometry };
	const rows = await pagedRows<Row>(
		statementTargetMs(db),
		(r) => r.id,
		(after, limit) =>
			db.query<Row>(
				`SELECT id::text AS id, source_id, category_code, ST_AsGeoJSON(geom, 7)::json AS geom FROM facilities
				 WHERE category_code = ANY($1::text[]) AND id > COALESCE($2::bigint, 0) ORDER BY id LIMIT $3`,
				[categories, after, limit]
			),
		1000
	);
	for (const r of rows) byCategory.get(r.category_code)!.push({ id: r.source_id, category: r.category_code, geometry: r.geom });
	return byCategory;
}

async function loadCommunities(db: Db): Promise<CoverageCommunity[]> {
	return pagedRows<CoverageCommunity>(
		statementTargetMs(db),
		(c) => c.code,
		(after, limit) =>
			db.query<CoverageCommunity>(
				`SELECT c.code, c.name, c.subdistrict_code AS "subdistrictCode", s.name AS "subdistrictName", c.households,
					c.service_space_m2 AS "serviceSpaceM2", c.illustrative
				 FROM communities c JOIN subdistricts s ON s.code = c.subdistrict_code
				 WHERE c.code > COALESCE($1, '') ORDER BY c.code LIMIT $2`,
				[after, limit]
			),
		500
	);
}

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
	const facilitiesByCategory = await loadFacilities(db, categories);

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

	const capacity = await computeCapacity(db, rules, communities.length, buildings, population, buildingCommunity);

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
			const res = results.brief(rule.id, ci)!;
			cells.push({
				community: c.code,
				rule: rule.id,
				status: res.status,
				share: res.share,
				householdsTotal: res.householdsTotal,
				householdsCovered: res.householdsCovered,
				householdsShort: res.householdsShort,
				buildings: res.buildings,
				uncovered: res.uncoveredCount,
				metricUsed: rule.metric === 'walk' && walkNetwork ? 'walk' : 'straight'
			});
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

export interface ReportFilter {
	subdistrict?: string | null;
	level?: string | null;
	community?: string | null;
}

/** The report narrowed to a subdistrict, a rule level or one community. */
export function filterReport(report: CoverageReport, f: ReportFilter): CoverageReport {
	const rules = f.level ? report.rules.filter((r) => r.level === f.level) : report.rules;
	const ruleIds = new Set(rules.map((r) => r.id));
	const communities = report.communities.filter((c) => (!f.subdistrict || c.subdistrictCode === f.subdistrict) && (!f.community || c.code === f.community));
	const codes = new Set(communities.map((c) => c.code));
	return {
		...report,
		rules,
		communities,
		cells: report.cells.filter((c) => ruleIds.has(c.rule) && codes.has(c.community)),
		subdistricts: report.subdistricts.filter((s) => ruleIds.has(s.rule) && (!f.subdistrict || s.code === f.subdistrict))
	};
}

export interface CellDetail {
	community: CoverageCommunity;
	rule: CoverageRule;
	cell: CoverageCell;
	reachM: number;
	category: string;
	/** The category's facilities that can reach the community's buildings (inside it or nearby). */
	facilities: GeoJSON.FeatureCollection;
	/** The community's buildings: covered or not, distance and nearest facility. */
	buildings: GeoJSON.FeatureCollection;
	/** Walking rules: the area within reach on foot of those facilities (null for straight-line rules). */
	catchment: GeoJSON.FeatureCollection | null;
	grids: { code: string; status: CoverageStatus; share: number | null; householdsTotal: number; householdsShort: number }[];
}

export function findCell(state: CoverageState, communityCode: string, ruleId: string) {
	const ci = state.report.communities.findIndex((c) => c.code === communityCode);
	if (ci < 0) throw new CoverageInputError('unknown_community', `未找到社区 ${communityCode} / no community ${communityCode}`);
	const rule = state.report.rules.find((r) => r.id === ruleId);
	if (!rule) throw new CoverageInputError('unknown_rule', `未找到已启用的规则 ${ruleId} / no enabled rule ${ruleId}`);
	const cell = state.report.cells.find((c) => c.community === communityCode && c.rule === ruleId)!;
	return { ci, rule, cell, community: state.report.communities[ci] };
}

export async function cellDetail(db: Db, communityCode: string, ruleId: string): Promise<CellDetail> {
	const state = await getCoverage(db);
	const { ci, rule, cell, community } = findCell(state, communityCode, ruleId);
	if (rule.kind !== 'distance' || !rule.category) {
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则，没有地图明细 / rule ${ruleId} is not a distance rule: no map detail`);
	}
	const reachM = ruleReachM(rule);
	const k = distanceKey(rule.metric ?? 'straight', rule.category);
	const dist = state.distances.get(k)!;
	const near = state.nearest.get(k)!;
	const facilities = state.facilitiesByCategory.get(rule.category) ?? [];
	const members: number[] = [];
	state.buildingCommunity.forEach((c, i) => c === ci && members.push(i));
	const geoms = await db.query<{ source_id: string; geom: Geometry }>(
		`SELECT source_id, ST_AsGeoJSON(geom, 7)::json AS geom FROM buildings WHERE community_code = $1`,
		[communityCode]
	);
	const geomById = new Map(geoms.map((g) => [g.source_id, g.geom]));
	const used = new Set<number>();
	const buildingFeatures = members.map((i) => {
		const f = near[i];
		if (f >= 0) used.add(f);
		const d = dist[i];
		return {
			type: 'Feature' as const,
			id: i,
			geometry: geomById.get(state.buildings.ids[i]) ?? { type: 'Point' as const, coordinates: [state.buildings.lon[i], state.buildings.lat[i]] },
			properties: {
				id: state.buildings.ids[i],
				households: state.buildings.households[i],
				covered: d <= reachM,
				distance_m: Number.isFinite(d) ? Math.round(d * 10) / 10 : null,
				nearest: f >= 0 ? facilities[f].id : null,
				lon: state.buildings.lon[i],
				lat: state.buildings.lat[i]
			}
		};
	});
	// Facilities near the community: those nearest to any of its buildings plus any within reach of them.
	let index = state.indexes.get(rule.category);
	if (!index) state.indexes.set(rule.category, (index = FacilityIndex.build(facilities)));
	for (const i of members) for (const f of index.within(state.buildings.lon[i], state.buildings.lat[i], reachM)) used.add(f);
	const facilityFeatures = [...used]
		.sort((a, b) => a - b)
		.map((f) => ({
			type: 'Feature' as const,
			geometry: facilities[f].geometry,
			properties: { id: facilities[f].id, category: rule.category }
		}));
	const grids: CellDetail['grids'] = [];
	state.gridCodes.forEach((code, gi) => {
		if (!code.startsWith(communityCode)) return;
		const r = state.gridResults.brief(rule.id, gi);
		if (r) grids.push({ code, status: r.status, share: r.share, householdsTotal: r.householdsTotal, householdsShort: r.householdsShort });
	});
	grids.sort((a, b) => a.code.localeCompare(b.code));
	const catchment =
		cell.metricUsed === 'walk'
			? await walkCatchment(
					db,
					[...used].map((f) => facilities[f]),
					reachM
				)
			: null;
	return {
		community,
		rule,
		cell,
		reachM,
		category: rule.category,
		catchment,
		facilities: { type: 'FeatureCollection', features: facilityFeatures },
		buildings: { type: 'FeatureCollection', features: buildingFeatures },
		grids
	};
}

export interface SiteSuggestion {
	lon: number;
	lat: number;
	id?: string;
	householdsGained: number;
	buildingsGained: number;
}

/** Greedy maximal coverage for one failing (community, rule): k new sites, households gained each. */
export async function suggestForCell(
	db: Db,
	communityCode: string,
	ruleId: string,
	k: number,
	candidates?: { lon: number; lat: number; id?: string }[]
): Promise<{ reachM: number; suggestions: SiteSuggestion[]; candidates: number }> {
	if (!Number.isInteger(k) || k < 1 || k > 20) throw new CoverageInputError('bad_parameter', `建议数量须为 1–20 的整数 / k must be an integer 1–20`);
	const state = await getCoverage(db);
	const { ci, rule } = findCell(state, communityCode, ruleId);
	if (rule.kind !== 'distance' || !rule.category) {
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则 / rule ${ruleId} is not a distance rule`);
	}
	const reachM = ruleReachM(rule);
	const k2 = distanceKey(rule.metric ?? 'straight', rule.category);
	const mask = new Uint8Array(state.buildings.ids.length);
	const pool: { lon: number; lat: number; id?: string }[] = [];
	state.buildingCommunity.forEach((c, i) => {
		if (c !== ci) return;
		mask[i] = 1;
		if (!candidates) pool.push({ lon: state.buildings.lon[i], lat: state.buildings.lat[i], id: state.buildings.ids[i] });
	});
	const sites = suggestSites(state.buildings, state.distances.get(k2)!, reachM, candidates ?? pool, k, mask);
	return {
		reachM,
		candidates: (candidates ?? pool).length,
		suggestions: sites.map((s) => ({ lon: s.lon, lat: s.lat, id: s.id, householdsGained: s.householdsGained, buildingsGained: s.buildingsGained.length }))
	};
}

/** Per-building nearest distance for every category the enabled rules use (CLI --per-building, exports). */
export function perBuildingRows(state: CoverageState, communityCode?: string | null) {
	const keys = [...state.distances.keys()].sort();
	const rows: Record<string, string | number | null>[] = [];
	const ci = communityCode ? state.report.communities.findIndex((c) => c.code === communityCode) : -1;
	for (let i = 0; i < state.buildings.ids.length; i++) {
		const c = state.buildingCommunity[i];
		if (communityCode && c !== ci) continue;
		const row: Record<string, string | number | null> = {
			building: state.buildings.ids[i],
			community: c >= 0 ? state.report.communities[c].code : null,
			households: state.buildings.households[i]
		};
		for (const k of keys) {
			const d = state.distances.get(k)![i];
			row[k] = Number.isFinite(d) ? Math.round(d * 10) / 10 : null;
		}
		rows.push(row);
	}
	return { columns: ['building', 'community', 'households', ...keys], rows };
}

/** What the browser needs to run a what-if for one category: every building (columnar), its community, the category's facilities and rules. */
export interface WhatIfData {
	category: string;
	communities: string[];
	buildings: { ids: string[]; lon: number[]; lat: number[]; households: number[]; community: number[] };
	facilities: CoverageFacility[];
	rules: CoverageRuleSpec[];
}

export async function whatIfData(db: Db, ruleId: string): Promise<WhatIfData> {
	const state = await getCoverage(db);
	const rule = state.report.rules.find((r) => r.id === ruleId);
	if (!rule) throw new CoverageInputError('unknown_rule', `未找到已启用的规则 ${ruleId} / no enabled rule ${ruleId}`);
	if (rule.kind !== 'distance' || !rule.category)
		throw new CoverageInputError('not_distance_rule', `规则 ${ruleId} 不是距离规则 / rule ${ruleId} is not a distance rule`);
	const round = (v: number) => Math.round(v * 1e7) / 1e7;
	return {
		category: rule.category,
		communities: state.report.communities.map((c) => c.code),
		buildings: {
			ids: state.buildings.ids,
			lon: Array.from(state.buildings.lon, round),
			lat: Array.from(state.buildings.lat, round),
			households: Array.from(state.buildings.households),
			community: Array.from(state.buildingCommunity)
		},
		facilities: state.facilitiesByCategory.get(rule.category) ?? [],
		rules: state.report.rules
			.filter((r) => r.kind === 'distance' && r.category === rule.category)
			.map((r) => ({ id: r.id, category: r.category!, maxDistanceM: ruleReachM(r), requiredShare: r.requiredSharePct / 100, metric: r.metric ?? 'straight' }))
	};
}

export interface WalkWhatIfRequest {
	rule: string;
	community: string;
	added: { lon: number; lat: number }[];
	removed: string[];
}

/**
 * What-if for a walking rule, exact: the category's facilities with the proposed ones added and the
 * removed ones taken out, one multi-source network search, every walking rule of that category
 * re-evaluated. Returns the cells that differ from the current report, and the chosen community's
 * buildings' new distances.
 */
export async function whatIfWalk(db: Db, req: WalkWhatIfRequest): Promise<{ cells: CoverageCell[]; distances: Record<string, number | null> }> {
	const state = await getCoverage(db);
	const { ci, rule } = findCell(state, req.community, req.rule);
	if (rule.kind !== 'distance' || !rule.category || rule.metric !== 'walk') {
		throw new CoverageInputError('bad_parameter', `规则 ${req.rule} 不是步行规则 / rule ${req.rule} is not a walking rule`);
	}
	const category = rule.category;
	const removed = new Set(req.removed);
	const facilities: CoverageFacility[] = [
		...(state.facilitiesByCategory.get(category) ?? []).filter((f) => !removed.has(f.id)),
		...req.added.map((p, i) => ({ id: `whatif-${i + 1}`, category, geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] } }))
	];
	const rules = state.report.rules.filter((r) => r.kind === 'distance' && r.category === category && r.metric === 'walk');
	const maxM = Math.max(...rules.map(ruleReachM));
	const k = distanceKey('walk', category);
	const found = new Map<string, Float64Array>();
	const { walkNetwork } = await searchDistances(db, state.buildings, [{ key: k, metric: 'walk', facilities, maxM }], found, new Map());
	const distanceM = found.get(k)!;
	const specs: CoverageRuleSpec[] = rules.map((r) => ({
		id: r.id,
		category,
		maxDistanceM: ruleReachM(r),
		requiredShare: r.requiredSharePct / 100,
		metric: 'walk'
	}));
	const cells: CoverageCell[] = [];
	for (const raw of evaluateRules(state.buildings, state.buildingCommunity, state.report.communities.length, specs, new Map([[k, distanceM]]))) {
		const res = withFacilityCount(raw, facilities.length);
		const before = state.results.brief(res.ruleId, res.unit);
		if (before && before.householdsCovered === res.householdsCovered && before.status === res.status) continue;
		cells.push({
			community: state.report.communities[res.unit].code,
			rule: res.ruleId,
			status: res.status,
			share: res.share,
			householdsTotal: res.householdsTotal,
			householdsCovered: res.householdsCovered,
			householdsShort: res.householdsShort,
			buildings: res.buildings,
			uncovered: res.uncovered.length,
			metricUsed: walkNetwork ? 'walk' : 'straight'
		});
	}
	const distances: Record<string, number | null> = {};
	state.buildingCommunity.forEach((c, i) => {
		if (c === ci) distances[state.buildings.ids[i]] = Number.isFinite(distanceM[i]) ? Math.round(distanceM[i] * 10) / 10 : null;
	});
	return { cells, distances };
}

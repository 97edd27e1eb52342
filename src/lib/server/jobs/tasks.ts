// What the job pool's workers run: pure functions over plain data (geo/ underneath, no database),
// each taking and returning only what can cross between threads. The last parameter of every task
// is the worker's context (ctx.part sends a piece of a large result ahead of the answer).
import type { FeatureCollection } from 'geojson';
import {
	assignBuildings,
	balanceStats,
	householdsPerGrid,
	numberGrids,
	proposeGrids,
	rebalance,
	validatePartition,
	type Band,
	type GridFeature,
	type PlanBuilding,
	type ProposeOptions
} from '$geo/partition';
import { gridName } from '$geo/partition/names';
import { countVertices, PLAN_VERTICES_PER_REQUEST, requestVertexProblem } from '$geo/validate/limits';
import type { Areal } from '$geo/partition/planar';
import { readGeoJSON } from '$geo/readers/geojson';
import { readShapefileZip } from '$geo/readers/shapefile';
import { resolveFormat } from '$geo/import/sniff';
import { fileError } from '$geo/issues';
import { collectionToWgs84 } from '$geo/crs/project';
import { parseLayerStream, type RecordBatch } from '$geo/import';
import { buildingsPart } from '../imports/building-columns';
import type { ImportCrs, LayerName, ParseOptions } from '$geo/types';
import { evaluateRules, nearestFacilityDistances, packResults, type CoverageFacility, type CoverageRuleSpec, type PackedResults } from '$geo/coverage';
import { snapBuildings, walkNearest } from '$geo/coverage/walk';
import type { SnapResult, WalkGraph } from '$geo/network/graph';
import {
	buildingCells,
	decayFunction,
	evaluateCapacity,
	profileAccess,
	type AccessProfile,
	straightCatchments,
	unitsReached,
	walkCatchmentsByEdge,
	type CapacityRuleSpec,
	type UnitsReached,
	type DecaySpec,
	type UnitCapacityResult,
	type FacilityCapacityResult
} from '$geo/capacity';

import { optimizeSites, type OptimizeOptions } from '$geo/optimize';
import { keptGraph } from './kept-graph';
import { scenarioAccessEvaluate, scenarioDistances } from './scenario-task';

import type { TaskContext } from './task-context';
export type { TaskContext };

interface LayoutGrid {
	code: string;
	name: string;
	kind: 'basic' | 'dedicated';
	geometry: Areal;
}

const features = (grids: LayoutGrid[]): GridFeature[] =>
	grids.map((g) => ({ type: 'Feature', properties: { code: g.code, name: g.name, kind: g.kind }, geometry: g.geometry }));

/** Everything a save checks and records: violations, the grid of each building, households per grid. */
function checkPlan(community: Areal, grids: LayoutGrid[], buildings: PlanBuilding[], band: Band, _ctx: TaskContext) {
	const gridFeatures = features(grids);
	const violations = validatePartition(community, gridFeatures, buildings, band);
	const assignment = assignBuildings(gridFeatures, buildings);
	const { byGrid } = householdsPerGrid(gridFeatures, buildings, assignment);
	return { violations, assignment, byGrid };
}

/** A layout's households, balance and violations, as the proposal answer shows them. */
function describeLayout(community: Areal, grids: LayoutGrid[], buildings: PlanBuilding[], band: Band) {
	const gridFeatures = features(grids);
	const { byGrid } = householdsPerGrid(gridFeatures, buildings);
	const households = Object.fromEntries(grids.map((g) => [g.code, byGrid.get(g.code) ?? 0]));
	const stats = balanceStats(
		grids.filter((g) => g.kind !== 'dedicated').map((g) => byGrid.get(g.code) ?? 0),
		band
	);
	const violations = validatePartition(community, gridFeatures, buildings, band);
	return { households, stats, violations };
}

/** A fresh division of the community (geo/partition proposeGrids), keeping codes of grids it mostly covers. */
function proposeLayout(
	input: {
		community: Areal;
		communityCode: string;
		communityName: string;
		buildings: PlanBuilding[];
		options: ProposeOptions;
		previous: { code: string; geometry: Areal }[];
		band: Band;
	},
	_ctx: TaskContext
) {
	const p = proposeGrids(input.community, input.buildings, input.options);
	const numbered = numberGrids(input.communityCode, p.grids, input.previous);
	const grids: LayoutGrid[] = numbered.map(({ feature, code }) => ({
		code,
		name: gridName(input.communityName, code),
		kind: 'basic',
		geometry: feature.geometry
	}));
	return { grids, feasible: p.feasible, explanation: p.explanation, moved: p.moved, ...describeLayout(input.community, grids, input.buildings, input.band) };
}

/** As few building moves as possible until every basic grid is inside the band (geo/partition rebalance). */
function rebalanceLayout(input: { community: Areal; grids: LayoutGrid[]; buildings: PlanBuilding[]; band: Band }, _ctx: TaskContext) {
	const r = rebalance(input.community, features(input.grids), input.buildings, input.band);
	const grids: LayoutGrid[] = r.grids.map((g) => ({
		code: String(g.properties.code),
		name: String(g.properties.name ?? ''),
		kind: g.properties.kind === 'dedicated' ? 'dedicated' : 'basic',
		geometry: g.geometry
	}));
	return { grids, moved: r.moved, inBand: r.inBand, outsideBand: r.stats.outsideBand, ...describeLayout(input.community, grids, input.buildings, input.band) };
}

/** A plan layout file (GeoJSON or zipped Shapefile, told apart by content) in WGS-84. */
async function readLayout(file: { name: string; text?: string; bytes?: Uint8Array }, crs: ImportCrs, _ctx: TaskContext): Promise<FeatureCollection> {
	let fc: FeatureCollection;
	if (file.bytes === undefined) fc = readGeoJSON(file.text ?? '', file.name);
	else {
		const { format, text } = resolveFormat(file.name, file.bytes);
		if (format === 'geojson') fc = readGeoJSON(text ?? '', file.name);
		else if (format === 'shapefile-zip') fc = await readShapefileZip(file.bytes, file.name);
		else
			throw fileError(file.name, 'plan-format', {
				zh: `网格方案只能从 GeoJSON 或 Shapefile（zip）导入，这是 ${format} 文件`,
				en: `a grid layout is read from GeoJSON or a zipped Shapefile; this is a ${format} file`
			});
	}
	// Refused here, before the layout crosses back to the request thread (a large object graph to take in).
	const vertices = fc.features.reduce((sum, f) => sum + countVertices(f.geometry).total, 0);
	if (vertices > PLAN_VERTICES_PER_REQUEST) throw fileError(file.name, 'plan-too-large', requestVertexProblem(vertices, PLAN_VERTICES_PER_REQUEST));
	return collectionToWgs84(fc, crs);
}

/**
 * For the grids of a layout file that have no code: their order west→east, north→south, and for each
 * the code of the grid in force it mostly covers, or null (the caller numbers it after every code in use).
 */
function numberLayout(communityCode: string, geometries: Areal[], previous: { code: string; geometry: Areal }[], _ctx: TaskContext) {
	const numbered = numberGrids(
		communityCode,
		geometries.map((geometry, i) => ({ type: 'Feature' as const, properties: { i }, geometry })),
		previous
	);
	return numbered.map((n) => ({ index: n.feature.properties.i, kept: n.previous }));
}

export interface DistanceSearch {
	/** distanceKey(metric, category) */
	key: string;
	metric: 'walk' | 'straight';
	facilities: CoverageFacility[];
	maxM: number;
}

/**
 * Nearest-facility distances from every building for each search: on foot over the walk graph (when
 * there is one) or straight (WGS-84). The graph's arrays are shared with the request thread, not copied.
 */
/** Units to judge the rules for, from the distances found: each building's unit index (−1: none). */
export interface CoverageEvaluation {
	households: Float64Array;
	specs: CoverageRuleSpec[];
	units: { unitOf: Int32Array; count: number }[];
}

function coverageDistances(
	input: {
		lon: Float64Array;
		lat: Float64Array;
		searches: DistanceSearch[];
		graph: { graph: WalkGraph; id: number } | null;
		evaluate?: CoverageEvaluation;
	},
	_ctx: TaskContext
) {
	const buildings = { ids: [], lon: input.lon, lat: input.lat, households: input.evaluate?.households ?? new Float64Array(0) };
	const graph = input.graph && input.graph.graph.edgeCount > 0 ? keptGraph(input.graph) : null;
	let snap: SnapResult | null = null;
	let walkNetwork = false;
	let walkUnsnapped = 0;
	const results: Record<string, { distanceM: Float64Array; nearest: Int32Array }> = {};
	for (const search of input.searches) {
		if (search.metric === 'walk' && graph) {
			snap ??= snapBuildings(graph, buildings);
			const walked = walkNearest(graph, snap, search.facilities, search.maxM);
			walkNetwork = true;
			walkUnsnapped = walked.unsnappedBuildings;
			results[search.key] = { distanceM: walked.distanceM, nearest: walked.nearest };
		} else {
			const r = nearestFacilityDistances(buildings, search.facilities, search.maxM);
			results[search.key] = { distanceM: r.distanceM, nearest: r.nearest };
		}
	}
	// Judging every unit grows with the city too: done here, not on the request thread, and sent back
	// as columns (one object per rule and unit took the request thread longer to receive than to make).
	let evaluated: PackedResults[] = [];
	if (input.evaluate) {
		const { specs, units } = input.evaluate;
		const distances = new Map(Object.entries(results).map(([k, r]) => [k, r.distanceM]));
		const ruleIds = specs.map((s) => s.id);
		evaluated = units.map((u) => packResults(evaluateRules(buildings, u.unitOf, u.count, specs, distances), ruleIds, u.count));
	}
	return { results, walkNetwork, walkUnsnapped, evaluated };
}

export interface CapacitySearch {
	spec: CapacityRuleSpec;
	metric: 'walk' | 'straight';
	reachM: number;
	facilities: CoverageFacility[];
	/** per facility, NaN where not recorded */
	capacity: Float64Array;
	/** per building (geo/capacity buildingDemand) */
	demand: Float64Array;
	/** distance decay of the allocation (kind 'none': the plain two-step catchment) */
	decay: Omit<DecaySpec, 'reachM'>;
}

/**
 * Capacity rules (geo/capacity): the buildings each facility reaches — on foot over the walk graph
 * when there is one, else in a straight line — and capacity against demand per facility and unit.
 */
function capacityEvaluate(
	input: { lon: Float64Array; lat: Float64Array; unitOf: Int32Array; units: number; rules: CapacitySearch[]; graph: { graph: WalkGraph; id: number } | null },
	_ctx: TaskContext
) {
	const points = { lon: input.lon, lat: input.lat };
	const graph = input.graph && input.graph.graph.edgeCount > 0 ? keptGraph(input.graph) : null;
	let snap: SnapResult | null = null;
	const results: Record<string, { units: UnitCapacityResult[]; facilities: FacilityCapacityResult[]; reaches: UnitsReached; walked: boolean }> = {};
	for (const rule of input.rules) {
		const walked = rule.metric === 'walk' && graph !== null;
		if (walked) snap ??= snapBuildings(graph, points);
		const catchments = walked ? walkCatchmentsByEdge(graph, snap!, rule.facilities, rule.reachM) : straightCatchments(points, rule.facilities, rule.reachM);
		const weight = !rule.decay || rule.decay.kind === 'none' ? undefined : decayFunction({ ...rule.decay, reachM: rule.reachM });
		const ev = evaluateCapacity(rule.demand, input.unitOf, input.units, catchments, rule.capacity, rule.spec, weight);
		// The units (communities) each facility reaches, for the detail of a community's cell: typed arrays, no object per facility.
		const reaches = unitsReached(catchments, input.unitOf);
		results[rule.spec.id] = { units: ev.units, facilities: ev.facilities, reaches, walked };
	}
	return { results };
}

export interface AccessSearch {
	lon: Float64Array;
	lat: Float64Array;
	graph: { graph: WalkGraph; id: number } | null;
	metric: 'walk' | 'straight';
	reachM: number;
	speedMPerMin: number;
	facilities: CoverageFacility[];
	/** per facility, NaN where not recorded */
	capacity: Float64Array;
	/** per building (geo/capacity buildingDemand) */
	demand: Float64Array;
	decay: Omit<DecaySpec, 'reachM'>;
	profile: AccessProfile;
	/** also the H3 cell of every building (the server keeps them per city) */
	cells: boolean;
}

/**
 * Demand-weighted access (geo/capacity profileAccess): the buildings each facility reaches — on foot
 * when there is a walk graph, else in a straight line — then E2SFCA for the demand profile.
 */
function accessEvaluate(input: AccessSearch, _ctx: TaskContext) {
	const points = { lon: input.lon, lat: input.lat };
	const graph = input.graph && input.graph.graph.edgeCount > 0 ? keptGraph(input.graph) : null;
	const walked = input.metric === 'walk' && graph !== null;
	const catchments = walked
		? walkCatchmentsByEdge(graph, snapBuildings(graph, points), input.facilities, input.reachM)
		: straightCatchments(points, input.facilities, input.reachM);
	const r = profileAccess({ ...input, catchments });
	return { access: r.access, weight: r.weight, reachM: r.reachM, walked, cells: input.cells ? buildingCells(input.lon, input.lat) : null };
}

/**
 * Optimal sites for one community's buildings (geo/optimize): MCLP or LSCP by HiGHS within the time
 * limit, the greedy beside it. A solve blocks its thread: this is why it runs here.
 */
function optimizeCellSites(
	input: {
		lon: Float64Array;
		lat: Float64Array;
		households: Float64Array;
		distanceM: Float64Array;
		maxDistanceM: number;
		candidates: { lon: number; lat: number; id?: string }[];
		options: OptimizeOptions;
	},
	_ctx: TaskContext
) {
	const buildings = { ids: Array.from(input.lon, (_, i) => String(i)), lon: input.lon, lat: input.lat, households: input.households };
	return optimizeSites({ buildings, distanceM: input.distanceM, maxDistanceM: input.maxDistanceM, candidates: input.candidates }, input.options);
}

/** Records sent back per message: small enough that taking one in never holds the request thread long. */
export const RECORDS_PER_PART = 2000;

/**
 * An import file read, converted and checked (geo/import parseLayerStream); records arrive as parts
 * (RecordBatch; buildings as their writer's columns, imports/building-columns) while the file is read,
 * and the answer holds the rejected features and the counts.
 */
async function parseImport(bytes: Uint8Array, options: ParseOptions & { layer: LayerName }, ctx: TaskContext) {
	// Buildings leave as the columns their writer sends: made here, off the writing thread.
	const pack = (batch: RecordBatch<LayerName>) => (options.layer === 'buildings' ? buildingsPart(batch as RecordBatch<'buildings'>) : batch);
	return parseLayerStream(bytes, options, (batch) => ctx.part(pack(batch)), RECORDS_PER_PART);
}

export const tasks = {
	optimizeCellSites,
	checkPlan,
	proposeLayout,
	rebalanceLayout,
	readLayout,
	numberLayout,
	parseImport,
	coverageDistances,
	capacityEvaluate,
	scenarioDistances,
	accessEvaluate,
	scenarioAccessEvaluate
};
export type Tasks = typeof tasks;

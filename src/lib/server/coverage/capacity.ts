// Capacity rules (千人指标) on the server: the capacity of each enabled capacity rule's facilities
// (seats, beds or floor area from facilities.attributes) against the demand of the residents or
// households within their reach, per community and per facility (geo/capacity, run by a job worker
// off the request thread). Called by computeCoverage, whose cells and cache it shares.
import { buildingDemand, PERSONS_PER_HOUSEHOLD } from '$geo/capacity';
import type { BuildingSet, CoverageFacility } from '$geo/coverage';
import type { Db } from '../db';
import { ruleReachM, type CoverageRule } from './rules';
import { getWalkGraph } from '../map/walk-network';
import { jobs } from '../jobs/pool';
import { sharedGraph } from '../jobs/shared';
import type { CapacitySearch } from '../jobs/tasks';
import type { FacilityFacts } from './load';
import type { CapacityFacilityRow, CapacityFigures } from '../../coverage/types';
import type { CapacityResult } from './types';

export type { CapacityFacilityRow, CapacityFigures, CapacityResult };

/** A facility's capacity attribute as a number (NaN where absent, negative or not a number). */
export const capacityOf = (attributes: Record<string, unknown> | null, key: string) => {
	const v = attributes?.[key];
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
	return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
};

/** Rounded up to a whole unit, less float noise (11.000000001 places short is 11). */
export const wholeShortfall = (v: number | null) => (v === null ? null : Math.ceil(v - 1e-6));

export async function computeCapacity(
	db: Db,
	rules: CoverageRule[],
	loaded: { byCategory: Map<string, CoverageFacility[]>; facts: Map<string, FacilityFacts[]> },
	communities: number,
	buildings: BuildingSet,
	population: Float64Array,
	buildingCommunity: Int32Array
): Promise<CapacityResult> {
	const result: CapacityResult = { units: new Map(), facilities: new Map(), reaches: new Map(), walked: new Map() };
	const capacityRules = rules.filter((r) => r.kind === 'capacity' && r.category && r.capacityAttribute);
	if (capacityRules.length === 0) return result;
	const facilitiesOf = (r: CoverageRule) => loaded.byCategory.get(r.category!) ?? [];
	const factsOf = (r: CoverageRule) => loaded.facts.get(r.category!) ?? [];
	const searches: CapacitySearch[] = capacityRules.map((r) => {
		return {
			spec: { id: r.id, basis: r.demandBasis ?? 'population', demandPer: r.demandPer ?? 1000, capacityPer: r.capacityPer ?? 0 },
			metric: r.metric === 'walk' ? 'walk' : 'straight',
			reachM: ruleReachM(r),
			facilities: facilitiesOf(r),
			capacity: Float64Array.from(factsOf(r), (f) => capacityOf(f.attributes, r.capacityAttribute!)),
			demand: buildingDemand(buildings.households, population, r.demandBasis ?? 'population', r.personsPerHousehold ?? PERSONS_PER_HOUSEHOLD),
			decay: { kind: r.decay ?? 'none', ...(r.decayBeta !== null ? { beta: r.decayBeta } : {}) }
		};
	});
	const graph = searches.some((s) => s.metric === 'walk') ? await getWalkGraph(db) : null;
	const { result: done } = await jobs().run(
		'capacityEvaluate',
		[
			{
				lon: buildings.lon,
				lat: buildings.lat,
				unitOf: buildingCommunity,
				units: communities,
				rules: searches,
				graph: graph && graph.edgeCount > 0 ? sharedGraph(graph) : null
			}
		],
		{ kind: 'coverage' }
	);
	for (const r of capacityRules) {
		const res = done.results[r.id];
		const mine = facilitiesOf(r);
		const facts = factsOf(r);
		const unit = { unitZh: r.capacityUnitZh ?? '', unitEn: r.capacityUnitEn ?? '' };
		result.walked.set(r.id, res.walked);
		result.reaches.set(r.id, res.reaches);
		result.units.set(
			r.id,
			res.units.map((u) => ({
				status: u.status,
				share: u.share,
				buildings: u.buildings,
				figures: {
					...unit,
					demand: u.demand,
					required: u.required,
					supply: u.supply,
					shortfall: wholeShortfall(u.shortfall),
					unknownFacilities: u.unknownFacilities
				}
			}))
		);
		result.facilities.set(
			r.id,
			res.facilities.map((f) => ({
				id: mine[f.facility].id,
				name: facts[f.facility].name,
				lon: facts[f.facility].lon,
				lat: facts[f.facility].lat,
				capacity: f.capacity,
				demand: f.demand,
				required: f.required,
				shortfall: wholeShortfall(f.shortfall),
				buildings: f.buildings,
				status: f.status,
				index: f.facility
			}))
		);
	}
	return result;
}

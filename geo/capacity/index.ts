// Capacity rules (千人指标), the pure core: the demand of each building, the buildings each facility
// reaches (straight line or on foot), and capacity against demand per facility and per unit.
export type {
	CapacityAttribute,
	CapacityFacility,
	CapacityRuleSpec,
	CapacityStatus,
	Catchments,
	DemandBasis,
	FacilityCapacityResult,
	UnitCapacityResult
} from './types';
export { buildingDemand, PERSONS_PER_HOUSEHOLD } from './demand';
export { straightCatchments, walkCatchments } from './catchment';
export { edgeBuildings, walkCatchmentsByEdge, type EdgeBuildings } from './edge-catchment';
export { evaluateCapacity, type CapacityEvaluation } from './evaluate';
export { decayFunction, DecayError, DECAY_KINDS, type DecayKind, type DecaySpec } from './decay';
export { e2sfca, accessByUnit, type AccessResult } from './e2sfca';
export { reaches, unitsReached, type UnitsReached } from './units-reached';
export {
	ACCESS_H3_RESOLUTION,
	ACCESS_PROFILES,
	AccessError,
	accessFigure,
	accessScore,
	addFacilityAccess,
	buildingCells,
	checkProfile,
	facilityRatio,
	profileAccess,
	profileWeights,
	SLOW_SHARE,
	slowReachM,
	unitAccess,
	type AccessProfile,
	type H3Cells,
	type ProfileAccess,
	type ProfileWeights,
	type UnitAccess
} from './access';
export { scenarioAccess, withScenarioAccess, type ScenarioAccess, type ScenarioAccessInput } from './scenario-access';

import type { CoverageFacility } from '../coverage/types';

/** Facility capacity attributes a capacity rule can weigh (facilities.attributes, docs/import.md). */
export type CapacityAttribute = 'seats' | 'beds' | 'floor_area_m2';
export type DemandBasis = 'population' | 'households';

/** A facility with its capacity in the rule's unit; NaN when the data does not record it. */
export interface CapacityFacility extends CoverageFacility {
	capacity: number;
}

/** What a capacity rule asks: `capacityPer` units of capacity for every `demandPer` residents or households. */
export interface CapacityRuleSpec {
	id: string;
	basis: DemandBasis;
	demandPer: number;
	capacityPer: number;
}

/**
 * Buildings within reach of each facility, in compressed rows: facility f reaches
 * building[start[f]] … building[start[f + 1] - 1], at distanceM of the same positions.
 */
export interface Catchments {
	start: Int32Array;
	building: Int32Array;
	distanceM: Float64Array;
}

/**
 * no_data: a building of the unit has unknown demand, or the unit has none; no_facilities: the category
 * has no facility in the data; no_capacity: none of its facilities records the capacity attribute.
 */
export type CapacityStatus = 'pass' | 'fail' | 'no_data' | 'no_facilities' | 'no_capacity';

export interface FacilityCapacityResult {
	facility: number;
	/** null when not recorded */
	capacity: number | null;
	buildings: number;
	/** residents or households within reach (buildings of unknown demand count 0) */
	demand: number;
	/** demand ÷ demandPer × capacityPer */
	required: number;
	/** required − capacity when positive, else 0; null when the capacity is not recorded */
	shortfall: number | null;
	status: 'pass' | 'fail' | 'no_capacity';
}

export interface UnitCapacityResult {
	ruleId: string;
	unit: number;
	buildings: number;
	/** residents or households of the unit (null when unknown) */
	demand: number | null;
	/** demand ÷ demandPer × capacityPer */
	required: number | null;
	/** capacity allocated to the unit's residents: Σ demand_i × Σ_f∋i capacity_f ÷ demand_f */
	supply: number;
	/** required − supply when positive (0 otherwise); null when not judged */
	shortfall: number | null;
	/** supply ÷ required, at most 1; null when not judged */
	share: number | null;
	status: CapacityStatus;
	/** facilities reaching the unit whose capacity is not recorded (counted as 0) */
	unknownFacilities: number;
}

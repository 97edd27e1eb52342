// Partition of areas into balanced parts (communities into grids, subdistricts into communities).
export { bisectPolygon, absorbFragments, type Areal, type WeightedPoint, type PartProperties, type BisectOptions } from './bisect';
export { orderWestToEastNorthToSouth, representativePoint, type OrderOptions } from './order';
export {
	fitCenterline,
	lowSidePolygon,
	isLowSide,
	crossAt,
	straightCut,
	expandBBox,
	metresPerDegree,
	type Cut,
	type CutAxis,
	type CenterlineOptions
} from './cut';
export { splitByLine, splitByPolyline, SplitLineError, roundGeometry, type SplitLineReason, type SplitByPolylineOptions } from './split';

// Grid planning: validation, fixes, households, proposals, codes.
export { validatePartition, hasHardViolations, type Violation, type ViolationKind, type Fix, type ValidateOptions } from './validate';
export { fixGap, fixSliverOverlap, snapNearMiss, sharedBorderLength, chooseGapOwner, type GapOwnerChoice } from './fix';
export {
	householdsPerGrid,
	assignBuildings,
	balanceStats,
	bandExcess,
	GridLocator,
	DEFAULT_BAND,
	type Band,
	type BalanceStats,
	type GridFeature,
	type GridProps,
	type PlanBuilding
} from './households';
export { residualChain, type Residual } from './topology';
export { planarArea, labelPoint, scaleAt } from './planar';
export { numberGrids, type NumberedGrid } from './codes';
export { rebalance, type RebalanceOptions, type RebalanceResult } from './rebalance';
export { proposeGrids, gridCountRange, type ProposeOptions, type Proposal } from './propose';

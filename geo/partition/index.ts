// Partition of areas into balanced parts (communities into grids, subdistricts into communities).
export {
	bisectPolygon,
	absorbFragments,
	type Areal,
	type WeightedPoint,
	type PartProperties,
	type BisectOptions
} from './bisect';
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
export { splitByLine, roundGeometry } from './split';

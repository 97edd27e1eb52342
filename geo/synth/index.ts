// Synthetic cities for scale tests and benchmarks: the demo block repeated and jittered, with
// synthetic codes (province '99'). Pure generation; the server writes it (src/lib/server/imports/synth.ts).
export {
	buildTemplate,
	bboxOf,
	type SynthTemplate,
	type TemplateInput,
	type TemplateBuilding,
	type TemplateGrid,
	type TemplateCommunity,
	type TemplateSubdistrict
} from './template';
export {
	planSynth,
	synthCopies,
	type SynthOptions,
	type SynthPlan,
	type SynthCopy,
	type SynthBuilding,
	type SynthGrid,
	type SynthCommunity,
	type SynthSubdistrict
} from './generate';
export { copyFeatures, SYNTH_LAYERS, type SynthLayer } from './geojson';
export { SYNTH_PROVINCE, MAX_COPIES, SynthOptionsError, copyPrefix, subdistrictCode, communityCode, gridCode, isSyntheticCode } from './codes';
export { mulberry32, copyRandom, type Random } from './prng';
export { interiorPoint } from '../placement/interior-point';

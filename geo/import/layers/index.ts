import type { LayerName } from '../../types';
import type { LayerBuilder } from './types';
import { buildCommunity, buildGrid, buildSubdistrict } from './hierarchy';
import { buildBuilding } from './buildings';
import { buildFacility, knownCategoryCodes } from './facilities';
import { buildRoad } from './roads';
import { buildCase } from './cases';
import { buildLandcover } from './landcover';
import { buildRegister } from './registers';

export const LAYER_BUILDERS: { [L in LayerName]: LayerBuilder<L> } = {
	subdistricts: buildSubdistrict,
	communities: buildCommunity,
	grids: buildGrid,
	buildings: buildBuilding,
	facilities: buildFacility,
	roads: buildRoad,
	landcover: buildLandcover,
	cases: buildCase,
	registers: buildRegister
};

export { knownCategoryCodes };
export type { BuildInput, BuildResult, LayerBuilder, LayerFields } from './types';

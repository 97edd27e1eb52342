// 街道 → 社区 → 网格: the administrative hierarchy, identified by division codes.
import { FIELD_ALIASES as F } from '../properties';
import { explainCodeFormat, explainSubdistrictStructure, isCommunityCode, isGridCode, isSubdistrictCode, normaliseCode } from '../codes';
import { fail, optionalCount, type LayerBuilder } from './types';
import { shown } from '../text';

const missing = (zh: string, en: string) => fail('missing-field', { zh: `缺少${zh}`, en: `${en} is missing` });

export const buildSubdistrict: LayerBuilder<'subdistricts'> = ({ reader, syntheticCodes }) => {
	const rawCode = reader.text(F.subdistrictCode);
	if (rawCode === undefined) return missing(`街道编码（列名 ${F.subdistrictCode.join('/')}）`, `the subdistrict code (column ${F.subdistrictCode.join('/')})`);
	const code = normaliseCode(rawCode);
	if (!/^\d{9}$/.test(code)) return fail('code-format', explainCodeFormat(code, 9, { zh: '街道编码', en: 'subdistrict code' }));
	if (!isSubdistrictCode(code, { synthetic: syntheticCodes }))
		return fail('code-format', explainSubdistrictStructure(code, { zh: '街道编码', en: 'subdistrict code' }));
	const name = reader.text(F.subdistrictName);
	if (name === undefined) return missing(`街道名称（列名 ${F.subdistrictName.join('/')}）`, `the subdistrict name (column ${F.subdistrictName.join('/')})`);
	const districtCode = reader.text(F.districtCode);
	return {
		ok: true,
		code,
		fields: {
			code,
			name,
			districtCode: districtCode ? normaliseCode(districtCode) : code.slice(0, 6),
			districtName: reader.text(F.districtName)
		}
	};
};

export const buildCommunity: LayerBuilder<'communities'> = (input) => {
	const { reader, syntheticCodes } = input;
	const rawCode = reader.text(F.communityCode);
	if (rawCode === undefined) return missing(`社区编码（列名 ${F.communityCode.join('/')}）`, `the community code (column ${F.communityCode.join('/')})`);
	const code = normaliseCode(rawCode);
	if (!/^\d{12}$/.test(code)) return fail('code-format', explainCodeFormat(code, 12, { zh: '社区编码', en: 'community code' }));
	if (!isSubdistrictCode(code.slice(0, 9), { synthetic: syntheticCodes })) {
		const inner = explainSubdistrictStructure(code.slice(0, 9), { zh: '其前 9 位', en: 'its first 9 digits' });
		return fail('code-format', { zh: `社区编码“${code}”：${inner.zh}`, en: `community code "${code}": ${inner.en}` });
	}
	if (!isCommunityCode(code, { synthetic: syntheticCodes })) {
		return fail('code-format', {
			zh: `社区编码“${code}”末 3 位为 000（那是街道本身的代码），应为社区的 3 位序号`,
			en: `community code "${code}" ends in 000 (that is the subdistrict's own code); the last 3 digits must number the community`
		});
	}
	const name = reader.text(F.communityName);
	if (name === undefined) return missing(`社区名称（列名 ${F.communityName.join('/')}）`, `the community name (column ${F.communityName.join('/')})`);
	const households = optionalCount(input, F.households, { zh: '户数', en: 'households' });
	if (!households.ok) return households;
	const population = optionalCount(input, F.population, { zh: '人口', en: 'population' });
	if (!population.ok) return population;
	const serviceSpace = optionalCount(input, F.serviceSpaceM2, { zh: '服务用房面积', en: 'service space (m²)' });
	if (!serviceSpace.ok) return serviceSpace;
	return {
		ok: true,
		code,
		fields: {
			code,
			name,
			subdistrictCode: code.slice(0, 9),
			subdistrictName: reader.text(F.communitySubdistrictName),
			households: households.value === undefined ? undefined : Math.round(households.value),
			householdsEstimated: households.value === undefined ? undefined : false,
			population: population.value === undefined ? undefined : Math.round(population.value),
			populationEstimated: population.value === undefined ? undefined : false,
			serviceSpaceM2: serviceSpace.value
		}
	};
};

const GRID_KINDS: Record<string, 'basic' | 'dedicated'> = {
	basic: 'basic',
	基础: 'basic',
	基础网格: 'basic',
	dedicated: 'dedicated',
	专属: 'dedicated',
	专属网格: 'dedicated'
};

export const buildGrid: LayerBuilder<'grids'> = ({ reader }) => {
	const rawCode = reader.text(F.gridCode);
	const code = rawCode === undefined ? undefined : normaliseCode(rawCode);
	if (code !== undefined && !isGridCode(code)) return fail('code-format', explainCodeFormat(code, 15, { zh: '网格编码', en: 'grid code' }));
	if (code !== undefined && code.endsWith('000')) {
		return fail('code-format', {
			zh: `网格编码“${code}”末 3 位为 000，应为网格在社区内的序号 001–999`,
			en: `grid code "${code}" ends in 000; the last 3 digits number the grid in its community, 001–999`
		});
	}
	const rawKind = reader.text(F.gridKind);
	const kind = rawKind === undefined ? 'basic' : Object.hasOwn(GRID_KINDS, rawKind.toLowerCase()) ? GRID_KINDS[rawKind.toLowerCase()] : undefined;
	if (kind === undefined) {
		return fail('grid-kind', {
			zh: `网格类型“${shown(rawKind)}”无法识别，应为 基础/basic 或 专属/dedicated（留空即为基础网格）`,
			en: `grid kind "${shown(rawKind)}" is not recognised; use basic/基础 or dedicated/专属 (empty means basic)`
		});
	}
	return { ok: true, code, fields: { code, name: reader.text(F.gridName), kind } };
};

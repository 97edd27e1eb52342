// Household and population registers (实有房屋 / 实有人口 summaries): official counts for a building,
// by the id it was imported with, or for a community, by its 12-digit code. The server replaces the
// estimates with them and keeps the estimates beside (migrations/015_official_counts.sql).
import { FIELD_ALIASES as F } from '../properties';
import { normaliseCode } from '../codes';
import { fail, optionalCount, type LayerBuilder } from './types';

export const buildRegister: LayerBuilder<'registers'> = (input) => {
	const { reader } = input;
	const buildingId = reader.text(F.buildingId);
	const rawCode = buildingId === undefined ? reader.text(F.registerCommunityCode) : undefined;
	if (buildingId === undefined && rawCode === undefined) {
		return fail('register-no-key', {
			zh: `缺少楼栋编号（列名 ${F.buildingId.join('/')}）或社区编码（列名 ${F.registerCommunityCode.join('/')}）`,
			en: `neither a building id (column ${F.buildingId.join('/')}) nor a community code (column ${F.registerCommunityCode.join('/')})`
		});
	}
	const communityCode = rawCode === undefined ? undefined : normaliseCode(rawCode);
	if (communityCode !== undefined && !/^\d{12}$/.test(communityCode)) {
		return fail('code-format', { zh: `社区编码“${communityCode}”应为 12 位数字`, en: `community code "${communityCode}" must be 12 digits` });
	}
	const households = optionalCount(input, F.households, { zh: '户数', en: 'households' });
	if (!households.ok) return households;
	const population = optionalCount(input, F.population, { zh: '人口', en: 'population' });
	if (!population.ok) return population;
	if (households.value === undefined && population.value === undefined) {
		return fail('register-no-count', {
			zh: `没有户数（列名 ${F.households.join('/')}）也没有人口（列名 ${F.population.join('/')}）`,
			en: `no households (column ${F.households.join('/')}) and no population (column ${F.population.join('/')})`
		});
	}
	return {
		ok: true,
		fields: {
			buildingId,
			communityCode,
			households: households.value === undefined ? undefined : Math.round(households.value),
			population: population.value === undefined ? undefined : Math.round(population.value)
		}
	};
};

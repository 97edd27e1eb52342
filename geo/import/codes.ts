// Chinese administrative division codes (统计用区划代码): 6-digit county + 3-digit subdistrict (街道/乡镇)
// + 3-digit community (社区/村). Grids add 3 more digits inside their community.
import type { BilingualText } from '../issues';
import { shown } from './text';

/** The province prefix of GridAtlas's synthetic cities (`gridatlas synth`): no real province has it. */
export const SYNTHETIC_PROVINCE = '99';

export interface CodeRules {
	/** Accept province 99, the synthetic cities' (only when asked: for real data it is a typo). */
	synthetic?: boolean;
}

/** Province prefixes run from 11 (Beijing) to 82 (Macao); 99 only for synthetic data. */
function hasValidProvince(code: string, rules: CodeRules = {}): boolean {
	if (rules.synthetic && code.startsWith(SYNTHETIC_PROVINCE)) return true;
	const province = Number(code.slice(0, 2));
	return province >= 11 && province <= 82;
}

/** 9 digits: a real province, a county other than "00", a subdistrict other than "000". */
export function isSubdistrictCode(code: string, rules: CodeRules = {}): boolean {
	return /^\d{9}$/.test(code) && hasValidProvince(code, rules) && code.slice(4, 6) !== '00' && code.slice(6, 9) !== '000';
}

/** 12 digits whose first 9 are a subdistrict code and whose last 3 are not "000". */
export function isCommunityCode(code: string, rules: CodeRules = {}): boolean {
	return /^\d{12}$/.test(code) && isSubdistrictCode(code.slice(0, 9), rules) && code.slice(9) !== '000';
}

export function isGridCode(code: string): boolean {
	return /^\d{15}$/.test(code);
}

/** Why a code cell is not `digits` digits, with a hint for the usual spreadsheet accidents. */
export function explainCodeFormat(code: string, digits: number, what: BilingualText): BilingualText {
	const quoted = shown(code, 40);
	if (/^\d(\.\d+)?e\+?\d+$/i.test(code)) {
		return {
			zh: `${what.zh}“${quoted}”被表格软件写成了科学计数法，请把该列设置为“文本”格式后重新导出（应为 ${digits} 位数字）`,
			en: `${what.en} "${quoted}" was written in scientific notation by the spreadsheet; format the column as text and export again (${digits} digits expected)`
		};
	}
	const length = code.replace(/\D/g, '').length;
	return {
		zh: `${what.zh}“${quoted}”格式不对，应为 ${digits} 位数字（现为 ${/^\d+$/.test(code) ? `${length} 位` : '含非数字字符'}）`,
		en: `${what.en} "${quoted}" is malformed; expected ${digits} digits (${/^\d+$/.test(code) ? `got ${length}` : 'it contains non-digits'})`
	};
}

/** Which part of a 9-digit subdistrict code is impossible, for codes that have the right length. */
export function explainSubdistrictStructure(code: string, what: BilingualText): BilingualText {
	const reasons: BilingualText[] = [];
	if (!hasValidProvince(code)) {
		const synthetic = code.startsWith(SYNTHETIC_PROVINCE);
		reasons.push({
			zh: `前 2 位“${code.slice(0, 2)}”不是省级代码（11–82）${synthetic ? '；99 是合成城市（gridatlas synth）的代码，导入合成数据请加 --synthetic-codes' : ''}`,
			en: `the first 2 digits "${code.slice(0, 2)}" are not a province code (11–82)${synthetic ? '; 99 marks a synthetic city (gridatlas synth): import synthetic data with --synthetic-codes' : ''}`
		});
	}
	if (code.slice(4, 6) === '00') reasons.push({ zh: '第 5–6 位为 00（那是地级市本身的代码）', en: 'digits 5–6 are 00 (that is a prefecture-level city code)' });
	if (code.slice(6, 9) === '000')
		reasons.push({ zh: '末 3 位为 000（那是区县本身的代码）', en: 'the last 3 digits are 000 (that is the district code itself)' });
	return {
		zh: `${what.zh}“${code}”不是有效的街道编码：${reasons.map((r) => r.zh).join('；')}`,
		en: `${what.en} "${code}" is not a valid subdistrict code: ${reasons.map((r) => r.en).join('; ')}`
	};
}

/** Codes stored as numbers (DBF N fields, JSON numbers) become digit strings; "320102002.0" loses its ".0". */
export function normaliseCode(value: string): string {
	return value.trim().replace(/\.0+$/, '');
}

// Unit codes, one home: a subdistrict (街道) is 9 digits, a community (社区) 12 (its subdistrict's 9 and
// 3 more), a grid (网格) 15 (its community's 12 and 3 more). The import checks province and county
// digits as well (geo/import/codes); everything that reads a code from a request or a link uses this.
import type { BilingualText } from '../issues';

export type UnitKind = 'subdistrict' | 'community' | 'grid';

export const UNIT_CODE_DIGITS: Record<UnitKind, number> = { subdistrict: 9, community: 12, grid: 15 };

export const UNIT_KIND_NAMES: Record<UnitKind, BilingualText> = {
	subdistrict: { zh: '街道', en: 'subdistrict' },
	community: { zh: '社区', en: 'community' },
	grid: { zh: '网格', en: 'grid' }
};

const KIND_BY_DIGITS = new Map<number, UnitKind>(Object.entries(UNIT_CODE_DIGITS).map(([k, n]) => [n, k as UnitKind]));

/** The kind of a unit code, or null when it is not 9, 12 or 15 digits. */
export function unitKindOf(code: string): UnitKind | null {
	if (!/^[0-9]+$/.test(code)) return null;
	return KIND_BY_DIGITS.get(code.length) ?? null;
}

/** A code of that kind (any kind when none is given). */
export function isUnitCode(code: unknown, kind?: UnitKind): code is string {
	if (typeof code !== 'string') return false;
	const k = unitKindOf(code);
	return k !== null && (kind === undefined || k === kind);
}

/** The code of the unit one level up (a grid's community, a community's subdistrict); null above. */
export function parentCode(code: string): string | null {
	const kind = unitKindOf(code);
	if (kind === 'grid') return code.slice(0, UNIT_CODE_DIGITS.community);
	if (kind === 'community') return code.slice(0, UNIT_CODE_DIGITS.subdistrict);
	return null;
}

/** "社区编码应为 12 位数字 / community must be a 12-digit code" for the kinds allowed. */
export function unitCodeRule(kinds: UnitKind[]): BilingualText {
	const zhNames = kinds.map((k) => `${UNIT_CODE_DIGITS[k]} 位${UNIT_KIND_NAMES[k].zh}`);
	if (kinds.length === 1) {
		const k = kinds[0];
		return { zh: `${UNIT_KIND_NAMES[k].zh}编码应为 ${UNIT_CODE_DIGITS[k]} 位数字`, en: `${UNIT_KIND_NAMES[k].en} must be a ${UNIT_CODE_DIGITS[k]}-digit code` };
	}
	const enNames = kinds.map((k) => `a ${UNIT_CODE_DIGITS[k]}-digit ${UNIT_KIND_NAMES[k].en}`);
	return { zh: `单元编码应为 ${zhNames.join('或 ')}编码`, en: `unit must be ${enNames.slice(0, -1).join(', ')} or ${enNames.at(-1)} code` };
}

// Synthetic statistical codes. Real codes start with a province (11–65, 71, 81, 82); '99' is none,
// so a synthetic city can share a database with real data and never collide with it:
//   subdistrict 99 CCCC SSS (copy number 0001–9999, subdistrict of the copy)
//   community   <subdistrict> NNN   grid <community> GGG (the demo grid's own sequence number).
import { GridAtlasError } from '../errors';

export const SYNTH_PROVINCE = '99';
export const MAX_COPIES = 9999;

/** Options that cannot make a city; the message says which and why (Chinese first). */
export class SynthOptionsError extends GridAtlasError {
	constructor(message: string) {
		super(message, { code: 'bad_synth_options' });
		this.name = 'SynthOptionsError';
	}
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The six-digit prefix shared by every code of one copy (copy numbers count from 1). */
export function copyPrefix(copy: number): string {
	if (!Number.isInteger(copy) || copy < 1 || copy > MAX_COPIES) {
		throw new SynthOptionsError(`副本编号 ${copy} 超出 1–${MAX_COPIES} / copy number ${copy} is outside 1–${MAX_COPIES}`);
	}
	return `${SYNTH_PROVINCE}${pad(copy, 4)}`;
}

export const subdistrictCode = (copy: number, ordinal: number) => `${copyPrefix(copy)}${pad(ordinal, 3)}`;
export const communityCode = (subdistrict: string, ordinal: number) => `${subdistrict}${pad(ordinal, 3)}`;
export const gridCode = (community: string, seq: number) => `${community}${pad(seq, 3)}`;

export function isSyntheticCode(code: string): boolean {
	return code.startsWith(SYNTH_PROVINCE) && /^[0-9]{9}([0-9]{3}){0,2}$/.test(code);
}

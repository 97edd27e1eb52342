import { describe, expect, it } from 'vitest';
import { isUnitCode, parentCode, unitCodeRule, unitKindOf } from './code';

describe('unit codes', () => {
	it('tells the kind by the number of digits, and nothing else is a code', () => {
		expect(unitKindOf('320102002')).toBe('subdistrict');
		expect(unitKindOf('320102002001')).toBe('community');
		expect(unitKindOf('320102002001003')).toBe('grid');
		for (const bad of ['', '32010200', '3201020020', '32010200200a', ' 320102002', '320102002\n', '1e9', '３２０１０２００２'])
			expect(unitKindOf(bad), bad).toBeNull();
		expect(isUnitCode('320102002001', 'community')).toBe(true);
		expect(isUnitCode('320102002001', 'grid')).toBe(false);
		expect(isUnitCode(320102002)).toBe(false);
	});

	it('goes one level up', () => {
		expect(parentCode('320102002001003')).toBe('320102002001');
		expect(parentCode('320102002001')).toBe('320102002');
		expect(parentCode('320102002')).toBeNull();
		expect(parentCode('city')).toBeNull();
	});

	it('says the rule in both languages', () => {
		expect(unitCodeRule(['community'])).toEqual({ zh: '社区编码应为 12 位数字', en: 'community must be a 12-digit code' });
		expect(unitCodeRule(['subdistrict', 'community'])).toEqual({
			zh: '单元编码应为 9 位街道或 12 位社区编码',
			en: 'unit must be a 9-digit subdistrict or a 12-digit community code'
		});
	});
});

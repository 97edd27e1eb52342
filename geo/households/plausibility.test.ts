import { describe, expect, it } from 'vitest';
import { implausibleReasons } from './plausibility';

describe('implausibleReasons', () => {
	it("flags the demo's library estimated as 2,574 households", () => {
		expect(implausibleReasons({ households: 2574, estimated: true, footprintM2: 13_628, levels: 17, name: '南京图书馆' })).toEqual([
			'non_residential_name',
			'large_footprint',
			'too_many'
		]);
	});
	it('leaves an ordinary residential block alone', () => {
		expect(implausibleReasons({ households: 72, estimated: true, footprintM2: 900, levels: 6, name: '梅园新村 3 栋' })).toEqual([]);
		expect(implausibleReasons({ households: 0, estimated: true, footprintM2: 20_000, levels: 3, buildingType: 'retail' })).toEqual([]);
	});
	it('flags homes on a non-residential type and official counts denser than the floor area', () => {
		expect(implausibleReasons({ households: 40, estimated: false, footprintM2: 800, levels: 5, buildingType: 'office' })).toEqual(['non_residential_type']);
		expect(implausibleReasons({ households: 300, estimated: false, footprintM2: 400, levels: 6 })).toEqual(['denser_than_floor_area']);
	});
});

import { describe, expect, it } from 'vitest';
import { reaches, unitsReached } from './units-reached';

describe('units reached by each facility', () => {
	it('lists each unit once, ascending, ignoring buildings of no unit; answers membership', () => {
		// facility 0 reaches buildings 0, 1, 3; facility 1 none; facility 2 buildings 2, 3, 4
		const catchments = { start: Int32Array.from([0, 3, 3, 6]), building: Int32Array.from([0, 1, 3, 2, 3, 4]), distanceM: new Float64Array(6) };
		const unitOf = Int32Array.from([5, 2, -1, 5, 0]);
		const t = unitsReached(catchments, unitOf);
		expect([...t.start]).toEqual([0, 2, 2, 4]);
		expect([...t.unit]).toEqual([2, 5, 0, 5]);
		expect([0, 1, 2, 5].map((u) => reaches(t, 0, u))).toEqual([false, false, true, true]);
		expect([0, 5].map((u) => reaches(t, 1, u))).toEqual([false, false]);
		expect([0, 1, 5].map((u) => reaches(t, 2, u))).toEqual([true, false, true]);
	});
});

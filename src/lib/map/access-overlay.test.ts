// The access ramp's classes: quarters of the rule's standard, the darkest meeting it; no standard: by
// the share of the largest value shown.
import { describe, expect, it } from 'vitest';
import { ACCESS_RAMP, accessClass, accessColor } from './access-overlay.svelte';

describe('access ramp', () => {
	it('classes an access figure by quarters of the standard, meeting it the darkest', () => {
		const standard = 30;
		expect([0, 7.4, 7.5, 14.9, 15, 22.5, 29.99, 30, 90].map((v) => accessClass(v, standard))).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4]);
		expect(accessClass(-1, standard)).toBe(0);
	});

	it('colours by the standard whatever the largest value shown (one well-served cell washes nothing out)', () => {
		const darkest = [...ACCESS_RAMP[4], 200];
		expect(accessColor(30, { standard: 30, max: 1000 })).toEqual(darkest);
		expect(accessColor(15, { standard: 30, max: 1000 })).toEqual([...ACCESS_RAMP[2], 200]);
		// no standard figure: by the share of the largest shown
		expect(accessColor(1000, { standard: 0, max: 1000 })).toEqual(darkest);
		expect(accessColor(0, { standard: 0, max: 0 })).toEqual([...ACCESS_RAMP[0], 200]);
		// no demand known: transparent grey
		expect(accessColor(null, { standard: 30, max: 1000 })).toEqual([160, 160, 160, 60]);
	});
});

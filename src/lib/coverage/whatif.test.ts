import { describe, expect, it } from 'vitest';
import { straightWhatIf } from './whatif';
import type { WhatIfData } from './types';

// Two communities 2 km apart, one building each; a rule of 300 m whose category has no facility.
const data: WhatIfData = {
	category: 'kindergarten',
	communities: ['320102002001', '320102002002'],
	buildings: { ids: ['a', 'b'], lon: [118.78, 118.8], lat: [32.04, 32.04], households: [100, 50], community: [0, 1] },
	facilities: [],
	rules: [{ id: 'k300', category: 'kindergarten', maxDistanceM: 300, requiredShare: 1, metric: 'straight' }]
};

describe('straight what-if for a category with no facility in the data', () => {
	it('judges every cell once a facility is proposed, and none once it is taken away again', async () => {
		const session = straightWhatIf(data, 'k300', false);
		const added = await session.add(118.7801, 32.0401);
		expect(added.get('320102002001|k300')).toMatchObject({ status: 'pass', share: 1 });
		// far from the proposal, but now there is a facility to fail against
		expect(added.get('320102002002|k300')).toMatchObject({ status: 'fail', householdsShort: 50 });
		const removed = await session.remove(session.added[0].id);
		for (const cell of removed.values()) expect(cell).toMatchObject({ status: 'no_facilities', share: null, householdsShort: 0, uncovered: 0 });
	});
});

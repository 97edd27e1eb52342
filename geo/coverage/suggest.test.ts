// Suggested facility sites: greedy picks by households gained within reach.
import { describe, expect, it } from 'vitest';
import { nearestFacilityDistances, suggestSites, type BuildingSet } from './index';

describe('suggestSites', () => {
	it('picks the obviously best site first, then the next; gains match a facility added there', () => {
		const pts: [number, number, number][] = [];
		// cluster A: 10 buildings × 50 households around (118.78, 32.04); B: 3 × 10 around (118.80, 32.04); C far, 1 × 5
		for (let i = 0; i < 10; i++) pts.push([118.78 + (i % 5) * 0.0004, 32.04 + Math.floor(i / 5) * 0.0004, 50]);
		for (let i = 0; i < 3; i++) pts.push([118.8 + i * 0.0003, 32.04, 10]);
		pts.push([118.84, 32.06, 5]);
		const b: BuildingSet = {
			ids: pts.map((_, i) => `b${i}`),
			lon: Float64Array.from(pts, (p) => p[0]),
			lat: Float64Array.from(pts, (p) => p[1]),
			households: Float64Array.from(pts, (p) => p[2])
		};
		const none = new Float64Array(pts.length).fill(Infinity);
		const candidates = [
			{ lon: 118.8003, lat: 32.0401, id: 'B' },
			{ lon: 118.79, lat: 32.04, id: 'between' },
			{ lon: 118.7808, lat: 32.0402, id: 'A' }
		];
		const picks = suggestSites(b, none, 300, candidates, 3);
		expect(picks.map((p) => p.id)).toEqual(['A', 'B']); // 'between' reaches nobody within 300 m
		expect(picks[0]).toMatchObject({ householdsGained: 500, buildingsGained: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
		expect(picks[1]).toMatchObject({ householdsGained: 30, buildingsGained: [10, 11, 12] });
		// the mask keeps only cluster B; default candidates are the demand buildings
		const mask = Uint8Array.from(pts, (_, i) => (i >= 10 && i < 13 ? 1 : 0));
		const masked = suggestSites(b, none, 300, [], 2, mask);
		expect(masked).toHaveLength(1);
		expect(masked[0]).toMatchObject({ id: 'b10', householdsGained: 30 });
		// covered buildings are not demand
		const covered = nearestFacilityDistances(b, [{ id: 'A', category: 'x', geometry: { type: 'Point', coordinates: [118.7808, 32.0402] } }], 300);
		expect(suggestSites(b, covered.distanceM, 300, candidates, 3).map((p) => p.id)).toEqual(['B']);
		// a site added as a facility covers exactly buildingsGained
		const added = nearestFacilityDistances(b, [{ id: 'B', category: 'x', geometry: { type: 'Point', coordinates: [118.8003, 32.0401] } }], 300);
		expect([...added.distanceM.keys()].filter((i) => added.distanceM[i] <= 300)).toEqual(picks[1].buildingsGained);
	});
});

import { describe, expect, it } from 'vitest';
import { bboxOf, lineToFacility, proposedSites, recolour } from './cell-geometry';

const square = {
	type: 'Feature' as const,
	properties: {},
	geometry: {
		type: 'Polygon' as const,
		coordinates: [
			[
				[0, 0],
				[1, 0],
				[1, 1],
				[0, 1],
				[0, 0]
			]
		]
	}
};

describe('coverage cell geometry', () => {
	it('boxes every coordinate', () => {
		expect(
			bboxOf({ type: 'FeatureCollection', features: [square, { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [3, -2] } }] })
		).toEqual([0, -2, 3, 1]);
		expect(bboxOf({ type: 'FeatureCollection', features: [] })).toBeNull();
	});
	it('draws to a point facility, or to the nearest point of a park outline (not its centre)', () => {
		expect(lineToFacility([5, 5], { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } })).toEqual([
			[5, 5],
			[1, 2]
		]);
		const park = {
			...square,
			geometry: {
				type: 'Polygon' as const,
				coordinates: [
					[
						[118.78, 32.04],
						[118.79, 32.04],
						[118.79, 32.05],
						[118.78, 32.05],
						[118.78, 32.04]
					]
				]
			}
		};
		const [, to] = lineToFacility([118.785, 32.06], park)!;
		expect(to[0]).toBeCloseTo(118.785, 4);
		expect(to[1]).toBeCloseTo(32.05, 4);
	});
	it('recolours only the buildings the what-if names', () => {
		const fc = {
			type: 'FeatureCollection' as const,
			features: [
				{ ...square, properties: { id: 'a', covered: false } },
				{ ...square, properties: { id: 'b', covered: false } }
			]
		};
		const out = recolour(fc, new Map([['a', { covered: true, distanceM: 12 }]]));
		expect(out.features.map((f) => f.properties!.covered)).toEqual([true, false]);
		expect(out.features[0].properties!.distance_m).toBe(12);
		expect(fc.features[0].properties.covered).toBe(false);
	});
	it('lists what-if additions and suggestions as points', () => {
		const fc = proposedSites([{ id: 'whatif-1', geometry: { type: 'Point', coordinates: [1, 1] } }], [{ lon: 2, lat: 2, householdsGained: 40 }]);
		expect(fc.features.map((f) => f.properties!.kind)).toEqual(['whatif', 'suggestion']);
		expect(fc.features[1].properties!.gain).toBe(40);
	});
});

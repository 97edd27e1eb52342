// Coverage what-if: facilities added, removed and moved, each edit equal to a from-scratch evaluation.
import { describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import { CoverageWhatIf, evaluateRules, moveGeometry, type CoverageFacility, type CoverageRuleSpec } from './index';
import { mulberry32 } from '../synth/prng';
import { straightDistances } from './test/fixture';
import { randomCity, randomFacility } from './test/random-city';

describe('CoverageWhatIf', () => {
	const rules: CoverageRuleSpec[] = [
		{ id: 'a300', category: 'a', maxDistanceM: 300, requiredShare: 0.85, metric: 'straight' },
		{ id: 'a800', category: 'a', maxDistanceM: 800, requiredShare: 0.85, metric: 'straight' },
		{ id: 'b500', category: 'b', maxDistanceM: 500, requiredShare: 0.6, metric: 'straight' },
		{ id: 'bwalk', category: 'b', maxDistanceM: 1000, requiredShare: 0.85, metric: 'walk' }
	];

	it('add / remove / move equal a from-scratch evaluateRules after every edit', () => {
		const { rng, box, buildings, unitOf } = randomCity(11, 3000, 16);
		buildings.households[17] = NaN; // one unit is no_data throughout
		let facilities = Array.from({ length: 40 }, (_, i) => randomFacility(rng, `f${i}`, i % 2 ? 'a' : 'b', box));
		facilities.push({ id: 'other', category: 'c', geometry: { type: 'Point', coordinates: [118.74, 32.03] } });
		const whatIf = new CoverageWhatIf(buildings, unitOf, 16, rules, facilities);
		let before = whatIf.results();
		let next = 100;
		for (let step = 0; step < 40; step++) {
			const op = rng();
			let change;
			if (op < 0.35) {
				const f = randomFacility(rng, `f${next++}`, rng() < 0.5 ? 'a' : 'b', box);
				facilities.push(f);
				change = whatIf.add(f);
			} else if (op < 0.6) {
				const f = facilities[Math.floor(rng() * facilities.length)];
				facilities = facilities.filter((g) => g !== f);
				change = whatIf.remove(f.id);
			} else {
				const k = Math.floor(rng() * facilities.length);
				const lon = box[0] + rng() * (box[2] - box[0]),
					lat = box[1] + rng() * (box[3] - box[1]);
				const moved = whatIf.move(facilities[k].id, lon, lat);
				const g = facilities[k].geometry;
				facilities[k] = { ...facilities[k], geometry: g.type === 'Point' ? { type: 'Point', coordinates: [lon, lat] } : facilities[k].geometry };
				if (g.type !== 'Point') {
					// the what-if moved the box centre to lon/lat: take its geometry for the reference
					const cat = facilities[k].category;
					if (cat !== 'c') {
						const { facilities: fs2, isRemoved } = whatIf.facilities(cat);
						const fi = fs2.findIndex((f, i) => f.id === facilities[k].id && !isRemoved(i));
						facilities[k] = fs2[fi];
					}
				}
				change = moved;
			}
			const distances = straightDistances(buildings, rules, facilities);
			for (const cat of ['a', 'b']) expect(whatIf.distances(`straight:${cat}`)).toEqual(distances.get(`straight:${cat}`));
			const expected = evaluateRules(buildings, unitOf, 16, rules, distances);
			const after = whatIf.results();
			expect(after).toEqual(expected);
			const differing = [...new Set(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.unit))].sort((x, y) => x - y);
			expect(change.changedUnits).toEqual(differing);
			before = after;
		}
	});

	it('move of a point facility: units around the old and new place change, results as from scratch', () => {
		const { buildings, unitOf } = randomCity(5, 2000, 16);
		const facilities: CoverageFacility[] = [
			{ id: 'k1', category: 'a', geometry: { type: 'Point', coordinates: [118.71, 32.01] } },
			{ id: 'k2', category: 'a', geometry: { type: 'Point', coordinates: [118.77, 32.05] } }
		];
		const whatIf = new CoverageWhatIf(buildings, unitOf, 16, rules.slice(0, 2), facilities);
		const change = whatIf.move('k1', 118.74, 32.03);
		expect(change.changedBuildings).toBeGreaterThan(0);
		expect(change.changedUnits.length).toBeGreaterThan(1);
		const moved = [{ ...facilities[0], geometry: { type: 'Point', coordinates: [118.74, 32.03] } as Geometry }, facilities[1]];
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), moved)));
		expect(() => whatIf.remove('nope')).toThrow();
		expect(() => whatIf.add(facilities[1])).toThrow(/already/);
		// many moves (the index rebuilds its trees on the way), then remove: still as from scratch
		const rng = mulberry32(3);
		let last: Geometry = moved[0].geometry;
		for (let k = 0; k < 150; k++) {
			last = { type: 'Point', coordinates: [118.7 + rng() * 0.08, 32 + rng() * 0.06] };
			whatIf.move('k1', ...(last.coordinates as [number, number]));
		}
		const after = [{ ...facilities[0], geometry: last }, facilities[1]];
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), after)));
		whatIf.remove('k2');
		expect(whatIf.results()).toEqual(
			evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), after.slice(0, 1)))
		);
		// more than 64 facilities added: the overlay is folded into rebuilt trees
		const added: CoverageFacility[] = [];
		for (let k = 0; k < 90; k++) {
			const f: CoverageFacility = { id: `n${k}`, category: 'a', geometry: { type: 'Point', coordinates: [118.7 + rng() * 0.08, 32 + rng() * 0.06] } };
			added.push(f);
			whatIf.add(f);
			if (k % 3 === 0) whatIf.remove(added[k >> 1].id);
		}
		const removed = new Set<string>();
		for (let k = 0; k < 90; k++) if (k % 3 === 0) removed.add(added[k >> 1].id);
		const current = [after[0], ...added.filter((f) => !removed.has(f.id))];
		expect(removed.size).toBe(30);
		expect(whatIf.results()).toEqual(evaluateRules(buildings, unitOf, 16, rules.slice(0, 2), straightDistances(buildings, rules.slice(0, 2), current)));
	});

	it('moveGeometry puts a point at lon/lat and a polygon’s box centre there', () => {
		expect(moveGeometry({ type: 'Point', coordinates: [1, 2] }, 3, 4)).toEqual({ type: 'Point', coordinates: [3, 4] });
		const square: Geometry = {
			type: 'Polygon',
			coordinates: [
				[
					[0, 0],
					[2, 0],
					[2, 2],
					[0, 2],
					[0, 0]
				]
			]
		};
		expect(moveGeometry(square, 10, 20)).toEqual({
			type: 'Polygon',
			coordinates: [
				[
					[9, 19],
					[11, 19],
					[11, 21],
					[9, 21],
					[9, 19]
				]
			]
		});
	});

	it('walk rules: given network distances stay unchanged by edits; without them, straight line', () => {
		const { buildings, unitOf } = randomCity(8, 1500, 4);
		const walk = new Float64Array(1500).fill(Infinity);
		for (let i = 0; i < 1500; i += 3) walk[i] = 10;
		const f: CoverageFacility = { id: 'w', category: 'b', geometry: { type: 'Point', coordinates: [118.74, 32.03] } };
		const frozen = new CoverageWhatIf(buildings, unitOf, 4, rules, [f], { walkDistances: new Map([['walk:b', walk]]) });
		const walkBefore = frozen.results().filter((r) => r.ruleId === 'bwalk');
		frozen.move('w', 118.71, 32.01);
		frozen.add({ id: 'w2', category: 'b', geometry: { type: 'Point', coordinates: [118.75, 32.05] } });
		expect(frozen.results().filter((r) => r.ruleId === 'bwalk')).toEqual(walkBefore);
		expect(frozen.distances('walk:b')).toBe(walk);
		const straight = new CoverageWhatIf(buildings, unitOf, 4, rules, [f]);
		expect(straight.distances('walk:b')).toBe(straight.distances('straight:b'));
	});
});

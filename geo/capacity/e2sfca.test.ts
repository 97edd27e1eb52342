import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessByUnit, decayFunction, DecayError, e2sfca, evaluateCapacity, type DecaySpec } from './index';
import { expectedOutput } from '../test-fixture';
import { fixtureDir, loadLineFixture } from './line-fixture';

const dir = fixtureDir;
const load = () => loadLineFixture<{ decays: Omit<DecaySpec, 'reachM'>[] }>('decay-line.geojson');

const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);

describe('E2SFCA with distance decay (geo/capacity)', () => {
	const fx = load();
	const runs = fx.fc.decays.map((d) => {
		const spec = { ...d, reachM: fx.fc.reachM };
		return { spec, result: e2sfca(fx.demand, fx.catchments, fx.capacity, decayFunction(spec)) };
	});

	it('matches the recorded fixture for every decay', () => {
		const out = Object.fromEntries(
			runs.map(({ spec, result }) => [
				`${spec.kind}${spec.beta ? `:${spec.beta}` : ''}`,
				{
					ratio: Object.fromEntries(fx.facilities.map((f, i) => [f.id, r4(result.ratio[i] * 1000)])),
					accessPer1000: Object.fromEntries(fx.ids.map((id, i) => [id, r4(result.access[i] * 1000)])),
					units: accessByUnit(result.access, fx.demand, fx.unitOf, 2).map((v) => r4(v === null ? null : v * 1000))
				}
			])
		);
		expect(out).toEqual(expectedOutput(path.join(dir, 'out', 'decay-line.json'), out));
	});

	it('creates and loses nothing: Σ demand × access = the capacity of the facilities with weighted demand', () => {
		for (const { spec, result } of runs) {
			const total = fx.demand.reduce((s, d, i) => s + d * result.access[i], 0);
			expect(total, spec.kind).toBeCloseTo(130, 9);
		}
	});

	it('without decay it is the two-step catchment of capacity rules', () => {
		const none = runs.find((r) => r.spec.kind === 'none')!.result;
		const two = evaluateCapacity(fx.demand, fx.unitOf, 2, fx.catchments, fx.capacity, { id: 'x', basis: 'population', demandPer: 1, capacityPer: 1 });
		for (let i = 0; i < fx.demand.length; i++) expect(none.access[i]).toBeCloseTo(two.access[i], 12);
	});

	it('capacity rules with a decay allocate as E2SFCA', () => {
		for (const { spec, result } of runs) {
			const ev = evaluateCapacity(
				fx.demand,
				fx.unitOf,
				2,
				fx.catchments,
				fx.capacity,
				{ id: 'x', basis: 'population', demandPer: 1, capacityPer: 1 },
				decayFunction(spec)
			);
			for (let i = 0; i < fx.demand.length; i++) expect(ev.access[i], spec.kind).toBeCloseTo(result.access[i], 12);
		}
	});

	it('weights: the hand figures of each curve', () => {
		const w = (kind: DecaySpec['kind'], d: number, extra: Partial<DecaySpec> = {}) => decayFunction({ kind, reachM: 600, ...extra })(d);
		expect(w('linear', 300)).toBe(0.5);
		expect(w('linear', 601)).toBe(0);
		expect(w('gaussian', 0)).toBe(1);
		expect(w('gaussian', 600)).toBeCloseTo(0, 12);
		expect(w('gaussian', 300)).toBeCloseTo((Math.exp(-0.125) - Math.exp(-0.5)) / (1 - Math.exp(-0.5)), 12);
		expect(w('exponential', 600)).toBeCloseTo(Math.exp(-3), 12);
		expect(w('gravity', 20)).toBe(1);
		expect(w('gravity', 200)).toBeCloseTo(0.25, 12);
		expect(w('gravity', 200, { beta: 2 })).toBeCloseTo(1 / 16, 12);
		for (const kind of ['linear', 'exponential', 'gaussian', 'gravity'] as const) {
			let last = Infinity;
			for (let d = 0; d <= 600; d += 25) {
				const v = w(kind, d);
				expect(v, `${kind} at ${d}`).toBeLessThanOrEqual(last);
				expect(v).toBeGreaterThanOrEqual(0);
				last = v;
			}
		}
	});

	it('refuses a bad decay with a message in both languages', () => {
		expect(() => decayFunction({ kind: 'cubic' as never, reachM: 600 })).toThrow(DecayError);
		expect(() => decayFunction({ kind: 'gaussian', reachM: 0 })).toThrow(/服务范围/);
		expect(() => decayFunction({ kind: 'gravity', reachM: 600, beta: -1 })).toThrow(/β/);
	});

	it('a facility of unknown capacity offers nothing; unknown demand weighs nothing', () => {
		const r = e2sfca(
			Float64Array.of(100, Number.NaN),
			{ start: Int32Array.of(0, 2, 4), building: Int32Array.of(0, 1, 0, 1), distanceM: Float64Array.of(10, 10, 20, 20) },
			Float64Array.of(Number.NaN, 50),
			decayFunction({ kind: 'none', reachM: 100 })
		);
		expect(Number.isNaN(r.ratio[0])).toBe(true);
		expect(r.ratio[1]).toBe(0.5);
		expect([...r.access]).toEqual([0.5, 0.5]);
	});
});

// Slow walkers and the access score (access.ts): the fixture test/in/slow-walkers.geojson → out (REGEN=1
// rewrites it), and the properties that hold whatever the figures.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import {
	AccessError,
	accessScore,
	buildingCells,
	checkProfile,
	e2sfca,
	decayFunction,
	profileAccess,
	SLOW_SHARE,
	slowReachM,
	unitAccess,
	type DecaySpec
} from './index';
import { expectedOutput } from '../test-fixture';
import { fixtureDir, loadLineFixture } from './line-fixture';

const dir = fixtureDir;

function load() {
	const fx = loadLineFixture<{ speedMPerMin: number; decays: Omit<DecaySpec, 'reachM'>[] }>('slow-walkers.geojson');
	return { ...fx, share: Float64Array.from(fx.bs, (f) => f.properties!.slowShare ?? SLOW_SHARE) };
}

const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
const rule = { demandPer: 1000, capacityPer: 4.5 };

describe('access per profile (geo/capacity/access)', () => {
	const fx = load();
	const base = { demand: fx.demand, catchments: fx.catchments, capacity: fx.capacity, reachM: fx.fc.reachM, speedMPerMin: fx.fc.speedMPerMin };

	it('matches the recorded fixture: every decay, both profiles, the default and per-building slow shares', () => {
		const out: Record<string, unknown> = {};
		for (const decay of fx.fc.decays) {
			const runs = {
				all: profileAccess({ ...base, decay, profile: 'all' }),
				slow: profileAccess({ ...base, decay, profile: 'slow' }),
				slowPerBuilding: profileAccess({ ...base, decay, profile: 'slow', slowShare: fx.share })
			};
			out[decay.kind] = Object.fromEntries(
				Object.entries(runs).map(([name, r]) => {
					const units = unitAccess(r.access, r.weight, fx.unitOf, 2);
					return [
						name,
						{
							reachM: r4(r.reachM),
							per1000: Object.fromEntries(fx.ids.map((id, i) => [id, r4(r.access[i] * 1000)])),
							units: units.mean.map((m) => r4(m === null ? null : m * 1000)),
							unitDemand: [...units.demand].map(r4),
							scores: units.mean.map((m) => r4(m === null ? null : accessScore(m, rule)))
						}
					];
				})
			);
		}
		expect(out).toEqual(expectedOutput(path.join(dir, 'out', 'slow-walkers.json'), out));
	});

	it('slow walkers reach 50/65 of the distance, and nothing beyond it', () => {
		expect(slowReachM(975)).toBe(750);
		expect(slowReachM(300, 50)).toBe(300);
		const r = profileAccess({ ...base, decay: { kind: 'none' }, profile: 'slow' });
		expect(r.reachM).toBe(750);
		const b3 = fx.ids.indexOf('b3');
		expect(r.access[b3]).toBe(0);
		expect(r.access[fx.ids.indexOf('b0')]).toBeGreaterThan(0);
		// The profile's demand: the slow share of each building's.
		expect(r.weight[0]).toBeCloseTo(1000 * SLOW_SHARE, 9);
		expect(Number.isNaN(r.weight[fx.ids.indexOf('b5')])).toBe(true);
	});

	it('profile all is the E2SFCA of e2sfca.ts; slow walkers who are everyone and walk the full reach are too', () => {
		for (const kind of ['none', 'linear', 'gaussian', 'gravity'] as const) {
			const plain = e2sfca(fx.demand, fx.catchments, fx.capacity, decayFunction({ kind, reachM: fx.fc.reachM })).access;
			const all = profileAccess({ ...base, decay: { kind }, profile: 'all' }).access;
			const everyoneSlow = profileAccess({ ...base, speedMPerMin: 50, decay: { kind }, profile: 'slow', slowShare: 1 }).access;
			for (let i = 0; i < plain.length; i++) {
				expect(all[i]).toBe(plain[i]);
				expect(everyoneSlow[i]).toBeCloseTo(plain[i], 12);
			}
		}
	});

	it('the score is access per demandPer against the standard: 1 meets it exactly', () => {
		expect(accessScore(0.0045, rule)).toBeCloseTo(1, 12);
		expect(accessScore(0.0036, rule)).toBeCloseTo(0.8, 12);
		expect(accessScore(0, rule)).toBe(0);
		expect(accessScore(1, { demandPer: 1000, capacityPer: 0 })).toBeNull();
	});

	it('H3 cells: each building in the cell h3-js gives it; buildings without a point in none', () => {
		const lon = Float64Array.of(118.78, 118.7801, 118.79, Number.NaN);
		const lat = Float64Array.of(32.04, 32.04, 32.05, 32.04);
		const c = buildingCells(lon, lat, 9);
		expect(c.cellOf[3]).toBe(-1);
		expect(c.cells[c.cellOf[0]]).toBe(latLngToCell(32.04, 118.78, 9));
		expect(c.cellOf[0]).toBe(c.cellOf[1]);
		expect(c.cellOf[2]).not.toBe(c.cellOf[0]);
	});

	it('refuses an unknown profile and a share outside 0–1, in both languages', () => {
		expect(checkProfile('slow')).toBe('slow');
		expect(() => checkProfile('fast')).toThrow(AccessError);
		expect(() => checkProfile('fast')).toThrow(/需求人群.*demand profile/);
		expect(() => profileAccess({ ...base, decay: { kind: 'none' }, profile: 'slow', slowShare: 1.5 })).toThrow(AccessError);
	});
});

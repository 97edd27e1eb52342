// A scenario's access recomputed near its edits (scenario-access.ts) against the whole recompute: E2SFCA
// on the catchments of the whole edited network, for every kind of edit, both profiles and several decays.
import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { graphBounds, graphFromEdgeList, metresPerDegree, type WalkGraph } from '../network/graph';
import { seededRandom, syntheticLattice } from '../network/synthetic';
import { scenarioChanges, scenarioGraph, type ScenarioEdit } from '../network/scenario';
import { snapBuildings } from '../coverage/walk';
import type { CoverageFacility } from '../coverage/types';
import { walkCatchmentsByEdge } from './edge-catchment';
import { profileAccess, type AccessProfile } from './access';
import type { DecaySpec } from './decay';
import { scenarioAccess, withScenarioAccess } from './scenario-access';

const REACH_M = 500;

function city() {
	const base = graphFromEdgeList(syntheticLattice({ side: 80, seed: 5, removeShare: 0.08 }));
	const rand = seededRandom(23);
	const [x0, y0, x1, y1] = graphBounds(base)!;
	const at = (u: number, v: number): [number, number] => [x0 + u * (x1 - x0), y0 + v * (y1 - y0)];
	const n = 8000;
	const lon = new Float64Array(n);
	const lat = new Float64Array(n);
	const demand = new Float64Array(n);
	const slowShare = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		[lon[i], lat[i]] = at(rand(), rand());
		demand[i] = rand() < 0.03 ? Number.NaN : 10 + Math.floor(rand() * 190);
		slowShare[i] = 0.2 + 0.4 * rand();
	}
	const { kx, ky } = metresPerDegree(y0);
	const off = (p: Position, dx: number, dy: number): [number, number] => [p[0] + dx / kx, p[1] + dy / ky];
	// facilities in the south-west 65 % only (the north-east corner is far from every one); a few entered at two
	// points, one a small park entered round its edge
	const facilities: CoverageFacility[] = Array.from({ length: 100 }, (_, f) => {
		const p = at(0.65 * rand(), 0.65 * rand());
		const id = `f${f}`;
		if (f % 10 === 3) return { id, category: 'c', geometry: { type: 'MultiPoint', coordinates: [p, off(p, 60, 40)] } };
		if (f === 7) {
			const ring = [p, off(p, 70, 0), off(p, 70, 50), off(p, 0, 50), p];
			return { id, category: 'c', geometry: { type: 'Polygon', coordinates: [ring] } };
		}
		return { id, category: 'c', geometry: { type: 'Point', coordinates: p } };
	});
	const capacity = Float64Array.from(facilities, (_, f) => (f % 17 === 5 ? Number.NaN : 20 + Math.floor(rand() * 180)));
	return { base, at, off, lon, lat, demand, slowShare, facilities, capacity };
}

const catchments = (g: WalkGraph, lon: Float64Array, lat: Float64Array, facilities: CoverageFacility[]) =>
	walkCatchmentsByEdge(g, snapBuildings(g, { lon, lat }), facilities, REACH_M);

/** Largest relative difference between two access arrays (0 where both are 0). */
function worst(a: Float64Array, b: Float64Array): number {
	let w = 0;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i])));
	return w;
}

describe('scenario access, near the edits only (geo/capacity/scenario-access)', () => {
	const c = city();
	const { base, at, off, lon, lat, demand, facilities, capacity } = c;
	const today = catchments(base, lon, lat, facilities);
	const point = (f: number) => {
		const g = facilities[f].geometry;
		return (g.type === 'Point' ? g.coordinates : g.type === 'MultiPoint' ? g.coordinates[0] : [0, 0]) as [number, number];
	};
	const p0 = point(0);
	const p1 = point(1);
	const p2 = point(2);
	const scenarios: { name: string; edits: ScenarioEdit[]; changes: boolean }[] = [
		{ name: 'footpath', edits: [{ kind: 'footpath', coordinates: [off(p0, 10, 10), off(p0, 260, 230), off(p0, 420, 240)] }], changes: true },
		{ name: 'footbridge', edits: [{ kind: 'footbridge', coordinates: [off(p1, -20, 5), off(p1, -330, -310)] }], changes: true },
		{ name: 'gate opened', edits: [{ kind: 'gate_open', coordinates: [off(p2, 20, 0), off(p2, 20, 80)] }], changes: true },
		{ name: 'gate closed', edits: [{ kind: 'gate_close', coordinates: [off(p0, -50, -40), off(p0, -50, 40)] }], changes: true },
		{ name: 'road closed', edits: [{ kind: 'road_close', coordinates: [off(p1, 100, -200), off(p1, 120, 200)] }], changes: true },
		{
			name: 'a facility cut off',
			edits: [{ kind: 'road_close', coordinates: [off(p2, -90, -90), off(p2, 90, -90), off(p2, 90, 90), off(p2, -90, 90), off(p2, -90, -90)] }],
			changes: true
		},
		{ name: 'far from every facility', edits: [{ kind: 'footpath', coordinates: [at(0.96, 0.95), at(0.99, 0.99)] }], changes: false }
	];
	const runs: { profile: AccessProfile; decay: Omit<DecaySpec, 'reachM'>; slowShare?: Float64Array }[] = [
		{ profile: 'all', decay: { kind: 'gaussian' } },
		{ profile: 'all', decay: { kind: 'linear' } },
		{ profile: 'all', decay: { kind: 'none' } },
		{ profile: 'slow', decay: { kind: 'gaussian' } },
		{ profile: 'slow', decay: { kind: 'exponential', beta: 2 }, slowShare: c.slowShare }
	];

	for (const s of scenarios) {
		it(`${s.name}: equal to E2SFCA on the whole edited network, every building, both profiles`, () => {
			const changes = scenarioChanges(base, s.edits);
			expect(changes.outcomes.every((o) => o.edges > 0)).toBe(true);
			const whole = catchments(scenarioGraph(base, changes), lon, lat, facilities);
			let moved = 0;
			for (const run of runs) {
				const input = { demand, capacity, reachM: REACH_M, ...run };
				const before = profileAccess({ ...input, catchments: today }).access;
				const after = profileAccess({ ...input, catchments: whole }).access;
				const r = scenarioAccess({ ...input, graph: base, edits: s.edits, lon, lat, facilities, access: before });
				const local = withScenarioAccess(before, r);
				expect(worst(local, after), `${run.profile} ${run.decay.kind}`).toBeLessThanOrEqual(1e-9);
				moved += after.filter((v, i) => Math.abs(v - before[i]) > 1e-9 * Math.max(v, before[i])).length;
				// local: a part of the facilities walked again, a part of the buildings snapped
				expect(r.facilities).toBeLessThan(facilities.length);
				expect(r.snapped).toBeLessThan(lon.length);
				if (!s.changes) expect([r.facilities, r.buildings.length]).toEqual([0, 0]);
			}
			if (s.changes) expect(moved, 'buildings whose access moves').toBeGreaterThan(0);
			else expect(moved).toBe(0);
		});
	}

	it('a facility walled in serves only the homes inside: access falls outside, and it matches the whole recompute there', () => {
		const edits = scenarios.find((s) => s.name === 'a facility cut off')!.edits;
		const whole = catchments(scenarioGraph(base, scenarioChanges(base, edits)), lon, lat, facilities);
		const input = { demand, capacity, reachM: REACH_M, decay: { kind: 'gaussian' as const }, profile: 'all' as const };
		const before = profileAccess({ ...input, catchments: today }).access;
		const local = withScenarioAccess(before, scenarioAccess({ ...input, graph: base, edits, lon, lat, facilities, access: before }));
		const kept = new Set(Array.from(whole.building.subarray(whole.start[2], whole.start[3])));
		const lost = Array.from(today.building.subarray(today.start[2], today.start[3])).filter((i) => !kept.has(i));
		expect(lost.length).toBeGreaterThan(0);
		expect(lost.some((i) => local[i] < before[i] * (1 - 1e-6))).toBe(true);
	});
});

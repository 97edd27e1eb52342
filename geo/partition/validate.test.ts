// Fixture tests for validatePartition (test/in/validate/*.geojson → test/out/validate/*.json;
// REGEN=1 rewrites the outputs) and for the one-click fixes: after each fix the validator reports
// no gap / overlap.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection, Point } from 'geojson';
import {
	balanceStats,
	fixGap,
	fixSliverOverlap,
	householdsPerGrid,
	snapNearMiss,
	validatePartition,
	type Band,
	type GridFeature,
	type PlanBuilding,
	type Violation
} from './index';
import type { Areal } from './planar';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');
const names = fs
	.readdirSync(path.join(dir, 'in/validate'))
	.filter((f) => f.endsWith('.geojson'))
	.sort();

export interface Plan {
	community: Feature<Areal>;
	grids: GridFeature[];
	buildings: PlanBuilding[];
	band: Band;
}

export function readPlan(file: string): Plan {
	const fc = JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection;
	const community = fc.features.find((f) => f.properties?.role === 'community') as Feature<Areal>;
	return {
		community,
		band: community.properties!.band,
		grids: fc.features
			.filter((f) => f.properties?.role === 'grid')
			.map((f) => ({ ...f, properties: { code: f.properties!.code, kind: f.properties!.kind } }) as GridFeature),
		buildings: fc.features
			.filter((f): f is Feature<Point> => f.properties?.role === 'building')
			.map((f) => ({
				id: f.properties!.id,
				lon: f.geometry.coordinates[0],
				lat: f.geometry.coordinates[1],
				households: f.properties!.households,
				grid: f.properties!.grid ?? null
			}))
	};
}

const strip = (vs: Violation[]) => vs.map(({ geometry: _g, ...v }) => v);
const kinds = (vs: Violation[]) => vs.map((v) => v.kind);
const plan = (name: string) => readPlan(path.join(dir, 'in/validate', name + '.geojson'));

describe('validatePartition fixtures', () => {
	for (const name of names) {
		it(name, () => {
			const p = readPlan(path.join(dir, 'in/validate', name));
			const out = strip(validatePartition(p.community, p.grids, p.buildings, p.band));
			const file = path.join(dir, 'out/validate', name.replace(/\.geojson$/, '.json'));
			expect(out).toEqual(expectedOutput(file, out));
		});
	}
});

describe('validatePartition kinds', () => {
	it('finds each kind of violation with its measure', () => {
		expect(validatePartition(plan('clean-4').community, plan('clean-4').grids, plan('clean-4').buildings)).toEqual([]);
		const gap = plan('gap');
		const g = validatePartition(gap.community, gap.grids, gap.buildings, gap.band);
		expect(kinds(g)).toEqual(['gap', 'unassigned_buildings']);
		// 0.2 × 1 units of 0.001° ≈ 18.9 m × 110.9 m
		expect(g[0].areaM2).toBeGreaterThan(2080);
		expect(g[0].areaM2).toBeLessThan(2110);
		expect(g[0].buildings).toEqual(['gap1']);
		expect(g[0].fix).toEqual({ action: 'assign_gap', to: 'D' });
		expect(g[1].households).toBe(20);
		const ov = plan('overlap');
		const o = validatePartition(ov.community, ov.grids, ov.buildings, ov.band);
		expect(kinds(o)).toEqual(['overlap']);
		expect(o[0].grids).toEqual(['A', 'B']);
		const os = plan('outside');
		expect(kinds(validatePartition(os.community, os.grids, os.buildings, os.band))).toEqual(['outside']);
		const mp = plan('multipart');
		expect(kinds(validatePartition(mp.community, mp.grids, mp.buildings, mp.band))).toEqual(['multipart', 'band', 'band']);
		const inv = plan('invalid');
		const iv = validatePartition(inv.community, inv.grids, inv.buildings, inv.band);
		expect(iv[0]).toMatchObject({ kind: 'invalid_geometry', reason: 'self_intersection', grids: ['A'] });
		const b = plan('band');
		const bv = validatePartition(b.community, b.grids, b.buildings, b.band);
		expect(bv.map((v) => [v.grids![0], v.side, v.by])).toEqual([
			['A', 'below', 100],
			['C', 'above', 100],
			['D', 'above', 300]
		]);
	});

	it('skips the band for dedicated grids and honours painted buildings', () => {
		const b = plan('band');
		b.grids[3].properties.kind = 'dedicated';
		b.buildings[0].grid = 'B'; // 50 households painted from A to B
		const v = validatePartition(b.community, b.grids, b.buildings, b.band);
		expect(v.map((x) => [x.grids![0], x.side, x.by])).toEqual([
			['A', 'below', 150],
			['C', 'above', 100]
		]);
	});
});

describe('fixes', () => {
	it('fixGap gives the gap to its neighbour, after which no gap is left', () => {
		const p = plan('gap');
		const gap = validatePartition(p.community, p.grids, p.buildings, p.band).find((v) => v.kind === 'gap')!;
		const { grids, to } = fixGap(gap, p.grids, p.buildings, p.band);
		expect(to).toBe('D');
		expect(validatePartition(p.community, grids, p.buildings, p.band)).toEqual([]);
	});

	it('fixGap prefers the neighbour whose household balance improves', () => {
		const p = plan('unassigned');
		// B (NE) is low, C (SW) is high: the 1×1 gap in the SE, with 400 households, borders both.
		p.buildings.filter((b) => ['b5', 'b6', 'b7', 'b8'].includes(String(b.id))).forEach((b) => (b.households = 20));
		p.buildings.filter((b) => ['b13', 'b14', 'b15', 'b16'].includes(String(b.id))).forEach((b) => (b.households = 60));
		const gap = validatePartition(p.community, p.grids, p.buildings, p.band).find((v) => v.kind === 'gap')!;
		expect(gap.households).toBe(240);
		const { grids, to } = fixGap(gap, p.grids, p.buildings, p.band);
		expect(to).toBe('B'); // 80 + 240 = 320 is in the band; C would reach 640
		expect(validatePartition(p.community, grids, p.buildings, p.band)).toEqual([]); // A 400, B 320, C 400
	});

	it('fixSliverOverlap settles the overlap in one grid', () => {
		const p = plan('overlap');
		const ov = validatePartition(p.community, p.grids, p.buildings, p.band)[0];
		const { grids, to, from } = fixSliverOverlap(ov, p.grids, p.buildings, p.band);
		expect([to, from].sort()).toEqual(['A', 'B']);
		expect(validatePartition(p.community, grids, p.buildings, p.band)).toEqual([]);
	});

	it('snapNearMiss closes a 0.5 m gap and keeps the edge shared', () => {
		const p = plan('near-miss');
		const before = validatePartition(p.community, p.grids, p.buildings, p.band);
		expect(kinds(before)).toEqual(['gap']);
		const fix = before[0].fix as { action: 'snap'; grid: string; toleranceM: number };
		expect(fix).toEqual({ action: 'snap', grid: 'A', toleranceM: 1 });
		const b = p.grids.findIndex((g) => g.properties.code === fix.grid);
		const snapped = snapNearMiss(p.grids[b], [...p.grids.filter((_, i) => i !== b), p.community], fix.toleranceM);
		expect(snapped.moved + snapped.inserted).toBeGreaterThan(0);
		const grids = p.grids.map((g, i) => (i === b ? { ...g, geometry: snapped.geometry } : g));
		expect(validatePartition(p.community, grids, p.buildings, p.band)).toEqual([]);
	});
});

describe('households and balance', () => {
	it('counts households per grid and summarises the balance', () => {
		const p = plan('band');
		const { byGrid, unassigned } = householdsPerGrid(p.grids, p.buildings);
		expect([...byGrid]).toEqual([
			['A', 200],
			['B', 400],
			['C', 600],
			['D', 800]
		]);
		expect(unassigned).toBe(0);
		const s = balanceStats(byGrid.values(), p.band);
		expect(s).toMatchObject({ count: 4, mean: 500, min: 200, max: 800, below: 1, above: 2, outsideBand: 3, excess: 500 });
		expect(s.std).toBeCloseTo(Math.sqrt(50000), 9);
	});
});

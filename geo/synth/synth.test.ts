import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { parseLayer } from '../import';
import type { BuildingRecord } from '../types';
import {
	bboxOf,
	buildTemplate,
	copyFeatures,
	copyPrefix,
	isSyntheticCode,
	mulberry32,
	planSynth,
	synthCopies,
	SynthOptionsError,
	type SynthTemplate
} from './index';
import { expectedOutput } from '../test-fixture';

const dir = path.join(import.meta.dirname, 'test');
const root = path.resolve(import.meta.dirname, '../..');

function blockTemplate(): SynthTemplate {
	const block = JSON.parse(fs.readFileSync(path.join(dir, 'in', 'block.json'), 'utf8'));
	return buildTemplate({
		subdistricts: block.subdistricts.features,
		communities: block.communities.features,
		grids: block.grids.features,
		buildings: block.buildings as BuildingRecord[]
	});
}

let demo: SynthTemplate | undefined;
async function demoTemplate(): Promise<SynthTemplate> {
	if (demo) return demo;
	const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')).features as Feature<Polygon | MultiPolygon>[];
	const buildings = await parseLayer(new Uint8Array(fs.readFileSync(path.join(root, 'demo/osm/xinjiekou.osm.pbf'))), {
		layer: 'buildings',
		crs: 'wgs84',
		fileName: 'xinjiekou.osm.pbf'
	});
	demo = buildTemplate({
		subdistricts: read('demo/nanjing/subdistricts.geojson'),
		communities: read('demo/nanjing/communities.geojson'),
		grids: read('demo/nanjing/grids.geojson'),
		buildings: buildings.records
	});
	return demo;
}

describe('codes and randomness', () => {
	it('uses province 99, which no real code has', () => {
		expect(copyPrefix(1)).toBe('990001');
		expect(copyPrefix(9999)).toBe('999999');
		expect(() => copyPrefix(10000)).toThrow(SynthOptionsError);
		expect(isSyntheticCode('990001001002003')).toBe(true);
		expect(isSyntheticCode('320102003001001')).toBe(false);
	});

	it('is deterministic for a seed', () => {
		const a = mulberry32(42),
			b = mulberry32(42),
			c = mulberry32(43);
		const xs = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(xs);
		expect(c()).not.toBe(xs[0]);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
	});
});

describe('fixture: the small block', () => {
	it('places buildings in their grids', () => {
		const t = blockTemplate();
		expect(t.buildings.map((b) => [b.sourceId, b.grid])).toEqual([
			['way/1', 0],
			['way/2', 0],
			['way/3', 1]
		]);
		expect(t.unplaced).toBe(0);
	});

	it('block.json, 5 buildings, seed 1 → test/out/block-5.json', () => {
		const copies = [...synthCopies(blockTemplate(), { buildings: 5, seed: 1 })];
		expect(copies.map((c) => c.buildings.length)).toEqual([3, 2]);
		const actual = copies.map((c) => copyFeatures(c));
		const out = path.join(dir, 'out', 'block-5.json');
		expect(actual).toEqual(expectedOutput(out, actual));
		// the second copy is partial: its buildings stop at 5 in all, its grids are all there
		expect(actual[1].grids.map((g) => g.properties!.code)).toEqual(['990002001001001', '990002001001002']);
		expect(actual[1].communities[0].properties!.households).toBe(125);
	});
});

describe('the demo block', () => {
	it('holds every demo building in a grid', async () => {
		const t = await demoTemplate();
		expect(t.grids).toHaveLength(211);
		expect(t.communities).toHaveLength(24);
		expect(t.buildings.length).toBeGreaterThan(1200);
		expect(t.unplaced).toBe(0);
	});

	it('makes exactly the counts asked for', async () => {
		const t = await demoTemplate();
		for (const opts of [{ buildings: 5000 }, { buildings: 1 }, { grids: 1000 }, { grids: 1000, buildings: 0 }, { grids: 600, buildings: 2000 }]) {
			const plan = planSynth(t, opts);
			let grids = 0,
				buildings = 0;
			for (const c of synthCopies(t, opts)) {
				grids += c.grids.length;
				buildings += c.buildings.length;
			}
			expect({ grids, buildings }, JSON.stringify(opts)).toEqual({ grids: plan.grids, buildings: plan.buildings });
			if (opts.buildings !== undefined) expect(buildings).toBe(opts.buildings);
			if (opts.grids !== undefined) expect(grids).toBe(opts.grids);
		}
	});

	it('refuses options that cannot make a city, saying why', async () => {
		const t = await demoTemplate();
		expect(() => planSynth(t, {})).toThrow(/--buildings/);
		expect(() => planSynth(t, { buildings: -1 })).toThrow(SynthOptionsError);
		expect(() => planSynth(t, { buildings: 1.5 })).toThrow(SynthOptionsError);
		expect(() => planSynth(t, { buildings: 0 })).toThrow(/--grids/);
		expect(() => planSynth(t, { buildings: 100_000_000 })).toThrow(/9999/);
		expect(() => planSynth(t, { grids: 10, buildings: 5000 })).toThrow(/more grids/);
	});

	it('gives unique codes nested in their parents, copies apart from each other and from the demo', async () => {
		const t = await demoTemplate();
		const seen = new Set<string>();
		const boxes: [number, number, number, number][] = [];
		for (const c of synthCopies(t, { buildings: 12_000, seed: 3 })) {
			for (const s of c.subdistricts) expect(s.code).toMatch(new RegExp(`^${copyPrefix(c.copy)}[0-9]{3}$`));
			for (const x of c.communities) expect(x.code.slice(0, 9)).toBe(x.subdistrictCode);
			for (const g of c.grids) {
				expect(g.code).toMatch(/^99[0-9]{13}$/);
				expect(g.code.startsWith(g.communityCode)).toBe(true);
				expect(seen.has(g.code)).toBe(false);
				seen.add(g.code);
			}
			for (const b of c.buildings) expect(b.gridCode.startsWith(b.communityCode)).toBe(true);
			const all = c.subdistricts.map((s) => bboxOf(s.geometry));
			boxes.push([Math.min(...all.map((b) => b[0])), Math.min(...all.map((b) => b[1])), Math.max(...all.map((b) => b[2])), Math.max(...all.map((b) => b[3]))]);
		}
		const apart = (a: number[], b: number[]) => a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];
		for (let i = 0; i < boxes.length; i++) {
			expect(apart(boxes[i], t.bbox)).toBe(true);
			for (let j = i + 1; j < boxes.length; j++) expect(apart(boxes[i], boxes[j]), `copies ${i + 1} and ${j + 1}`).toBe(true);
		}
	});

	it('moves and scales each copy as one piece, so its grids partition it as the demo grids do', async () => {
		const t = await demoTemplate();
		for (const c of synthCopies(t, { grids: 211 * 3, seed: 9 })) {
			// recover scale and shift from two vertices, then every vertex of every grid must follow them
			const a0 = (t.grids[0].geometry as Polygon).coordinates[0][0];
			const a1 = (t.grids[t.grids.length - 1].geometry as Polygon).coordinates[0][0];
			const b0 = (c.grids[0].geometry as Polygon).coordinates[0][0];
			const b1 = (c.grids[c.grids.length - 1].geometry as Polygon).coordinates[0][0];
			const scale = (b1[0] - b0[0]) / (a1[0] - a0[0]);
			expect(scale).toBeGreaterThanOrEqual(0.97 - 1e-4);
			expect(scale).toBeLessThanOrEqual(1 + 1e-4);
			let worst = 0;
			c.grids.forEach((g, i) => {
				const tp = (t.grids[i].geometry as Polygon).coordinates;
				(g.geometry as Polygon).coordinates.forEach((ring, r) =>
					ring.forEach((p, k) => {
						worst = Math.max(worst, Math.abs(b0[0] + (tp[r][k][0] - a0[0]) * scale - p[0]), Math.abs(b0[1] + (tp[r][k][1] - a0[1]) * scale - p[1]));
					})
				);
			});
			expect(worst).toBeLessThan(3e-7); // the 7-decimal rounding of the output
		}
	});

	it('is the same city for the same seed, a different one for another seed', async () => {
		const t = await demoTemplate();
		const first = (seed: number) => synthCopies(t, { grids: 211, seed }).next().value!.grids[0].geometry;
		expect(first(5)).toEqual(first(5));
		expect(first(5)).not.toEqual(first(6));
	});
});

// The committed illustrative demo boundaries (demo/nanjing/*.geojson) are consistent with the code
// lists, partition each other, cover every demo building once, and are what scripts/build-demo.ts makes.
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { area as turfArea, bbox as turfBbox, booleanPointInPolygon, featureCollection, intersect, kinks } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DEMO_PATHS, buildDemo, demoArea, demoBuildings, readCommunityCodes, readSubdistrictCodes, serialise, type DemoBuilding } from '../scripts/build-demo';

type Areal = Polygon | MultiPolygon;
type AFeature = Feature<Areal, Record<string, unknown>>;

const read = (layer: string): FeatureCollection<Areal, Record<string, unknown>> =>
	JSON.parse(fs.readFileSync(path.join(DEMO_PATHS.outDir, `${layer}.geojson`), 'utf8'));

const overlap = (a: AFeature, b: AFeature): number => {
	const x = intersect(featureCollection<Areal>([a, b]));
	return x ? turfArea(x) : 0;
};

const bboxesOverlap = (a: number[], b: number[]) => !(a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]);

/** children partition parent: areas add up (within 0.5 %), no overlaps beyond 1 m², children inside the parent. */
function expectPartition(parent: AFeature, children: AFeature[], label: string): void {
	expect(children.length, `${label}: has children`).toBeGreaterThan(0);
	const parentArea = turfArea(parent);
	const sum = children.reduce((s, c) => s + turfArea(c), 0);
	expect(Math.abs(sum - parentArea) / parentArea, `${label}: area sum`).toBeLessThan(0.005);
	const boxes = children.map((c) => turfBbox(c));
	for (let i = 0; i < children.length; i++) {
		for (let j = i + 1; j < children.length; j++) {
			if (!bboxesOverlap(boxes[i], boxes[j])) continue;
			expect(overlap(children[i], children[j]), `${label}: overlap ${i}/${j}`).toBeLessThan(1);
		}
		// Inside the parent: the part outside it is negligible.
		expect(turfArea(children[i]) - overlap(children[i], parent), `${label}: child ${i} inside`).toBeLessThan(1);
	}
}

let subdistricts: FeatureCollection<Areal, Record<string, unknown>>;
let communities: FeatureCollection<Areal, Record<string, unknown>>;
let grids: FeatureCollection<Areal, Record<string, unknown>>;
let buildings: DemoBuilding[];

beforeAll(() => {
	subdistricts = read('subdistricts');
	communities = read('communities');
	grids = read('grids');
	buildings = demoBuildings();
});

describe('demo/nanjing illustrative boundaries', () => {
	it('exist, are marked illustrative and have valid polygons', () => {
		for (const [layer, fc] of Object.entries({ subdistricts, communities, grids })) {
			expect(fc.type).toBe('FeatureCollection');
			expect(fc.features.length, layer).toBeGreaterThan(0);
			for (const f of fc.features) {
				expect(f.properties.illustrative, `${layer} ${f.properties.code}`).toBe(true);
				expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
				const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
				for (const ring of polys.flat()) {
					expect(ring.length).toBeGreaterThanOrEqual(4);
					expect(ring[0]).toEqual(ring[ring.length - 1]);
				}
				expect(kinks(f).features, `${layer} ${f.properties.code} self-intersects`).toHaveLength(0);
			}
		}
	});

	it('uses real subdistrict codes and names', () => {
		const list = new Map(readSubdistrictCodes().map((r) => [r.code, r]));
		for (const f of subdistricts.features) {
			const { code, name, district_code, district_name } = f.properties as Record<string, string>;
			expect(code).toMatch(/^\d{9}$/);
			const row = list.get(code);
			expect(row, code).toBeDefined();
			expect(name).toBe(row!.name);
			expect(district_code).toBe(row!.parent);
			expect(district_name).toBe(row!.parentName);
			expect(code.startsWith(district_code)).toBe(true);
		}
	});

	it('uses real community codes that belong to their subdistrict', () => {
		const list = new Map(readCommunityCodes().map((r) => [r.code, r]));
		const subCodes = new Set(subdistricts.features.map((f) => f.properties.code));
		const seen = new Set<string>();
		for (const f of communities.features) {
			const { code, name, subdistrict_code } = f.properties as Record<string, string>;
			expect(code).toMatch(/^\d{12}$/);
			expect(seen.has(code), `duplicate ${code}`).toBe(false);
			seen.add(code);
			const row = list.get(code);
			expect(row, code).toBeDefined();
			expect(name).toBe(row!.name);
			expect(subdistrict_code).toBe(row!.parent);
			expect(code.slice(0, 9)).toBe(subdistrict_code);
			expect(subCodes.has(subdistrict_code)).toBe(true);
		}
	});

	it('codes grids as community code + 3-digit sequence 001…n', () => {
		const communityCodes = new Set(communities.features.map((f) => f.properties.code as string));
		const byCommunity = new Map<string, string[]>();
		for (const f of grids.features) {
			const { code, community_code, kind, name } = f.properties as Record<string, string>;
			expect(code).toMatch(/^\d{15}$/);
			expect(code.slice(0, 12)).toBe(community_code);
			expect(communityCodes.has(community_code)).toBe(true);
			expect(kind).toBe('basic');
			expect(name).toMatch(/第\d+网格$/);
			byCommunity.set(community_code, [...(byCommunity.get(community_code) ?? []), code.slice(12)]);
		}
		for (const code of communityCodes) {
			const seqs = (byCommunity.get(code) ?? []).sort();
			expect(seqs.length, `${code} has grids`).toBeGreaterThan(0);
			expect(seqs).toEqual(seqs.map((_, i) => String(i + 1).padStart(3, '0')));
		}
	});

	it('subdistricts partition the demo area', () => {
		expectPartition(demoArea() as AFeature, subdistricts.features, 'demo area');
	});

	it('communities partition each subdistrict', () => {
		for (const sub of subdistricts.features) {
			const children = communities.features.filter((c) => c.properties.subdistrict_code === sub.properties.code);
			expectPartition(sub, children, String(sub.properties.name));
		}
	});

	it('grids partition each community', () => {
		for (const community of communities.features) {
			const children = grids.features.filter((g) => g.properties.community_code === community.properties.code);
			expectPartition(community, children, String(community.properties.name));
		}
	});

	it('puts every demo building centroid in exactly one grid', () => {
		const area = demoArea();
		const inArea = buildings.filter((b) => booleanPointInPolygon(b.centroid, area));
		expect(inArea.length).toBeGreaterThan(1200);
		const boxes = grids.features.map((g) => turfBbox(g));
		for (const b of inArea) {
			const [x, y] = b.centroid;
			const hits = grids.features.filter(
				(g, i) => x >= boxes[i][0] && x <= boxes[i][2] && y >= boxes[i][1] && y <= boxes[i][3] && booleanPointInPolygon(b.centroid, g)
			);
			expect(hits.length, `${b.id} at ${b.centroid.join(',')}`).toBe(1);
		}
	});

	it('is what scripts/build-demo.ts produces (re-run it after changing the procedure)', () => {
		const built = buildDemo();
		for (const layer of ['subdistricts', 'communities', 'grids'] as const) {
			const file = fs.readFileSync(path.join(DEMO_PATHS.outDir, `${layer}.geojson`), 'utf8');
			expect(serialise(built[layer]) === file, `${layer}.geojson is stale: run npx tsx scripts/build-demo.ts`).toBe(true);
		}
	});
});

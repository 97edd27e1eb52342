// The coverage fixtures (test/in → test/out) read for the tests beside this folder, and the straight-line
// distances a rule set needs. Test code only (node:fs).
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Point } from 'geojson';
import { distanceKey, nearestFacilityDistances, type BuildingSet, type CoverageFacility, type CoverageRuleSpec } from '../index';

/** geo/coverage/test: in/ holds the fixtures, out/ their expected outputs. */
export const dir = import.meta.dirname;

export interface Fixture {
	buildings: BuildingSet;
	unitOf: Int32Array;
	units: number;
	rules: CoverageRuleSpec[];
	facilities: CoverageFacility[];
}

export function loadFixture(name: string): Fixture {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection & { units: number; rules: CoverageRuleSpec[] };
	const bs = fc.features.filter((f) => f.properties?.kind === 'building');
	return {
		buildings: {
			ids: bs.map((f) => String(f.id)),
			lon: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[0]),
			lat: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[1]),
			households: Float64Array.from(bs, (f) => (f.properties!.households === null ? NaN : f.properties!.households))
		},
		unitOf: Int32Array.from(bs, (f) => f.properties!.unit),
		units: fc.units,
		rules: fc.rules,
		facilities: fc.features
			.filter((f) => f.properties?.kind === 'facility')
			.map((f) => ({ id: String(f.id), category: f.properties!.category, geometry: f.geometry }))
	};
}

/** Straight-line distances per category, each up to its farthest rule. */
export function straightDistances(b: BuildingSet, rules: CoverageRuleSpec[], facilities: CoverageFacility[]): Map<string, Float64Array> {
	const out = new Map<string, Float64Array>();
	for (const category of new Set(rules.map((r) => r.category))) {
		const maxM = Math.max(...rules.filter((r) => r.category === category).map((r) => r.maxDistanceM));
		const d = nearestFacilityDistances(
			b,
			facilities.filter((f) => f.category === category),
			maxM
		).distanceM;
		out.set(distanceKey('straight', category), d);
		out.set(distanceKey('walk', category), d);
	}
	return out;
}

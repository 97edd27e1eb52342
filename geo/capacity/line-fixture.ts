// Test code only (node:fs): a capacity fixture of test/in (buildings and facilities as points, with
// demand, unit and capacity in their properties) read into the arrays geo/capacity takes, the
// catchments made in a straight line within the fixture's reachM.
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Point } from 'geojson';
import { straightCatchments } from './catchment';

export const fixtureDir = path.join(import.meta.dirname, 'test');

export function loadLineFixture<T extends object>(name: string) {
	const fc = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'in', name), 'utf8')) as FeatureCollection & { reachM: number } & T;
	const bs = fc.features.filter((f) => f.properties!.kind === 'building');
	const fs_ = fc.features.filter((f) => f.properties!.kind === 'facility');
	const buildings = {
		lon: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[0]),
		lat: Float64Array.from(bs, (f) => (f.geometry as Point).coordinates[1])
	};
	const facilities = fs_.map((f) => ({ id: String(f.id), category: 'k', geometry: f.geometry }));
	return {
		fc,
		bs,
		ids: bs.map((f) => String(f.id)),
		demand: Float64Array.from(bs, (f) => f.properties!.demand ?? Number.NaN),
		unitOf: Int32Array.from(bs, (f) => f.properties!.unit),
		capacity: Float64Array.from(fs_, (f) => f.properties!.capacity),
		catchments: straightCatchments(buildings, facilities, fc.reachM),
		facilities
	};
}

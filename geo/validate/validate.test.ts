import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, Geometry, Polygon } from 'geojson';
import {
	checkCoordinates,
	countVertices,
	findSelfIntersection,
	IMPORT_VERTEX_LIMITS,
	validateGeometry,
	vertexLimitProblem,
	type GeometryContext
} from './index';
import { expectedOutput } from '../test-fixture';

const read = (dir: 'in' | 'out', name: string) => JSON.parse(readFileSync(new URL(`./test/${dir}/${name}`, import.meta.url), 'utf8')) as FeatureCollection;

const ctx = (index: number, extra: Partial<GeometryContext> = {}): GeometryContext => ({
	fileName: 'buildings.geojson',
	index,
	layer: 'buildings',
	crs: 'wgs84',
	...extra
});

/** Turf-style fixture output: the geometry that would be imported (null if rejected) and the verdict. */
function verdictFeature(feature: Feature, index: number): Feature {
	const verdict = validateGeometry(feature.geometry, ctx(index));
	return {
		type: 'Feature',
		properties: verdict.ok
			? { case: feature.properties!.case, accepted: true, repair: verdict.repair ?? null, rules: verdict.repaired.map((i) => i.rule) }
			: { case: feature.properties!.case, accepted: false, rule: verdict.issue.rule },
		geometry: (verdict.ok ? verdict.geometry : null) as Geometry
	};
}

describe('validateGeometry on test/in/buildings-problems.geojson', () => {
	const input = read('in', 'buildings-problems.geojson');

	it('produces test/out/buildings-problems.geojson', () => {
		const actual: FeatureCollection = { type: 'FeatureCollection', features: input.features.map(verdictFeature) };
		expect(actual).toEqual(expectedOutput(new URL('./test/out/buildings-problems.geojson', import.meta.url), actual));
	});

	it('applies the expected rule to each problem', () => {
		const rules = input.features.map((feature, i) => {
			const verdict = validateGeometry(feature.geometry, ctx(i));
			return verdict.ok ? (verdict.repaired[0]?.rule ?? 'ok') : verdict.issue.rule;
		});
		expect(rules).toEqual([
			'ok',
			'closed-ring',
			'self-intersection',
			'degenerate-ring',
			'lat-lon-swapped',
			'lat-lon-swapped',
			'coordinate-range',
			'coordinate-range',
			'geometry-type',
			'missing-geometry'
		]);
	});

	it('closes an unclosed ring and marks it repaired', () => {
		const verdict = validateGeometry(input.features[1].geometry, ctx(1));
		expect(verdict.ok).toBe(true);
		if (!verdict.ok) return;
		const ring = (verdict.geometry as Polygon).coordinates[0];
		expect(ring).toHaveLength(5);
		expect(ring[4]).toEqual(ring[0]);
		expect(verdict.repair).toBe('closed-ring');
	});

	it('marks a self-intersecting ring for ST_MakeValid instead of rejecting it', () => {
		const verdict = validateGeometry(input.features[2].geometry, ctx(2));
		expect(verdict).toMatchObject({ ok: true, repair: 'make-valid' });
		if (verdict.ok) expect(verdict.repaired[0].message).toMatch(/自相交.*ST_MakeValid.*crosses itself/);
	});

	it('writes messages that name the file, the feature and the rule, Chinese first', () => {
		const verdict = validateGeometry(input.features[4].geometry, ctx(4, { id: 'way/42' }));
		expect(verdict.ok).toBe(false);
		if (verdict.ok) return;
		expect(verdict.issue).toMatchObject({ index: 4, id: 'way/42', rule: 'lat-lon-swapped' });
		expect(verdict.issue.message).toBe(
			'buildings.geojson 第 5 个要素（way/42）：纬度 118.78 超出范围（-90～90）—— 经纬度可能写反了，请交换经度、纬度两列（或两个坐标值） [lat-lon-swapped] / ' +
				'buildings.geojson feature 5 (way/42): latitude 118.78 out of range (-90 to 90) — longitude and latitude look swapped; swap the columns (or the two values) [lat-lon-swapped]'
		);
	});

	it('says projected coordinates are metres', () => {
		const verdict = validateGeometry(input.features[7].geometry, ctx(7));
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) expect(verdict.issue.message).toMatch(/投影坐标.*metres/);
	});

	it('accepts a null geometry only for attribute-only code lists', () => {
		expect(validateGeometry(null, ctx(0, { layer: 'communities', allowMissingGeometry: true }))).toEqual({ ok: true, geometry: null, repaired: [] });
		expect(validateGeometry(null, ctx(0, { layer: 'communities' }))).toMatchObject({ ok: false, issue: { rule: 'missing-geometry' } });
	});

	it('converts to WGS-84 after checking the raw coordinates', () => {
		const gcj: Polygon = {
			type: 'Polygon',
			coordinates: [
				[
					[118.78, 32.04],
					[118.79, 32.04],
					[118.79, 32.05],
					[118.78, 32.04]
				]
			]
		};
		const verdict = validateGeometry(gcj, ctx(0, { crs: 'gcj02' }));
		expect(verdict.ok).toBe(true);
		if (verdict.ok) expect((verdict.geometry as Polygon).coordinates[0][0][0]).toBeLessThan(118.78);
	});
});

describe('geometry types per layer', () => {
	const point: Geometry = { type: 'Point', coordinates: [118.78, 32.04] };
	const line: Geometry = {
		type: 'LineString',
		coordinates: [
			[118.78, 32.04],
			[118.79, 32.04]
		]
	};
	const square: Geometry = {
		type: 'Polygon',
		coordinates: [
			[
				[118.78, 32.04],
				[118.79, 32.04],
				[118.79, 32.05],
				[118.78, 32.04]
			]
		]
	};
	const accepted = (geometry: Geometry, layer: GeometryContext['layer']) => validateGeometry(geometry, ctx(0, { layer })).ok;

	it.each([
		['subdistricts', false, false, true],
		['communities', false, false, true],
		['grids', false, false, true],
		['buildings', false, false, true],
		['facilities', true, false, true],
		['roads', false, true, false],
		['cases', true, false, false]
	] as const)('%s: point %s, line %s, polygon %s', (layer, pointOk, lineOk, polygonOk) => {
		expect([accepted(point, layer), accepted(line, layer), accepted(square, layer)]).toEqual([pointOk, lineOk, polygonOk]);
	});

	it('rejects a one-point line', () => {
		expect(validateGeometry({ type: 'LineString', coordinates: [[118.78, 32.04]] }, ctx(0, { layer: 'roads' }))).toMatchObject({
			ok: false,
			issue: { rule: 'degenerate-line' }
		});
	});
});

describe('checkCoordinates', () => {
	it('accepts Nanjing and the rest of the world in plain degrees', () => {
		expect(checkCoordinates({ type: 'Point', coordinates: [118.79, 32.05] })).toBeNull();
		expect(checkCoordinates({ type: 'Point', coordinates: [-0.12, 51.5] })).toBeNull();
	});
	it('catches NaN', () => {
		expect(checkCoordinates({ type: 'Point', coordinates: [Number.NaN, 32] })?.rule).toBe('coordinate-range');
	});
});

describe('findSelfIntersection', () => {
	it('ignores repeated vertices, which are not crossings', () => {
		const repeated: Polygon = {
			type: 'Polygon',
			coordinates: [
				[
					[0, 0],
					[1, 0],
					[1, 0],
					[1, 1],
					[0, 1],
					[0, 0]
				]
			]
		};
		expect(findSelfIntersection(repeated)).toBeNull();
	});
});

describe('vertex limits', () => {
	it('refuses a feature over the import limits before converting or checking it, naming the limit', () => {
		const n = IMPORT_VERTEX_LIMITS.perRing + 1;
		const line: Geometry = { type: 'LineString', coordinates: Array.from({ length: n }, (_, i) => [118 + i * 1e-6, 32]) };
		const verdict = validateGeometry(line, ctx(4, { layer: 'roads' }));
		expect(verdict.ok).toBe(false);
		if (verdict.ok) return;
		expect(verdict.issue.rule).toBe('too-many-vertices');
		expect(verdict.issue.message).toContain('100,001');
		expect(verdict.issue.message).toContain('100,000');
	});

	it('counts positions per ring and per geometry without copying', () => {
		const square = [
			[0, 0],
			[1, 0],
			[1, 1],
			[0, 1],
			[0, 0]
		];
		expect(countVertices({ type: 'MultiPolygon', coordinates: [[square, square], [square]] })).toEqual({ total: 15, largestRing: 5 });
		expect(
			countVertices({
				type: 'GeometryCollection',
				geometries: [
					{ type: 'Point', coordinates: [0, 0] },
					{ type: 'LineString', coordinates: square }
				]
			})
		).toEqual({ total: 6, largestRing: 5 });
		expect(countVertices(null)).toEqual({ total: 0, largestRing: 0 });
		expect(vertexLimitProblem({ total: 30, largestRing: 5 }, { perRing: 10, perGeometry: 20 })?.limit).toBe('perGeometry');
		expect(vertexLimitProblem({ total: 11, largestRing: 11 }, { perRing: 10, perGeometry: 20 })?.limit).toBe('perRing');
		expect(vertexLimitProblem({ total: 20, largestRing: 10 }, { perRing: 10, perGeometry: 20 })).toBeNull();
	});
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, LineString, Position } from 'geojson';
import { buildWalkNetwork } from './index';
import { haversineMeters } from '../measure';

const dir = path.join(import.meta.dirname, 'test');

function fixture(name: string) {
	const fc = JSON.parse(fs.readFileSync(path.join(dir, 'in', name), 'utf8')) as FeatureCollection<LineString>;
	return fc.features.map((f) => ({ sourceId: String(f.id), geometry: f.geometry }));
}

/** Edges as GeoJSON, the fixture's expected output (written on first run, compared afterwards). */
function asGeoJSON(net: ReturnType<typeof buildWalkNetwork>) {
	return {
		type: 'FeatureCollection',
		features: net.edges.map((e) => ({
			type: 'Feature',
			properties: { road: e.roadSourceId, from: e.from, to: e.to, length_m: Math.round(e.lengthM * 100) / 100 },
			geometry: { type: 'LineString', coordinates: e.coordinates }
		}))
	};
}

describe('buildWalkNetwork', () => {
	it('cuts lines at shared vertices: crossroads → 4 edges + 1 separate edge', () => {
		const net = buildWalkNetwork(fixture('crossroads.geojson'));
		expect(net.edges).toHaveLength(5);
		expect(net.nodes).toHaveLength(7);
		const centre = '118.7810000,32.0400000';
		expect(net.edges.filter((e) => e.from === centre || e.to === centre)).toHaveLength(4);
		const out = path.join(dir, 'out', 'crossroads.geojson');
		const actual = asGeoJSON(net);
		if (!fs.existsSync(out)) fs.writeFileSync(out, JSON.stringify(actual, null, 1));
		expect(actual).toEqual(JSON.parse(fs.readFileSync(out, 'utf8')));
	});

	it('keeps total length: edges sum to the input lines', () => {
		const roads = fixture('crossroads.geojson');
		const inputLength = roads.reduce((sum, r) => {
			const c = r.geometry.coordinates as Position[];
			return sum + c.slice(1).reduce((s, p, i) => s + haversineMeters(c[i], p), 0);
		}, 0);
		const net = buildWalkNetwork(roads);
		expect(net.edges.reduce((s, e) => s + e.lengthM, 0)).toBeCloseTo(inputLength, 6);
		// 0.001° of longitude at 32.04° N ≈ 94.3 m
		expect(net.edges[0].lengthM).toBeGreaterThan(94);
		expect(net.edges[0].lengthM).toBeLessThan(95);
	});
});

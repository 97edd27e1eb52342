import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, LineString, Position } from 'geojson';
import { buildWalkNetwork } from './index';
import { buildWalkGraph, nodeDistances, snapAtNode, type WalkGraph } from './graph';
import { haversineMeters, lineLengthM } from '../measure';
import { vincenty } from '../measure/test/vincenty';
import { parseLayer } from '../import';
import { expectedOutput } from '../test-fixture';

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
		expect(actual).toEqual(expectedOutput(out, actual));
	});

	it('keeps total length: edges sum to the input lines', () => {
		const roads = fixture('crossroads.geojson');
		const inputLength = roads.reduce((sum, r) => {
			const c = r.geometry.coordinates as Position[];
			return sum + lineLengthM(c);
		}, 0);
		const net = buildWalkNetwork(roads);
		expect(net.edges.reduce((s, e) => s + e.lengthM, 0)).toBeCloseTo(inputLength, 6);
		// 0.001° of longitude at 32.04° N ≈ 94.3 m
		expect(net.edges[0].lengthM).toBeGreaterThan(94);
		expect(net.edges[0].lengthM).toBeLessThan(95);
	});
});

/** The geodesic (Vincenty) length of edge e's polyline, and the same on the sphere. */
function edgeLengths(g: WalkGraph, e: number) {
	let geodesic = 0,
		sphere = 0;
	const c = g.edgeCoords;
	for (let j = g.edgeCoordOffsets[e]; j < g.edgeCoordOffsets[e + 1] - 1; j++) {
		geodesic += vincenty(c[2 * j], c[2 * j + 1], c[2 * j + 2], c[2 * j + 3]);
		sphere += haversineMeters([c[2 * j], c[2 * j + 1]], [c[2 * j + 2], c[2 * j + 3]]);
	}
	return { geodesic, sphere };
}

describe('network distances on the WGS-84 ellipsoid', () => {
	it('equal the geodesic length of their path to 0.1 m (the sphere is off by metres)', async () => {
		const bytes = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'demo', 'osm', 'xinjiekou.osm.pbf')));
		const parsed = await parseLayer(bytes, { layer: 'roads', crs: 'wgs84', fileName: 'xinjiekou.osm.pbf' });
		const g = buildWalkGraph(parsed.records.filter((r) => r.walkable).map((r) => ({ sourceId: r.sourceId, geometry: r.geometry as LineString })));
		const dist = nodeDistances(g, snapAtNode(g, 0));
		// targets spread over 0.5–2.5 km, each path walked back edge by edge from the distances
		const targets = [...dist.keys()].filter((v) => dist[v] > 500 && dist[v] < 2500).filter((_, i) => i % 7 === 0);
		expect(targets.length).toBeGreaterThan(10);
		let worst = 0,
			worstSphere = 0,
			short = 0,
			walked = 0;
		for (const target of targets) {
			let v = target,
				geodesic = 0,
				sphere = 0;
			while (dist[v] > 0) {
				let step = -1;
				for (let a = g.offsets[v]; a < g.offsets[v + 1] && step < 0; a++) {
					const u = g.adjNode[a],
						e = g.adjEdge[a];
					if (Math.abs(dist[u] + g.edgeLength[e] - dist[v]) < 1e-3) step = a;
				}
				expect(step).toBeGreaterThanOrEqual(0);
				const l = edgeLengths(g, g.adjEdge[step]);
				geodesic += l.geodesic;
				sphere += l.sphere;
				v = g.adjNode[step];
			}
			worst = Math.max(worst, Math.abs(dist[target] - geodesic));
			worstSphere = Math.max(worstSphere, Math.abs(geodesic - sphere));
			short += geodesic - sphere;
			walked += geodesic;
		}
		expect(worst).toBeLessThan(0.1);
		// what the spherical lengths were: east–west short (≈ 0.2 %), north–south long (≈ 0.3 %) —
		// metres on a path, enough to flip a building near a rule's radius
		expect(worstSphere).toBeGreaterThan(1);
		console.log(
			`network vs geodesic: worst ${worst.toFixed(4)} m; sphere: worst ${worstSphere.toFixed(2)} m, ` +
				`${((short / walked) * 100).toFixed(3)} % short over ${targets.length} paths`
		);
	});
});

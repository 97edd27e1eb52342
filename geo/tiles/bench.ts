// npx tsx geo/tiles/bench.ts — the JS tiler alone (no database): project, clip, quantise and encode
// the grid polygons of one dense tile. `npm run bench -- tiles` is the app-level bench
// (scripts/bench/tiles.ts: both engines, payload, cache); this one isolates the hot loop of the
// embedded engine. Inputs are the demo grids repeated by geo/synth, so the run is deterministic.
// Ends with RESULT {json}: us_per_feature, features_per_s. `npm run bench -- geo/tiles` runs it.
// Smoke size (--smoke / GRIDATLAS_BENCH_SIZE=smoke, run by tests/benches.test.ts): 2,000 grids
// (BENCH_GRIDS overrides either size).
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { buildTemplate, synthCopies } from '../synth';
import { flatten, renderTile, tileBoundsLonLat, tilesCovering, type FlatGeometry, type TileCoord } from './index';

const root = path.resolve(import.meta.dirname, '../..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')).features as Feature<Polygon | MultiPolygon>[];
const template = buildTemplate({
	subdistricts: read('demo/nanjing/subdistricts.geojson'),
	communities: read('demo/nanjing/communities.geojson'),
	grids: read('demo/nanjing/grids.geojson'),
	buildings: []
});

const GRIDS = Number(process.env.BENCH_GRIDS) || (process.env.GRIDATLAS_BENCH_SIZE === 'smoke' ? 2_000 : 100_000);
const features: { geometry: FlatGeometry | null; properties: Record<string, unknown> }[] = [];
let bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
for (const copy of synthCopies(template, { grids: GRIDS, buildings: 0, seed: 1 })) {
	for (const g of copy.grids) {
		features.push({
			geometry: flatten(g.geometry),
			properties: { code: g.code, name: g.name, kind: g.kind, community_code: g.communityCode, illustrative: true }
		});
	}
}
for (const f of features) {
	const ring = (f.geometry as { polygons: number[][][] }).polygons[0][0];
	for (let i = 0; i < ring.length; i += 2) {
		bbox = [Math.min(bbox[0], ring[i]), Math.min(bbox[1], ring[i + 1]), Math.max(bbox[2], ring[i]), Math.max(bbox[3], ring[i + 1])];
	}
}

const boxes = features.map((f) => {
	const ring = (f.geometry as { polygons: number[][][] }).polygons[0][0];
	let w = Infinity,
		so = Infinity,
		e = -Infinity,
		n = -Infinity;
	for (let i = 0; i < ring.length; i += 2) {
		w = Math.min(w, ring[i]);
		e = Math.max(e, ring[i]);
		so = Math.min(so, ring[i + 1]);
		n = Math.max(n, ring[i + 1]);
	}
	return [w, so, e, n];
});

/** The features the SQL filter (geom && buffered tile envelope) would hand over, then the timing. */
function run(tile: TileCoord, repeat: number) {
	const [w, so, e, n] = tileBoundsLonLat(tile);
	const input = features.filter((_, i) => boxes[i][2] >= w && boxes[i][0] <= e && boxes[i][3] >= so && boxes[i][1] <= n);
	const times: number[] = [];
	let bytes = 0;
	for (let r = 0; r < repeat; r++) {
		const t0 = performance.now();
		bytes = renderTile('grids', input, tile).byteLength;
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	return { best: times[0], median: times[Math.floor(times.length / 2)], bytes, count: input.length };
}

const centre: [number, number, number, number] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
console.log(
	`geo/tiles bench: ${features.length} grid polygons (demo block ×${Math.ceil(GRIDS / template.grids.length)}); each tile gets the features whose box meets it`
);
let result = { us_per_feature: 0, features_per_s: 0 };
for (const z of [8, 10, 12, 14]) {
	const r0 = tilesCovering(centre, z);
	const tile = { z, x: r0.x0, y: r0.y0 };
	const r = run(tile, 7);
	const us = (r.best * 1000) / Math.max(1, r.count);
	console.log(
		`  z${z} ${tile.x}/${tile.y}: ${r.count} features, best ${r.best.toFixed(1)} ms, median ${r.median.toFixed(1)} ms, ${(r.bytes / 1024).toFixed(0)} KB → ${us.toFixed(2)} µs per feature`
	);
	if (z === 10) result = { us_per_feature: Number(us.toFixed(2)), features_per_s: Math.round(r.count / (r.best / 1000)) };
}
console.log(`RESULT ${JSON.stringify(result)}`);

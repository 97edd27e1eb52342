// The streaming OSM PBF reader (geo/osm/pbf-buildings) on files written here (scripts/bench/osm-pbf-writer):
// the standard order (nodes, then ways) and files that give ways before their nodes read alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Feature } from 'geojson';
import { osmPbfBuildings } from '$geo/osm/pbf-buildings';
import { osmToGeoJSON, isOsmBuilding } from '$geo/osm';
import { OsmPbfWriter, type PbfWay } from '../scripts/bench/osm-pbf-writer';

/** n square buildings (and one footway, which is no building), nodes numbered from 1. */
function city(n: number) {
	const lon: number[] = [];
	const lat: number[] = [];
	const ways: PbfWay[] = [];
	for (let i = 0; i < n; i++) {
		const x = 118.7 + (i % 100) * 1e-4;
		const y = 32 + Math.floor(i / 100) * 1e-4;
		const first = lon.length + 1;
		for (const [dx, dy] of [
			[0, 0],
			[5e-5, 0],
			[5e-5, 5e-5],
			[0, 5e-5]
		]) {
			lon.push(x + dx);
			lat.push(y + dy);
		}
		ways.push({ id: i + 1, nodes: [first, first + 1, first + 2, first + 3, first], tags: { building: i % 2 ? 'yes' : 'residential', 'building:levels': '6' } });
	}
	ways.push({ id: n + 1, nodes: [1, 5, 9], tags: { highway: 'footway' } });
	return { ids: lon.map((_, i) => i + 1), lon, lat, ways };
}

function write(file: string, c: ReturnType<typeof city>, waysFirst: boolean) {
	const w = new OsmPbfWriter(file);
	if (waysFirst) w.ways(c.ways);
	w.nodes(c.ids, c.lon, c.lat);
	if (!waysFirst) w.ways(c.ways);
	w.close();
	return new Uint8Array(fs.readFileSync(file));
}

async function read(bytes: Uint8Array) {
	const out: Feature[] = [];
	for await (const batch of osmPbfBuildings(bytes)) out.push(...batch.features);
	return new Map(out.map((f) => [String(f.id), f]));
}

describe('streaming OSM PBF buildings', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbf-stream-'));
	const c = city(20_000);
	const sorted = write(path.join(dir, 'sorted.osm.pbf'), c, false);

	it('reads every building of a multi-block file as the whole-file reader does', async () => {
		const streamed = await read(sorted);
		expect(streamed.size).toBe(20_000);
		const whole = (await osmToGeoJSON(sorted, 'osm-pbf')).features.filter(isOsmBuilding);
		expect(streamed).toEqual(new Map(whole.map((f) => [String(f.id), f])));
	});

	it('reads a file that gives its ways before their nodes alike', async () => {
		expect(await read(write(path.join(dir, 'unsorted.osm.pbf'), c, true))).toEqual(await read(sorted));
		fs.rmSync(dir, { recursive: true, force: true });
	});
});

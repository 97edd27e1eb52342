import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Feature } from 'geojson';
import { osmToGeoJSON } from './osm-to-geojson';
import { isOsmBuilding } from './classify';
import { NodeStore, osmPbfBuildings } from './pbf-buildings';

const DEMO_PBF = new Uint8Array(readFileSync(new URL('../../demo/osm/xinjiekou.osm.pbf', import.meta.url)));

async function streamed(bytes: Uint8Array) {
	const features: Feature[] = [];
	const fractions: number[] = [];
	for await (const batch of osmPbfBuildings(bytes)) {
		features.push(...batch.features);
		fractions.push(batch.fraction);
	}
	return { features, fractions };
}

describe('osmPbfBuildings', () => {
	it('gives exactly the buildings the whole-file reader gives, relations with holes included', async () => {
		const whole = (await osmToGeoJSON(DEMO_PBF, 'osm-pbf')).features.filter(isOsmBuilding);
		const { features, fractions } = await streamed(DEMO_PBF);
		const byId = (fs: Feature[]) => new Map(fs.map((f) => [String(f.id), f]));
		expect(features.length).toBe(whole.length);
		expect(byId(features)).toEqual(byId(whole));
		expect(whole.some((f) => String(f.id).startsWith('relation/'))).toBe(true);
		// Ways in the file's order (the database numbers buildings in the order they come).
		const ways = (fs: Feature[]) => fs.map((f) => String(f.id)).filter((id) => id.startsWith('way/'));
		expect(ways(features)).toEqual(ways(whole));
		expect(fractions.at(-1)).toBe(1);
		expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
	});

	it('finds nodes whatever order the file gives them in', () => {
		const store = new NodeStore();
		const ids = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
		for (const id of ids) store.add(id, id / 1000, -id / 1000);
		expect(store.size).toBe(ids.length);
		for (const id of [ids[0], ids[500], ids.at(-1)!]) expect(store.node(id)).toEqual({ type: 'node', id, lon: id / 1000, lat: -id / 1000 });
		expect(store.node(100_002.5)).toBeNull();
	});

	it('gives back exactly the coordinates it was given: whole 1e-7 degrees, and finer ones once they come', () => {
		const store = new NodeStore();
		const given: [number, number, number][] = [
			[1, 118.7812345, 32.0412345],
			[2, -179.9999999, -89.9999999],
			[3, 1234567 / 1e7, -7654321 / 1e7]
		];
		for (const [id, lon, lat] of given) store.add(id, lon, lat);
		const back = () => given.map(([id]) => store.node(id)).map((n) => [n!.id, n!.lon, n!.lat]);
		expect(back()).toEqual(given);
		given.push([4, 118.78123456789, 0.1 + 0.2]);
		store.add(...given[3]);
		expect(back()).toEqual(given);
	});
});

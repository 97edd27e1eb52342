// Fuzzing the GeoJSON importer: seeded, malformed GeoJSON files for every layer, damaged in their
// structure, their values or their bytes. Each one must either succeed or be refused with a typed,
// bilingual error, and a refused file must leave every table as it was (tests/helpers/fuzz/judge.ts).
// Settings (seed, scale, trace): tests/helpers/fuzz/city.ts.
import { it } from 'vitest';
import type { Random } from '$geo/synth/prng';
import { COUNT } from '../helpers/fuzz/city';
import { chance, expandPlaceholders, geometry, int, junk, LAYER_GEOMETRY, LAYERS, mutateTree, pick, properties } from '../helpers/fuzz/values';
import { enc, fileName, mangle, request, type Generated } from '../helpers/fuzz/bytes';
import { describeFuzz } from '../helpers/fuzz/run';

/** A GeoJSON file for a random layer, damaged in its structure, its values or its bytes. */
function generateGeoJson(r: Random, n: number): Generated {
	const layer = pick(r, LAYERS);
	// Now and then a big file (of plain features: the bad ones come one at a time).
	const big = chance(r, 0.02);
	const count = big ? int(r, 500, 2000) : int(r, 1, 12);
	const features: unknown[] = Array.from({ length: count }, (_, i) => ({
		type: 'Feature',
		...(chance(r, 0.2) ? { id: chance(r, 0.8) ? i : junk(r) } : {}),
		properties: properties(r, layer, i),
		geometry: geometry(r, LAYER_GEOMETRY[layer], big && chance(r, 0.99))
	}));
	let doc: unknown = chance(r, 0.9) ? { type: 'FeatureCollection', features } : chance(r, 0.5) ? features[0] : (features[0] as { geometry: unknown }).geometry;
	const mutations = chance(r, 0.2) ? 0 : int(r, 1, 4);
	for (let k = 0; k < mutations; k++) doc = mutateTree(r, doc);
	let bytes: Uint8Array = enc.encode(expandPlaceholders(JSON.stringify(doc) ?? 'undefined'));
	if (chance(r, 0.3)) bytes = mangle(r, bytes);
	return { req: request(r, layer, fileName(r, `fuzz-${n}.geojson`), bytes), label: `geojson #${n} (${layer}, ${count} features, ${bytes.length} bytes)` };
}

describeFuzz('the GeoJSON importer', ({ runImports }) => {
	it(`GeoJSON: ${COUNT.geojson} malformed files`, () => runImports('geojson', generateGeoJson), 240_000);
});

// Fuzzing the Shapefile and OSM readers: zipped Shapefiles, OSM XML and the demo's PBF extract, damaged
// byte by byte (their readers get the bytes, not text). Each one must either succeed or be refused with
// a typed, bilingual error, and a refused file must leave every table as it was
// (tests/helpers/fuzz/judge.ts). Settings (seed, scale, trace): tests/helpers/fuzz/city.ts.
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import type { Random } from '$geo/synth/prng';
import { COUNT } from '../helpers/fuzz/city';
import { chance, pick } from '../helpers/fuzz/values';
import { DEMO_PBF, enc, fileName, mangle, request, type Generated } from '../helpers/fuzz/bytes';
import { describeFuzz } from '../helpers/fuzz/run';

const SHAPEFILE_ZIPS = [
	'communities-utf8.zip',
	'communities-gbk-no-cpg.zip',
	'communities-web-mercator.zip',
	'communities-mercator-no-prj.zip',
	'two-layers.zip',
	'no-shp.zip'
].map((name) => [name, new Uint8Array(readFileSync(new URL(`../../geo/readers/test/in/${name}`, import.meta.url)))] as const);
const SMALL_OSM = enc.encode(
	`<?xml version="1.0"?><osm version="0.6">` +
		[
			[1, 32.01, 118.01],
			[2, 32.011, 118.01],
			[3, 32.011, 118.011],
			[4, 32.01, 118.011]
		]
			.map(([id, lat, lon]) => `<node id="${id}" lat="${lat}" lon="${lon}"${id === 1 ? '><tag k="amenity" v="bank"/></node>' : '/>'}`)
			.join('') +
		`<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="yes"/><tag k="building:levels" v="6"/></way>` +
		`<way id="11"><nd ref="1"/><nd ref="3"/><tag k="highway" v="footway"/></way>` +
		`<relation id="20"><member type="way" ref="10" role="outer"/><tag k="type" v="multipolygon"/><tag k="natural" v="water"/></relation></osm>`
);

function generateBinary(r: Random, n: number): Generated {
	const roll = r();
	const [name, source, layers] =
		roll < 0.1
			? (['xinjiekou.osm.pbf', DEMO_PBF, ['facilities', 'landcover']] as const)
			: roll < 0.35
				? (['small.osm', SMALL_OSM, ['buildings', 'facilities', 'roads', 'landcover', 'communities']] as const)
				: ([...pick(r, SHAPEFILE_ZIPS), ['communities', 'subdistricts', 'grids', 'buildings']] as const);
	let bytes: Uint8Array = source;
	for (let k = chance(r, 0.7) ? 1 : 2; k > 0; k--) bytes = mangle(r, bytes);
	const req = request(r, pick(r, layers), fileName(r, name), bytes);
	if (source === DEMO_PBF) req.dryRun = true; // 1,300 buildings: checked, not written, to stay quick
	return { req, label: `binary #${n} (${name}, ${bytes.length} bytes)` };
}

describeFuzz('the Shapefile and OSM readers', ({ runImports }) => {
	it(`zipped Shapefiles and OSM extracts: ${COUNT.binary} damaged files`, () => runImports('binary', generateBinary), 240_000);
});

// Byte-level damage and the import request of the fuzzing runs (tests/fuzz-import/): a file's bytes
// truncated, flipped, cut or spliced; an odd file name now and then; random import options.
import { concatBytes } from '$geo/archive';
import { readFileSync } from 'node:fs';
import type { ImportRequest } from '../../../src/lib/server/imports';
import type { LayerName } from '$geo/types';
import type { Random } from '$geo/synth/prng';
import { chance, CRS, int, pick } from './values';

const concat = (...parts: (Uint8Array | number[])[]) => concatBytes(parts);

export function mangle(r: Random, bytes: Uint8Array): Uint8Array {
	if (bytes.length === 0) return bytes;
	const at = int(r, 0, bytes.length - 1);
	switch (int(r, 0, 7)) {
		case 0:
			return bytes.slice(0, at); // truncated
		case 1: {
			// bit flips
			const out = bytes.slice();
			for (let k = int(r, 1, 8); k > 0; k--) out[int(r, 0, out.length - 1)] ^= 1 << int(r, 0, 7);
			return out;
		}
		case 2: // a range deleted
			return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + int(r, 1, 200))));
		case 3: {
			// a range repeated
			const end = Math.min(bytes.length, at + int(r, 1, 200));
			return concat(bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end));
		}
		case 4: // random bytes inserted
			return concat(
				bytes.subarray(0, at),
				Array.from({ length: int(r, 1, 16) }, () => int(r, 0, 255)),
				bytes.subarray(at)
			);
		case 5: // a different file's start
			return concat(
				pick(r, [
					[0x50, 0x4b, 0x03, 0x04],
					[0x4d, 0x5a, 0x90, 0],
					[0x89, 0x50, 0x4e, 0x47],
					[0xff, 0xfe],
					[0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf],
					[0, 0, 0x27, 0x0a]
				]),
				bytes
			);
		case 6: // the first character replaced
			return concat([int(r, 32, 126)], bytes.subarray(1));
		default: // a stray quote or bracket
			return concat(bytes.subarray(0, at), [pick(r, [0x22, 0x5b, 0x7b, 0x7d, 0x2c, 0x0d])], bytes.subarray(at));
	}
}

export const enc = new TextEncoder();

export function fileName(r: Random, natural: string): string {
	if (chance(r, 0.85)) return natural;
	return pick(r, [
		'upload',
		'x.zip',
		'x.exe',
		'x.osm',
		'x.osm.pbf',
		'x.txt',
		'x.json',
		'x.csv',
		'x.geojson',
		'../../etc/passwd',
		'a\u0000b.geojson',
		`${'长'.repeat(3000)}.geojson`,
		'<b>x</b>.csv',
		'x.xlsx',
		'x.shp',
		'x.constructor',
		'x.__proto__'
	]);
}

export interface Generated {
	req: Omit<ImportRequest, 'layer'> & { layer: LayerName };
	label: string;
}

export function request(r: Random, layer: LayerName, name: string, bytes: Uint8Array): Generated['req'] {
	return {
		fileName: name,
		bytes,
		layer,
		crs: pick(r, CRS),
		strict: chance(r, 0.15),
		dryRun: chance(r, 0.2),
		illustrative: chance(r, 0.1),
		maxBytes: chance(r, 0.02) ? int(r, 1, 100) : undefined,
		households: chance(r, 0.05) ? { dwellingSizeM2: pick(r, [0.5, 90, 1e6]), defaultLevels: pick(r, [1, 6, 200]) } : undefined // the CLI refuses non-positive values
	} as Generated['req'];
}

/** The demo's OSM extract (Xinjiekou, 1,300 buildings). */
export const DEMO_PBF = new Uint8Array(readFileSync(new URL('../../../demo/osm/xinjiekou.osm.pbf', import.meta.url)));

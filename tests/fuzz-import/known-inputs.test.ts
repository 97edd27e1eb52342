// Inputs that crashed the importers and the case ingest before, kept as fixed regressions: each must now
// be written, or refused or rejected by the rule named beside it — with a typed, bilingual error and
// not a row changed when refused (tests/helpers/fuzz/judge.ts). The seeded fuzzing runs beside this
// file (tests/fuzz-import/) found most of them.
import { expect, it } from 'vitest';
import type { LayerName } from '$geo/types';
import { mulberry32 } from '$geo/synth/prng';
import { C2, SD } from '../helpers/fuzz/city';
import { DEMO_PBF, enc } from '../helpers/fuzz/bytes';
import { failureList } from '../helpers/fuzz/judge';
import { describeFuzz } from '../helpers/fuzz/run';

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const square = (x: number, y: number, d = 0.001) => [
	[x, y],
	[x + d, y],
	[x + d, y + d],
	[x, y + d],
	[x, y]
];
const fcText = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const scribble = (n: number) => {
	const r = mulberry32(7);
	const pts = Array.from({ length: n }, (_, i) => {
		const a = (i / n) * 2 * Math.PI;
		const rad = 0.003 * (r() < 0.2 ? -1 : 1) * (0.5 + r() * 0.5);
		return [118.05 + rad * Math.cos(a), 32.05 + rad * Math.sin(a)];
	});
	return [...pts, pts[0]];
};

const flipped = (bytes: Uint8Array, at: number, mask: number) => {
	const out = bytes.slice();
	out[at] ^= mask;
	return out;
};

/** [what it is, layer, file name, content, the rule it must now be refused or rejected with]. */
const KNOWN_IMPORTS: [string, LayerName, string, string | Uint8Array, string][] = [
	[
		'a 3D point (the tables are 2D)',
		'facilities',
		'z.geojson',
		fcText(feature({ category: 'bank' }, { type: 'Point', coordinates: [118.01, 32.01, 12] })),
		'written'
	],
	['a position that is null', 'facilities', 'null.geojson', fcText(feature({ category: 'bank' }, { type: 'Point', coordinates: null })), 'malformed-geometry'],
	['polygon coordinates that are text', 'buildings', 'text.geojson', fcText(feature({}, { type: 'Polygon', coordinates: 'abc' })), 'malformed-geometry'],
	[
		'a polygon of bare numbers',
		'landcover',
		'flat.geojson',
		fcText(feature({ kind: 'water' }, { type: 'Polygon', coordinates: [1, 2, 3] })),
		'malformed-geometry'
	],
	[
		'string coordinates',
		'facilities',
		'str.geojson',
		fcText(feature({ category: 'bank' }, { type: 'Point', coordinates: ['118.01', '32.01'] })),
		'malformed-geometry'
	],
	[
		'households over the integer range',
		'buildings',
		'big.geojson',
		fcText(feature({ households: 2147483648 }, { type: 'Polygon', coordinates: [square(118.01, 32.01)] })),
		'number-format'
	],
	['households of 1e400 (Infinity)', 'communities', 'inf.csv', `code,name,households\n${SD}777,无穷社区,1e400\n`, 'number-format'],
	[
		'a building of 10 billion floors',
		'buildings',
		'tall.geojson',
		fcText(feature({ 'building:levels': '9999999999' }, { type: 'Polygon', coordinates: [square(118.01, 32.01)] })),
		'number-format'
	],
	[
		'a property whose toString is not a function',
		'facilities',
		'tostring.geojson',
		fcText(feature({ category: 'bank', name: { toString: 1, valueOf: 1 } }, { type: 'Point', coordinates: [118.01, 32.01] })),
		'written'
	],
	[
		'properties nested 20,000 deep',
		'facilities',
		'deep.geojson',
		fcText(feature({ category: 'bank', x: '__DEEP__' }, { type: 'Point', coordinates: [118.01, 32.01] })).replace(
			'"__DEEP__"',
			'['.repeat(20000) + ']'.repeat(20000)
		),
		'written'
	],
	[
		'a name with a NUL character',
		'facilities',
		'nul.geojson',
		fcText(feature({ category: 'bank', name: 'a\u0000b' }, { type: 'Point', coordinates: [118.011, 32.011] })),
		'written'
	],
	[
		'a name with an unpaired surrogate',
		'facilities',
		'surrogate.geojson',
		fcText(feature({ category: 'bank', name: '\ud800x' }, { type: 'Point', coordinates: [118.012, 32.012] })),
		'written'
	],
	[
		'a grid whose outer ring is one repeated point (PGlite lost the row)',
		'grids',
		'degenerate.geojson',
		fcText(
			feature(
				{},
				{
					type: 'Polygon',
					coordinates: [
						[
							[118.11, 32.04],
							[118.11, 32.04],
							[118.11, 32.04],
							[118.11, 32.04]
						],
						square(118.03, 32.07)
					]
				}
			)
		),
		'invalid-geometry'
	],
	[
		'a scribbled ring with thousands of crossings (ST_MakeValid ran for minutes)',
		'landcover',
		'scribble.geojson',
		fcText(feature({ kind: 'water' }, { type: 'Polygon', coordinates: [scribble(2000)] })),
		'too-many-self-intersections'
	],
	[
		'a hole larger than its outer ring (negative footprint)',
		'buildings',
		'hole.geojson',
		fcText(feature({}, { type: 'Polygon', coordinates: [square(118.02, 32.02, 0.0005), square(118.0199, 32.0199, 0.002)] })),
		'invalid-geometry'
	],
	['a .geojson that is a zip archive', 'communities', 'zip.geojson', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]), 'format-mismatch'],
	['a program named .csv', 'cases', 'cases.csv', new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]), 'format-mismatch'],
	[
		'a CSV with a NUL byte',
		'facilities',
		'nul.csv',
		new Uint8Array([...enc.encode('name,category,lon,lat\nx,bank,118.01,32.01\n'), 0, 0x41]),
		'format-mismatch'
	],
	[
		'a CSV with unbalanced quotes and a BOM',
		'facilities',
		'quotes.csv',
		'\ufeffname,category,lon,lat\n"x,bank,118.01,32.01\ny,bank,118.02,32.02\n',
		'csv-coordinates'
	],
	[
		'an id of 300,000 characters (too big for the unique index)',
		'roads',
		'long-id.geojson',
		fcText({
			type: 'Feature',
			id: 'r'.repeat(300_000),
			properties: { highway: 'footway' },
			geometry: {
				type: 'LineString',
				coordinates: [
					[118.01, 32.01],
					[118.02, 32.02]
				]
			}
		}),
		'id-too-long'
	],
	[
		'a coded grid and an uncoded one given the same number',
		'grids',
		'seq.geojson',
		fcText(
			feature({ code: `${C2}002` }, { type: 'Polygon', coordinates: [square(118.15, 32.05)] }),
			feature({}, { type: 'Polygon', coordinates: [square(118.16, 32.05)] })
		),
		'written'
	],
	[
		'a grid numbered 000',
		'grids',
		'zero.geojson',
		fcText(feature({ code: `${C2}000` }, { type: 'Polygon', coordinates: [square(118.17, 32.05)] })),
		'code-format'
	],
	[
		'a grid kind of "constructor" (found Object.prototype\'s)',
		'grids',
		'proto.geojson',
		fcText(feature({ kind: 'constructor' }, { type: 'Polygon', coordinates: [square(118.18, 32.05)] })),
		'grid-kind'
	],
	[
		'a land-cover kind of "toString"',
		'landcover',
		'proto.geojson',
		fcText(feature({ kind: 'toString' }, { type: 'Polygon', coordinates: [square(118.18, 32.06)] })),
		'unknown-kind'
	],
	[
		'a file named .constructor',
		'facilities',
		'x.constructor',
		fcText(feature({ category: 'bank' }, { type: 'Point', coordinates: [118.014, 32.014] })),
		'written'
	],
	[
		'a PBF with one flipped bit in a compressed block (tiny-inflate looped forever)',
		'facilities',
		'flip.osm.pbf',
		flipped(DEMO_PBF, 33103, 0x40),
		'invalid-osm'
	],
	[
		'a file name with a NUL character',
		'facilities',
		'a\u0000b.geojson',
		fcText(feature({ category: 'bank' }, { type: 'Point', coordinates: [118.013, 32.013] })),
		'written'
	]
];

/** [what it is, the request body, the item error code it must now get]. */
const KNOWN_BATCHES: [string, unknown, string][] = [
	[
		'a reported time of 1e20 ms (RangeError: Invalid time value)',
		[{ id: 'k-1', category: 'dispute', lon: 118.01, lat: 32.01, reported_at: 1e20 }],
		'malformed_time'
	],
	[
		"a reported time in 271,821 BC (out of PostgreSQL's range)",
		[{ id: 'k-2', category: 'dispute', lon: 118.01, lat: 32.01, reported_at: -8.64e15 }],
		'time_out_of_range'
	],
	[
		'a category whose toString is not a function',
		JSON.parse('[{"id":"k-3","category":{"toString":1,"valueOf":1},"lon":118.01,"lat":32.01}]'),
		'unknown_category'
	],
	['a description with a NUL character', [{ id: 'k-4', category: 'dispute', lon: 118.01, lat: 32.01, description: 'a\u0000b' }], 'bad_text'],
	['an id with an unpaired surrogate', [{ id: '\ud800k-5', category: 'dispute', lon: 118.01, lat: 32.01 }], 'bad_id'],
	[
		'a Feature whose geometry type is an object',
		[{ type: 'Feature', properties: { id: 'k-6', category: 'dispute' }, geometry: { type: { toString: 1 }, coordinates: [1, 2] } }],
		'bad_geometry'
	]
];

describeFuzz('the importers and the case ingest with inputs that crashed them before', ({ importOne, ingestOne }) => {
	it('inputs that crashed the importers and the ingest before are refused or rejected by name', async () => {
		const failures = failureList();
		for (const [what, layer, name, content, rule] of KNOWN_IMPORTS) {
			const bytes = typeof content === 'string' ? enc.encode(content) : content;
			const outcome = await importOne({ fileName: name, bytes, layer, crs: 'wgs84' }, what, failures);
			const got = !outcome.ok
				? ((outcome.error as { rule?: string }).rule ?? String(outcome.error))
				: (outcome.value.rejectedIssues[0]?.rule ?? (outcome.value.written > 0 ? 'written' : 'nothing written'));
			if (got !== rule) failures.push(`${what}: expected ${rule}, got ${got}`);
		}
		for (const [what, body, code] of KNOWN_BATCHES) {
			const outcome = await ingestOne(body, what, failures);
			const got = !outcome.ok ? String(outcome.error) : outcome.value.errors.map((e) => e.code).join(', ') || 'no error';
			if (got !== code) failures.push(`${what}: expected ${code}, got ${got}`);
		}
		expect([...failures]).toEqual([]);
	}, 120_000);
});

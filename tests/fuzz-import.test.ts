// Fuzzing the importers and the case ingest: thousands of seeded, malformed GeoJSON files, CSV tables,
// zipped Shapefiles and OSM extracts, and JSON case batches. Each one must either succeed or be refused
// with one of the typed, bilingual errors a planner gets to read (ImportFileError, ImportRejectedError,
// ImportLimitError, CaseBodyError) — never a TypeError, RangeError or database error — and a refused
// input must leave every table exactly as it was (rows counted before and after). Inputs that crashed
// the importers before are kept first, by name.
//
// Reproduce a run with GRIDATLAS_FUZZ_SEED=<seed>; scale it with GRIDATLAS_FUZZ_SCALE (1 = the
// default 2,200 inputs on the embedded engine; the server engine, when TEST_DATABASE_URL is set,
// runs every fifth input). GRIDATLAS_FUZZ_TRACE=<file> logs each input before it runs (and the failures
// as they happen); GRIDATLAS_FUZZ_ONLY=<n> runs input n of each kind alone.
import { concatBytes } from '$geo/archive';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { importFile, ImportLimitError, ImportRejectedError, type ImportRequest, type ImportSummary } from '../src/lib/server/imports';
import { ingestCases, type IngestResult } from '../src/lib/server/cases';
import { closeCaseHub } from '../src/lib/server/cases/events';
import { CaseBodyError } from '$geo/cases';
import { ImportFileError, type CrsName, type LayerName } from '$geo/types';
import { mulberry32, type Random } from '$geo/synth/prng';
import { testEngines } from './helpers/engines';

const SEED = Number(process.env.GRIDATLAS_FUZZ_SEED ?? 20240501);
const SCALE = Number(process.env.GRIDATLAS_FUZZ_SCALE ?? 1);
/** A file to append each input's label to before it runs: finds the input that hangs. */
const TRACE = process.env.GRIDATLAS_FUZZ_TRACE;
/** Run only input number N of each kind (with TRACE, its bytes are left in TRACE.input). */
const ONLY = process.env.GRIDATLAS_FUZZ_ONLY === undefined ? undefined : Number(process.env.GRIDATLAS_FUZZ_ONLY);
const COUNT = { geojson: Math.round(1000 * SCALE), csv: Math.round(550 * SCALE), binary: Math.round(150 * SCALE), cases: Math.round(500 * SCALE) };

// --- the fixture city: one subdistrict, two communities, three grids --------------------------------

const SD = '320102901';
const C1 = `${SD}001`;
const C2 = `${SD}002`;
const BBOX = { minLon: 118, minLat: 32, maxLon: 118.2, maxLat: 32.1 };
const env = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;

async function fixtures(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom) VALUES ('${SD}', '模糊测试街道', ${env(118, 32, 118.2, 32.1)});
		INSERT INTO communities (code, subdistrict_code, name, households, geom) VALUES
			('${C1}', '${SD}', '东社区', 1200, ${env(118, 32, 118.1, 32.1)}),
			('${C2}', '${SD}', '西社区', 900, ${env(118.1, 32, 118.2, 32.1)});
		INSERT INTO grids (code, community_code, seq, name, geom) VALUES
			('${C1}001', '${C1}', 1, '网格1', ${env(118, 32, 118.05, 32.1)}),
			('${C1}002', '${C1}', 2, '网格2', ${env(118.05, 32, 118.1, 32.1)}),
			('${C2}001', '${C2}', 1, '网格3', ${env(118.1, 32, 118.2, 32.1)});
	`);
}

const TABLES = [
	'subdistricts',
	'communities',
	'grids',
	'buildings',
	'facilities',
	'roads',
	'landcover',
	'cases',
	'case_events',
	'import_runs',
	'walk_nodes',
	'walk_edges'
] as const;
type Snapshot = Record<(typeof TABLES)[number], number>;

async function snapshot(db: Db): Promise<Snapshot> {
	const [row] = await db.query<Snapshot>(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
	return row;
}

const changed = (a: Snapshot, b: Snapshot) =>
	TABLES.filter((t) => a[t] !== b[t])
		.map((t) => `${t} ${a[t]}→${b[t]}`)
		.join(', ');

// --- random building blocks ------------------------------------------------------------------------

const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Random, p: number) => r() < p;
const round = (x: number) => Math.round(x * 1e7) / 1e7;

const LAYERS: readonly LayerName[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'cases'];
const CRS: readonly CrsName[] = ['wgs84', 'wgs84', 'wgs84', 'gcj02', 'bd09'];

const CHAR_POOL = ['a', 'Z', '9', ' ', ',', ';', '"', "'", '\n', '\r', '\t', '社', '区', '网', '格', '€', '😀', '\\', '{', '}', '[', ']', '<', '>', '&'];
function bigString(r: Random, min = 10_000, max = 300_000): string {
	const n = int(r, min, max);
	const unit = Array.from({ length: 64 }, () => pick(r, CHAR_POOL)).join('');
	return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** Text placeholders for what JSON.stringify cannot write: replaced in the serialised text. */
function expandPlaceholders(text: string): string {
	return text
		.replaceAll('"__INF__"', '1e400')
		.replaceAll('"__NINF__"', '-1e400')
		.replaceAll('"__TINY__"', '1e-400')
		.replaceAll('"__NAN__"', 'NaN')
		.replace(/"__DEEP_(\d+)__"/g, (_, n) => '['.repeat(Number(n)) + ']'.repeat(Number(n)))
		.replace(/"__DEEPOBJ_(\d+)__"/g, (_, n) => '{"a":'.repeat(Number(n)) + '1' + '}'.repeat(Number(n)));
}

/** A value of the wrong kind for wherever it lands. */
function junk(r: Random, depth = 0): unknown {
	switch (int(r, 0, 31)) {
		case 0:
			return null;
		case 1:
			return true;
		case 2:
			return 0;
		case 3:
			return -1;
		case 4:
			return 1e308;
		case 5:
			return -1e308;
		case 6:
			return 2 ** 53 + 1;
		case 7:
			return 5e-324;
		case 8:
			return '';
		case 9:
			return 'NaN';
		case 10:
			return '__INF__';
		case 11:
			return '__NINF__';
		case 12:
			return chance(r, 0.3) ? bigString(r) : bigString(r, 200, 5000);
		case 13:
			return 'a\u0000b';
		case 14:
			return '\ud800 lone surrogate';
		case 15:
			return '\u0001\u0002\u001f\u007f';
		case 16:
			return `__DEEP_${pick(r, [3, 50, 1000, 5000, 20000])}__`;
		case 17:
			return {};
		case 18:
			return [];
		case 19:
			return { toString: 1, valueOf: 1 };
		case 20:
			return { type: 'Feature', properties: null, geometry: null };
		case 21:
			return '<img src=x onerror=alert(1)>';
		case 22:
			return "'; DROP TABLE cases; --";
		case 23:
			return depth < 3 ? [junk(r, depth + 1), junk(r, depth + 1)] : 'x';
		case 24:
			return '３２０１０２９０１';
		case 25:
			return -0;
		case 26:
			return '1e5';
		case 27:
			return 9.999e15;
		case 28:
			return `__DEEPOBJ_${pick(r, [10, 3000, 20000])}__`;
		case 29:
			return '__TINY__';
		case 30:
			return { __proto__: { polluted: true }, constructor: { prototype: 1 } };
		default:
			return depth < 3 ? { a: junk(r, depth + 1) } : 'y';
	}
}

function position(r: Random): unknown {
	const lon = round(BBOX.minLon + r() * (BBOX.maxLon - BBOX.minLon));
	const lat = round(BBOX.minLat + r() * (BBOX.maxLat - BBOX.minLat));
	switch (int(r, 0, 19)) {
		case 0:
			return [lat, lon]; // swapped
		case 1:
			return [lon + 200, lat];
		case 2:
			return [13_220_000 + r() * 1000, 3_770_000 + r() * 1000]; // Web Mercator metres
		case 3:
			return [lon, lat, 12.5]; // 3D
		case 4:
			return [lon, lat, 12.5, 7]; // 4D
		case 5:
			return [lon];
		case 6:
			return [];
		case 7:
			return [String(lon), String(lat)];
		case 8:
			return [lon, '__INF__'];
		case 9:
			return [116.39 + r(), 39.9 + r()]; // Beijing: outside every community
		case 10:
			return [lon, lat, 'z'];
		case 11:
			return [lon, null];
		default:
			return [lon, lat];
	}
}

const clean = (r: Random) => [round(BBOX.minLon + 0.001 + r() * 0.19), round(BBOX.minLat + 0.001 + r() * 0.09)];

function ring(r: Random, simple = false): unknown[] {
	const [x, y] = clean(r);
	const d = 0.0001 + r() * 0.003;
	const square = [
		[x, y],
		[x + d, y],
		[x + d, y + d],
		[x, y + d],
		[x, y]
	];
	switch (simple ? 15 : int(r, 0, 15)) {
		case 0:
			return [
				[x, y],
				[x + d, y + d],
				[x + d, y],
				[x, y + d],
				[x, y]
			]; // bow tie
		case 1:
			return square.slice(0, 4); // unclosed
		case 2:
			return square.slice(0, 2); // degenerate
		case 3:
			return [
				[x, y],
				[x, y],
				[x, y],
				[x, y]
			]; // zero area
		case 4:
			return [
				[x, y],
				[x + d, y],
				[x + 2 * d, y],
				[x, y]
			]; // collinear
		case 5: {
			// many vertices, some crossing
			const n = pick(r, [50, 600, 6000]);
			const pts = Array.from({ length: n }, (_, i) => {
				const a = (i / n) * 2 * Math.PI;
				const rad = d * (chance(r, 0.02) ? -1 : 1) * (0.5 + r() * 0.5);
				return [round(x + rad * Math.cos(a)), round(y + rad * Math.sin(a))];
			});
			return [...pts, pts[0]];
		}
		case 6:
			return square.map((p, i) => (i === 2 ? position(r) : p));
		case 7:
			return [...square].reverse();
		default:
			return square;
	}
}

function geometry(r: Random, kind: 'point' | 'polygon' | 'line', simple = false): unknown {
	const roll = simple ? 1 : r();
	if (roll < 0.06) return junk(r);
	if (roll < 0.1)
		return {
			type: pick(r, ['Point', 'Polygon', 'LineString', 'MultiPolygon', 'GeometryCollection', 'MultiPoint', 'polygon', 'Feature', '', 'Circle']),
			coordinates: junk(r)
		};
	if (roll < 0.13) return { type: 'GeometryCollection', geometries: [geometry(r, kind), chance(r, 0.5) ? geometry(r, 'point') : junk(r)] };
	if (roll < 0.16) return geometry(r, pick(r, ['point', 'polygon', 'line'] as const)); // wrong type for the layer
	if (kind === 'point') return { type: 'Point', coordinates: chance(r, 0.8) ? clean(r) : position(r) };
	if (kind === 'line') {
		const n = chance(r, 0.1) ? int(r, 0, 1) : int(r, 2, 8);
		return {
			type: chance(r, 0.8) ? 'LineString' : 'MultiLineString',
			coordinates: chance(r, 0.8) ? Array.from({ length: n }, () => (chance(r, 0.85) ? clean(r) : position(r))) : [Array.from({ length: n }, () => clean(r))]
		};
	}
	if (chance(r, 0.15)) return { type: 'MultiPolygon', coordinates: [[ring(r, simple)], [ring(r, simple), ring(r, simple)]] };
	return { type: 'Polygon', coordinates: chance(r, 0.15) ? [ring(r, simple), ring(r, simple)] : [ring(r, simple)] };
}

const CODE_VARIANTS = (r: Random, valid: string): unknown =>
	pick(r, [
		valid,
		valid,
		valid,
		valid.slice(0, -1),
		`${valid}0`,
		`${valid.slice(0, -1)}x`,
		Number(valid),
		`${Number(valid)}.0`,
		'3.20102901E+11',
		`${valid.slice(0, 4)}00${valid.slice(6)}`,
		'',
		null,
		junk(r),
		`99${valid.slice(2)}`
	]);

function properties(r: Random, layer: LayerName, i: number): Record<string, unknown> {
	const community = pick(r, [C1, C2]);
	switch (layer) {
		case 'subdistricts':
			return { code: CODE_VARIANTS(r, `3201029${String(int(r, 10, 99))}`), name: `模糊街道${i}` };
		case 'communities':
			return {
				code: CODE_VARIANTS(r, `${SD}${String(int(r, 3, 999)).padStart(3, '0')}`),
				name: `模糊社区${i}`,
				households: pick(r, [500, '1,200', -3, 'many', 1e12, '__INF__', undefined]),
				population: pick(r, [1200, undefined, '9'.repeat(40)])
			};
		case 'grids':
			return {
				code: chance(r, 0.5) ? CODE_VARIANTS(r, `${community}${String(int(r, 3, 999)).padStart(3, '0')}`) : undefined,
				name: `网格${i}`,
				kind: pick(r, ['basic', '专属', 'bogus', 'constructor', undefined])
			};
		case 'buildings':
			return {
				id: `b-${int(r, 0, 50)}`,
				'building:levels': pick(r, ['6', '6;7', '-2', '0', '1e9', 'ten', undefined]),
				height: pick(r, ['20 m', '0', '-5', 'x', undefined, 1e300]),
				households: pick(r, [undefined, 12, -1, 'lots', 1e15, 2 ** 31])
			};
		case 'facilities':
			return { id: `f-${int(r, 0, 50)}`, category: pick(r, ['bank', 'school', '中小学', 'park', 'bogus', '', 'clinic', 'constructor']), name: `设施${i}` };
		case 'roads':
			return {
				id: `r-${int(r, 0, 50)}`,
				highway: pick(r, ['footway', 'primary', 'motorway', undefined, 'x']),
				walkable: pick(r, ['yes', 'no', 'maybe', undefined]),
				name: `路${i}`
			};
		case 'landcover':
			return { id: `l-${int(r, 0, 50)}`, kind: pick(r, ['water', '绿地', 'park', 'lava', '__proto__', 'toString', undefined]), name: `地块${i}` };
		case 'cases':
			return {
				id: `fz-${int(r, 0, 80)}`,
				category: pick(r, ['environment', '环境卫生', '纠纷', 'bogus', 'other']),
				status: pick(r, ['reported', 'closed', 'dispatched', 'escalated', 'backwards', undefined]),
				reported_at: pick(r, [timestamp(r), timestamp(r), '2024-02-30 10:00', '2024-05-01T10:00:00+99:99', '9999-12-31', 'yesterday', '', '2024年5月1日 8:05']),
				description: pick(r, ['描述', undefined, '<b>x</b>'])
			};
		case 'registers':
			return chance(r, 0.5)
				? {
						building_id: pick(r, [`b-${int(r, 0, 50)}`, '', undefined, 'x'.repeat(200)]),
						户数: pick(r, [12, '1,200', -1, 'many', 1e15, undefined]),
						人口: pick(r, [30, undefined, 'x'])
					}
				: { community_code: CODE_VARIANTS(r, community), households: pick(r, [500, -3, 'many', 2 ** 31, undefined]), population: pick(r, [1200, undefined]) };
	}
}

function timestamp(r: Random): string {
	return new Date(Date.now() - int(r, 60, 30 * 86400) * 1000).toISOString();
}

const LAYER_GEOMETRY: Record<LayerName, 'point' | 'polygon' | 'line'> = {
	subdistricts: 'polygon',
	communities: 'polygon',
	grids: 'polygon',
	buildings: 'polygon',
	facilities: 'point',
	roads: 'line',
	landcover: 'polygon',
	cases: 'point',
	registers: 'point'
};

/** Replaces (or deletes) one node somewhere in the tree. */
function mutateTree(r: Random, root: unknown): unknown {
	let parent: Record<string | number, unknown> | null = null;
	let key: string | number = '';
	let node = root;
	for (let depth = 0; depth < 12; depth++) {
		if (node === null || typeof node !== 'object') break;
		const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
		// Rarely stop at the top (the whole feature list replaced is one refusal); deeper, often.
		if (keys.length === 0 || (depth > 0 && chance(r, depth === 1 ? 0.05 : 0.25))) break;
		parent = node as Record<string | number, unknown>;
		key = pick(r, keys);
		// Mostly leave the "type" members alone: a wrong top-level type is one refusal, seen often enough.
		if (key === 'type' && keys.length > 1 && chance(r, 0.85))
			key = pick(
				r,
				keys.filter((k) => k !== 'type')
			);
		node = parent[key];
	}
	if (parent === null) return junk(r);
	if (chance(r, 0.25) && !Array.isArray(parent)) delete parent[key];
	else parent[key] = junk(r);
	return root;
}

// --- byte-level damage -----------------------------------------------------------------------------

const concat = (...parts: (Uint8Array | number[])[]) => concatBytes(parts);

function mangle(r: Random, bytes: Uint8Array): Uint8Array {
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

const enc = new TextEncoder();

function fileName(r: Random, natural: string): string {
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

interface Generated {
	req: Omit<ImportRequest, 'layer'> & { layer: LayerName };
	label: string;
}

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

const CSV_COLUMNS: Record<LayerName, string[][]> = {
	subdistricts: [
		['code', 'name'],
		['街道编码', '街道名称', '区县']
	],
	communities: [
		['code', 'name', 'households', 'street_name'],
		['社区编码', '社区名称', '户数', '人口']
	],
	grids: [['code', 'name', 'lon', 'lat']],
	buildings: [['id', 'levels', 'lon', 'lat']],
	facilities: [
		['name', 'category', 'lon', 'lat'],
		['名称', '类别', '经度', '纬度'],
		['name', 'category', 'x', 'y']
	],
	roads: [['name', 'lon', 'lat']],
	landcover: [['kind', 'lng', 'lat']],
	cases: [
		['id', 'category', 'status', 'reported_at', 'description', 'lng', 'lat'],
		['编号', '类别', '上报时间', '经度', '纬度']
	],
	registers: [
		['building_id', 'households', 'population'],
		['社区编码', '实有户数', '实有人口']
	]
};

/** What a spreadsheet cell would show for a value (placeholders expanded). */
function asCell(value: unknown): string {
	if (typeof value === 'string') return expandPlaceholders(JSON.stringify(value)).replace(/^"|"$/g, '');
	try {
		return expandPlaceholders(JSON.stringify(value) ?? '');
	} catch {
		return '[[[…]]]';
	}
}

function csvCell(r: Random, column: string, props: Record<string, unknown>, i: number): string {
	const [lon, lat] = clean(r);
	const bad = () => pick(r, ['abc', '', ' ', '118,79', '１１８.７', '1e400', 'NaN', 'Infinity', '0x10', '-', '118.7.9', '"', asCell(junk(r))]);
	if (/^(lon|lng|x|经度)$/.test(column)) return chance(r, 0.85) ? String(lon) : bad();
	if (/^(lat|y|纬度)$/.test(column)) return chance(r, 0.85) ? String(lat) : bad();
	const value =
		props[column] ??
		props[
			{
				街道编码: 'code',
				社区编码: 'code',
				街道名称: 'name',
				社区名称: 'name',
				名称: 'name',
				类别: 'category',
				户数: 'households',
				编号: 'id',
				上报时间: 'reported_at'
			}[column] ?? ''
		] ??
		`v${i}`;
	if (chance(r, 0.9)) return asCell(value);
	return pick(r, [bad(), 'a"b', '"unterminated', 'x\ny', '=cmd|calc', '\ud800', 'x'.repeat(300)]);
}

/** A CSV table for a random layer: bad quotes, wrong columns, bad coordinates, BOMs, mixed newlines. */
function generateCsv(r: Random, n: number): Generated {
	// Mostly the layers a CSV can fill (points and code lists); the others are refused as a whole.
	const layer = chance(r, 0.8) ? pick(r, ['facilities', 'cases', 'subdistricts', 'communities'] as const) : pick(r, LAYERS);
	const delimiter = chance(r, 0.8) ? ',' : pick(r, ['\t', ';', '|']);
	let columns = [...pick(r, CSV_COLUMNS[layer])];
	if (chance(r, 0.1)) columns = columns.concat(Array.from({ length: int(r, 1, 2000) }, (_, i) => `extra${i}`));
	if (chance(r, 0.05)) columns.push(columns[0]); // a duplicate column
	if (chance(r, 0.05)) columns.push('');
	if (chance(r, 0.1)) columns = columns.map((c) => (chance(r, 0.5) ? c.toUpperCase() : ` ${c} `));
	// Many rows or many columns, never both: a few hundred thousand cells at most.
	const rows = columns.length > 20 ? int(r, 0, 40) : chance(r, 0.03) ? int(r, 1000, 4000) : int(r, 0, 15);
	const quote = (cell: string) => (/[",\n\r;|\t]/.test(cell) && chance(r, 0.9) ? `"${cell.replaceAll('"', '""')}"` : cell);
	const lines = [columns.map(quote).join(delimiter)];
	for (let i = 0; i < rows; i++) {
		const props = properties(r, layer, i);
		let cells = columns.map((c) => csvCell(r, c.trim().toLowerCase(), props, i));
		if (chance(r, 0.05)) cells = cells.slice(0, int(r, 0, cells.length)); // missing cells
		if (chance(r, 0.05)) cells.push('surplus', 'cells');
		let line = cells.map(quote).join(delimiter);
		if (chance(r, 0.04)) line = line.replace(/"/, ''); // unbalanced quote
		if (chance(r, 0.02)) line = `"${line}`;
		if (chance(r, 0.03)) line = '';
		lines.push(line);
	}
	if (chance(r, 0.05) && lines.length > 1) lines[int(r, 1, lines.length - 1)] += `${delimiter}"${bigString(r, 1000, 200_000).replaceAll('"', '""')}"`; // one enormous cell
	const newline = () => pick(r, ['\n', '\r\n', '\r', '\n']);
	const mixed = chance(r, 0.3);
	const eol = newline();
	let text = lines.map((l) => l + (mixed ? newline() : eol)).join('');
	if (chance(r, 0.2)) text = `\ufeff${text}`;
	if (chance(r, 0.05)) text = text.replace('\n', '\n\ufeff');
	if (chance(r, 0.02)) text = text.replace(',', ',\u0000'); // a NUL byte: binary, not a CSV
	let bytes: Uint8Array = enc.encode(text);
	if (chance(r, 0.05)) {
		// Excel's "Unicode text": UTF-16LE with a BOM
		const utf16 = new Uint8Array(2 + text.length * 2);
		utf16.set([0xff, 0xfe]);
		for (let i = 0; i < text.length; i++) {
			utf16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
			utf16[3 + 2 * i] = text.charCodeAt(i) >> 8;
		}
		bytes = utf16;
	}
	if (chance(r, 0.25)) bytes = mangle(r, bytes);
	const req = request(r, layer, fileName(r, `fuzz-${n}.csv`), bytes);
	if (chance(r, 0.1))
		req.csv = {
			lon: pick(r, ['lng', 'lon', '经度', 'nope', ' LON ']),
			lat: pick(r, ['lat', '纬度', 'nope']),
			delimiter: chance(r, 0.5) ? delimiter : pick(r, [',', ';', ''])
		};
	return { req, label: `csv #${n} (${layer}, ${rows} rows, ${bytes.length} bytes)` };
}

function request(r: Random, layer: LayerName, name: string, bytes: Uint8Array): Generated['req'] {
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

// Zipped Shapefiles and OSM extracts, damaged byte by byte (their readers get the bytes, not text).
const SHAPEFILE_ZIPS = [
	'communities-utf8.zip',
	'communities-gbk-no-cpg.zip',
	'communities-web-mercator.zip',
	'communities-mercator-no-prj.zip',
	'two-layers.zip',
	'no-shp.zip'
].map((name) => [name, new Uint8Array(readFileSync(new URL(`../geo/readers/test/in/${name}`, import.meta.url)))] as const);
const DEMO_PBF = new Uint8Array(readFileSync(new URL('../demo/osm/xinjiekou.osm.pbf', import.meta.url)));
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

/** A JSON request body for POST /api/cases, as text (the route parses it), damaged in many ways. */
function generateCaseBody(r: Random, n: number): { text: string; label: string } {
	const item = (i: number): Record<string, unknown> => {
		const [lon, lat] = clean(r);
		const base: Record<string, unknown> = {
			id: chance(r, 0.9) ? `api-${int(r, 0, 150)}` : junk(r),
			category: pick(r, ['environment', 'dispute', '环境卫生', '纠纷', 'SAFETY_HAZARD', 'bogus', '', 'other']),
			lon: chance(r, 0.9) ? lon : junk(r),
			lat: chance(r, 0.9) ? lat : junk(r),
			reported_at: pick(r, [
				timestamp(r),
				timestamp(r),
				Date.now() - 3600_000,
				1e20,
				-8.64e15,
				8.64e15,
				253402300800000,
				'2024-02-30',
				'2024-05-01T10:00:00+99:99',
				'1900-01-01',
				'0999-01-01',
				'soon',
				'',
				junk(r)
			]),
			status: pick(r, ['reported', 'registered', 'dispatched', 'handled', 'closed', 'escalated', 'REPORTED', junk(r), undefined])
		};
		if (chance(r, 0.3)) base.escalation_level = pick(r, ['grid', 'community', 'subdistrict', 'city', junk(r)]);
		if (chance(r, 0.3)) base.description = pick(r, ['楼道堆物', bigString(r, 3990, 4010), '<script>alert(1)</script>', 'a\u0000b', '\ud800', junk(r)]);
		if (chance(r, 0.2)) base.source = pick(r, ['12345', 'x'.repeat(65), junk(r)]);
		if (chance(r, 0.2)) base.due_at = pick(r, [timestamp(r), null, 1e20, 'never', junk(r)]);
		if (chance(r, 0.2)) base.status_at = pick(r, [timestamp(r), -1e16, 'later', junk(r)]);
		for (let k = chance(r, 0.5) ? int(r, 1, 3) : 0; k > 0; k--) mutateTree(r, base);
		if (chance(r, 0.25)) {
			const { lon: x, lat: y, ...props } = base;
			return {
				type: 'Feature',
				id: chance(r, 0.2) ? i : undefined,
				properties: chance(r, 0.95) ? props : junk(r),
				geometry: chance(r, 0.85) ? { type: 'Point', coordinates: [x, y] } : junk(r)
			};
		}
		return base;
	};
	const size = chance(r, 0.008) ? int(r, 4990, 5100) : int(r, 1, 25);
	const items = Array.from({ length: size }, (_, i) => item(i));
	let body: unknown;
	switch (int(r, 0, 9)) {
		case 0:
			body = { cases: items, crs: pick(r, ['wgs84', 'gcj02', 'BD09', 'epsg:3857', 5, { type: 'name', properties: { name: 'EPSG:4326' } }, null]) };
			break;
		case 1:
			body = { type: 'FeatureCollection', features: chance(r, 0.9) ? items : junk(r) };
			break;
		case 2:
			body = items[0];
			break;
		case 3:
			body = junk(r);
			break;
		default:
			body = items;
	}
	if (chance(r, 0.1)) body = mutateTree(r, body);
	let text = expandPlaceholders(JSON.stringify(body) ?? 'null');
	if (chance(r, 0.1)) text = new TextDecoder().decode(mangle(r, enc.encode(text)));
	return { text, label: `case batch #${n} (${size} items, ${text.length} chars)` };
}

// --- judging one input ------------------------------------------------------------------------------

const TYPED = [ImportFileError, ImportRejectedError, ImportLimitError, CaseBodyError];
const isTyped = (e: unknown) => TYPED.some((T) => e instanceof T);
const bilingual = (message: string) => /[\u4e00-\u9fff]/.test(message) && message.includes(' / ') && /[a-z]{3}/.test(message);
const describeError = (e: unknown) =>
	e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e);

const LAYER_TABLE: Record<LayerName, (typeof TABLES)[number]> = {
	subdistricts: 'subdistricts',
	communities: 'communities',
	grids: 'grids',
	buildings: 'buildings',
	facilities: 'facilities',
	roads: 'roads',
	landcover: 'landcover',
	cases: 'cases',
	// a register updates buildings and communities, never adds a row
	registers: 'buildings'
};

/** A list of failures that, with TRACE set, also lands in TRACE.failures as it grows. */
function failureList(): string[] {
	const failures: string[] = [];
	if (TRACE)
		failures.push = (...items: string[]) => (
			appendFileSync(`${TRACE}.failures`, items.map((f) => `${f}\n`).join('')),
			Array.prototype.push.apply(failures, items)
		);
	return failures;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Refused: a typed bilingual error and not a row changed. Imported: the counts add up. */
function judgeImport(where: string, req: Generated['req'], outcome: Outcome<ImportSummary>, before: Snapshot, after: Snapshot, failures: string[]) {
	if (!outcome.ok) {
		const error = outcome.error;
		if (!isTyped(error)) failures.push(`${where}: untyped ${describeError(error)}`);
		else if (!bilingual((error as Error).message)) failures.push(`${where}: message not 中文 / English: ${(error as Error).message.slice(0, 200)}`);
		if (changed(before, after)) failures.push(`${where}: refused but rows changed: ${changed(before, after)}`);
		return;
	}
	const s = outcome.value;
	for (const issue of [...s.rejectedIssues, ...s.repairedIssues]) {
		if (!bilingual(issue.message)) failures.push(`${where}: issue not 中文 / English: ${issue.message.slice(0, 200)}`);
	}
	if (req.dryRun) {
		if (changed(before, after)) failures.push(`${where}: dry run changed rows: ${changed(before, after)}`);
		return;
	}
	const table = LAYER_TABLE[req.layer];
	if (after[table] - before[table] !== s.inserted)
		failures.push(`${where}: ${table} grew by ${after[table] - before[table]}, summary says ${s.inserted} inserted`);
	if (after.import_runs - before.import_runs !== 1) failures.push(`${where}: import_runs grew by ${after.import_runs - before.import_runs}`);
}

/** Refused: a typed bilingual error and nothing written. Answered: cases grew by what it says, each rejected item explained. */
function judgeIngest(where: string, outcome: Outcome<IngestResult>, before: Snapshot, after: Snapshot, failures: string[]) {
	if (!outcome.ok) {
		const error = outcome.error;
		if (!isTyped(error)) failures.push(`${where}: untyped ${describeError(error)}`);
		else if (!bilingual((error as Error).message)) failures.push(`${where}: message not 中文 / English: ${(error as Error).message}`);
		if (changed(before, after)) failures.push(`${where}: refused but rows changed: ${changed(before, after)}`);
		return;
	}
	const res = outcome.value;
	if (after.cases - before.cases !== res.inserted) failures.push(`${where}: cases grew by ${after.cases - before.cases}, result says ${res.inserted} inserted`);
	if (res.inserted + res.updated === 0 && after.case_events !== before.case_events) failures.push(`${where}: events written for a batch that changed nothing`);
	if (res.inserted + res.updated + res.unchanged + res.rejected !== res.received) {
		failures.push(
			`${where}: received ${res.received} ≠ inserted ${res.inserted} + updated ${res.updated} + unchanged ${res.unchanged} + rejected ${res.rejected}`
		);
	}
	for (const e of res.errors) {
		if (!e.zh || !e.en || !e.code || !bilingual(e.message)) failures.push(`${where}: item error without 中文 / English: ${JSON.stringify(e).slice(0, 200)}`);
	}
	const others = TABLES.filter((t) => t !== 'cases' && t !== 'case_events');
	if (others.some((t) => before[t] !== after[t])) failures.push(`${where}: ingest changed other tables: ${changed(before, after)}`);
}

// --- inputs that crashed the importers before (kept as fixed regressions) -------------------------

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

// --- the runs ---------------------------------------------------------------------------------------

for (const engine of testEngines()) {
	// The server engine runs a fifth of the inputs (the same ones, from the same seed) to stay quick.
	const every = engine.name === 'pglite' ? 1 : 5;

	describe(`fuzzing the importers and the case ingest on ${engine.name} (seed ${SEED})`, () => {
		let db: Db;
		let last: Snapshot;
		beforeAll(async () => {
			db = await engine.open();
			await fixtures(db);
			last = await snapshot(db);
		}, 120_000);
		afterAll(async () => {
			await closeCaseHub(db);
			await engine.cleanup();
		});

		async function importOne(req: Generated['req'], where: string, failures: string[]): Promise<Outcome<ImportSummary>> {
			const before = last;
			const outcome = await attempt(() => importFile(db, req));
			last = await snapshot(db);
			judgeImport(where, req, outcome, before, last, failures);
			return outcome;
		}

		async function ingestOne(body: unknown, where: string, failures: string[], crs?: CrsName): Promise<Outcome<IngestResult>> {
			const before = last;
			const outcome = await attempt(() => ingestCases(db, body, { crs }));
			last = await snapshot(db);
			judgeIngest(where, outcome, before, last, failures);
			return outcome;
		}

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

		async function runImports(kind: 'geojson' | 'csv' | 'binary', generate: (r: Random, n: number) => Generated) {
			const r = mulberry32(SEED ^ { geojson: 0x9e0, csv: 0xc5f, binary: 0xb1a }[kind]);
			const failures = failureList();
			const outcomes = { imported: 0, refused: 0 };
			const reasons = new Map<string, number>();
			const slowest: [number, string][] = [];
			for (let n = 0; n < COUNT[kind]; n++) {
				const { req, label } = generate(r, n);
				if (n % every !== 0 || (ONLY !== undefined && n !== ONLY)) continue;
				if (TRACE) {
					appendFileSync(TRACE, `${label} ${req.fileName.slice(0, 30)} ${Date.now()}\n`);
					writeFileSync(`${TRACE}.input`, req.bytes);
					writeFileSync(`${TRACE}.json`, JSON.stringify({ ...req, bytes: undefined }));
				}
				const where = `${label} [${req.fileName.slice(0, 40)} ${req.strict ? 'strict ' : ''}${req.dryRun ? 'dry-run ' : ''}${req.crs}]`;
				const t = performance.now();
				const outcome = await importOne(req, where, failures);
				slowest.push([performance.now() - t, label]);
				outcomes[outcome.ok ? 'imported' : 'refused']++;
				const reason = outcome.ok
					? `imported${outcome.value.rejected ? ' with rejections' : ''}`
					: ((outcome.error as { rule?: string }).rule ?? (outcome.error as Error).name);
				reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
			}
			const tally = [...reasons]
				.sort((a, b) => b[1] - a[1])
				.map(([k, v]) => `${k} ${v}`)
				.join(', ');
			console.log(
				`${engine.name} ${kind}: ${outcomes.imported + outcomes.refused} inputs, ${outcomes.imported} imported, ${outcomes.refused} refused (${tally})`
			);
			if (TRACE)
				console.log(
					slowest
						.sort((a, b) => b[0] - a[0])
						.slice(0, 12)
						.map(([t, l]) => `${t.toFixed(0)} ms ${l}`)
						.join('\n')
				);
			expect(failures.slice(0, 25), `${failures.length} failures (seed ${SEED})`).toEqual([]);
		}

		it(`GeoJSON: ${COUNT.geojson} malformed files`, () => runImports('geojson', generateGeoJson), 240_000);

		it(`CSV: ${COUNT.csv} malformed tables`, () => runImports('csv', generateCsv), 240_000);

		it(`zipped Shapefiles and OSM extracts: ${COUNT.binary} damaged files`, () => runImports('binary', generateBinary), 240_000);

		it(`case ingest: ${COUNT.cases} malformed JSON batches`, async () => {
			const r = mulberry32(SEED ^ 0xca5e);
			const failures = failureList();
			const outcomes = { answered: 0, refused: 0, unparsable: 0 };
			const slowest: [number, string][] = [];
			for (let n = 0; n < COUNT.cases; n++) {
				const { text, label } = generateCaseBody(r, n);
				const crs = pick(r, CRS);
				if (n % every !== 0 || (ONLY !== undefined && n !== ONLY)) continue;
				let body: unknown;
				try {
					body = JSON.parse(text);
				} catch {
					outcomes.unparsable++; // the route answers 400 before ingest sees it
					continue;
				}
				if (TRACE) {
					appendFileSync(TRACE, `${label} ${Date.now()}\n`);
					writeFileSync(`${TRACE}.input`, text);
				}
				const t = performance.now();
				const outcome = await ingestOne(body, label, failures, crs);
				slowest.push([performance.now() - t, label]);
				outcomes[outcome.ok ? 'answered' : 'refused']++;
			}
			console.log(
				`${engine.name} cases: ${outcomes.answered + outcomes.refused} batches ingested (${outcomes.answered} answered, ${outcomes.refused} refused), ${outcomes.unparsable} not JSON`
			);
			if (TRACE)
				console.log(
					slowest
						.sort((a, b) => b[0] - a[0])
						.slice(0, 12)
						.map(([t, l]) => `${t.toFixed(0)} ms ${l}`)
						.join('\n')
				);
			expect(failures.slice(0, 25), `${failures.length} failures (seed ${SEED})`).toEqual([]);
		}, 240_000);
	});
}

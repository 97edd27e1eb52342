// Random building blocks of the fuzzing runs (tests/fuzz-import/): values of the wrong kind, positions,
// rings and geometries (damaged or not), the properties of each layer, and a damaged JSON tree.
import type { CrsName, LayerName } from '$geo/types';
import type { Random } from '$geo/synth/prng';
import { BBOX, C1, C2, SD } from './city';

export const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const chance = (r: Random, p: number) => r() < p;
const round = (x: number) => Math.round(x * 1e7) / 1e7;

export const LAYERS: readonly LayerName[] = ['subdistricts', 'communities', 'grids', 'buildings', 'facilities', 'roads', 'landcover', 'cases'];
export const CRS: readonly CrsName[] = ['wgs84', 'wgs84', 'wgs84', 'gcj02', 'bd09'];

const CHAR_POOL = ['a', 'Z', '9', ' ', ',', ';', '"', "'", '\n', '\r', '\t', '社', '区', '网', '格', '€', '😀', '\\', '{', '}', '[', ']', '<', '>', '&'];
export function bigString(r: Random, min = 10_000, max = 300_000): string {
	const n = int(r, min, max);
	const unit = Array.from({ length: 64 }, () => pick(r, CHAR_POOL)).join('');
	return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** Text placeholders for what JSON.stringify cannot write: replaced in the serialised text. */
export function expandPlaceholders(text: string): string {
	return text
		.replaceAll('"__INF__"', '1e400')
		.replaceAll('"__NINF__"', '-1e400')
		.replaceAll('"__TINY__"', '1e-400')
		.replaceAll('"__NAN__"', 'NaN')
		.replace(/"__DEEP_(\d+)__"/g, (_, n) => '['.repeat(Number(n)) + ']'.repeat(Number(n)))
		.replace(/"__DEEPOBJ_(\d+)__"/g, (_, n) => '{"a":'.repeat(Number(n)) + '1' + '}'.repeat(Number(n)));
}

/** A value of the wrong kind for wherever it lands. */
export function junk(r: Random, depth = 0): unknown {
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

export const clean = (r: Random) => [round(BBOX.minLon + 0.001 + r() * 0.19), round(BBOX.minLat + 0.001 + r() * 0.09)];

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

export function geometry(r: Random, kind: 'point' | 'polygon' | 'line', simple = false): unknown {
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

export function properties(r: Random, layer: LayerName, i: number): Record<string, unknown> {
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

export function timestamp(r: Random): string {
	return new Date(Date.now() - int(r, 60, 30 * 86400) * 1000).toISOString();
}

export const LAYER_GEOMETRY: Record<LayerName, 'point' | 'polygon' | 'line'> = {
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
export function mutateTree(r: Random, root: unknown): unknown {
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

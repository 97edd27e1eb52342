// Is the feature's geometry well-formed GeoJSON at all? geo/validate checks what a geometry means
// (type for the layer, coordinate ranges, rings); this checks its shape first — the right nesting of
// arrays for its type, and numbers where positions belong — so a damaged file ("coordinates": "abc",
// a Polygon holding bare numbers, 20,000 nested arrays) is reported per feature instead of failing
// somewhere deep inside a library. Positions are reduced to 2D: the tables store 2D geometries, and
// heights in GeoJSON/Shapefile Z values are not used.
import type { Geometry, Position } from 'geojson';
import type { BilingualText } from '../issues';
import { shown } from './text';

const DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };
const MAX_COLLECTION_NESTING = 4;

type Shape = { ok: true; geometry: Geometry | null } | { ok: false; text: BilingualText };

class Malformed extends Error {
	constructor(readonly text: BilingualText) {
		super(text.en);
	}
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function position(value: unknown, type: string): Position {
	if (!Array.isArray(value) || value.length < 2) {
		throw new Malformed({
			zh: `${type} 的坐标点应为 [经度, 纬度] 数组，实为 ${shown(value, 40)}`,
			en: `a position of the ${type} must be a [longitude, latitude] array, got ${shown(value, 40)}`
		});
	}
	const x: unknown = value[0],
		y: unknown = value[1];
	if (typeof x !== 'number' || typeof y !== 'number') {
		throw new Malformed({
			zh: `${type} 的坐标 ${shown(value, 40)} 不是数字（坐标必须是数字，不能是文本或空值）`,
			en: `coordinate ${shown(value, 40)} of the ${type} is not a pair of numbers (coordinates must be numbers, not text or null)`
		});
	}
	return value.length === 2 ? (value as Position) : [x, y];
}

function nested(value: unknown, depth: number, type: string): unknown {
	if (depth === 0) return position(value, type);
	if (!Array.isArray(value)) {
		throw new Malformed({
			zh: `${type} 的 coordinates 结构不对：应为 ${depth + 1} 层嵌套数组，某处却是 ${kindOf(value)}（${shown(value, 40)}）`,
			en: `the coordinates of the ${type} are malformed: ${depth + 1} levels of nested arrays expected, found ${kindOf(value)} (${shown(value, 40)})`
		});
	}
	// The arrays as they are where they are already well-formed 2D (a reader's own output): no copies.
	let out: unknown[] | null = null;
	for (let i = 0; i < value.length; i++) {
		const member = nested(value[i], depth - 1, type);
		if (out) out.push(member);
		else if (member !== value[i]) out = [...value.slice(0, i), member];
	}
	return out ?? value;
}

function shape(value: unknown, nesting: number): Geometry {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new Malformed({
			zh: `geometry 应为 GeoJSON 几何对象，实为 ${kindOf(value)}（${shown(value, 40)}）`,
			en: `the geometry must be a GeoJSON geometry object, got ${kindOf(value)} (${shown(value, 40)})`
		});
	}
	const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
	if (g.type === 'GeometryCollection') {
		if (!Array.isArray(g.geometries)) {
			throw new Malformed({ zh: 'GeometryCollection 缺少 geometries 数组', en: 'the GeometryCollection has no geometries array' });
		}
		if (nesting >= MAX_COLLECTION_NESTING) {
			throw new Malformed({ zh: 'GeometryCollection 嵌套过深', en: 'GeometryCollections are nested too deeply' });
		}
		return { type: 'GeometryCollection', geometries: g.geometries.map((member) => shape(member, nesting + 1)) };
	}
	const type = typeof g.type === 'string' ? g.type : undefined;
	if (type === undefined || !Object.hasOwn(DEPTH, type)) {
		const named = type === undefined ? shown(g.type, 40) : `"${shown(type, 40)}"`;
		throw new Malformed({
			zh: `未知的几何类型 ${named}（应为 Point、LineString、Polygon、MultiPoint、MultiLineString、MultiPolygon 或 GeometryCollection）`,
			en: `unknown geometry type ${named} (expected Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon or GeometryCollection)`
		});
	}
	return { type, coordinates: nested(g.coordinates, DEPTH[type], type) } as Geometry;
}

/** The geometry as well-formed 2D GeoJSON, or why it is not GeoJSON. null/undefined stay null. */
export function geometryShape(value: unknown): Shape {
	if (value === null || value === undefined) return { ok: true, geometry: null };
	try {
		return { ok: true, geometry: shape(value, 0) };
	} catch (error) {
		if (error instanceof Malformed) return { ok: false, text: error.text };
		if (error instanceof RangeError) {
			// Nesting deep enough to exhaust the stack: certainly not a geometry.
			return { ok: false, text: { zh: 'coordinates 嵌套层数过多，不是有效的几何', en: 'the coordinates are nested far too deeply to be a geometry' } };
		}
		throw error;
	}
}

// How big one geometry may be. Validation, clipping and repair all grow with the number of
// vertices, so a limit per ring and per geometry bounds the work one feature can cause; callers add
// a limit per request. The limits are far above real boundaries: a community outline traced from
// survey data has a few thousand vertices, a grid drawn in the editor a few hundred.
import type { Geometry } from 'geojson';
import type { BilingualText } from '../issues';

export interface VertexLimits {
	/** Positions in one ring or line. */
	perRing: number;
	/** Positions in one geometry (all its parts). */
	perGeometry: number;
}

/** Grid plans (save, propose, rebalance, plan import): grids are drawn, not surveyed. */
export const PLAN_VERTEX_LIMITS: VertexLimits = { perRing: 10_000, perGeometry: 20_000 };
/** All grids of one plan request together. */
export const PLAN_VERTICES_PER_REQUEST = 200_000;
/** Data imports: a detailed subdistrict boundary, a long river or road. */
export const IMPORT_VERTEX_LIMITS: VertexLimits = { perRing: 100_000, perGeometry: 250_000 };

export interface VertexCount {
	/** All positions. */
	total: number;
	/** The most positions in one ring or line. */
	largestRing: number;
}

/** Positions of a geometry, counted without copying; null for something that is not a geometry. */
export function countVertices(geometry: Geometry | null | undefined): VertexCount {
	const count: VertexCount = { total: 0, largestRing: 0 };
	countGeometry(geometry, count);
	return count;
}

// Module-level steps rather than closures: this runs for every feature of every import.
function countLine(l: unknown, count: VertexCount) {
	const n = Array.isArray(l) ? l.length : 0;
	count.total += n;
	if (n > count.largestRing) count.largestRing = n;
}

function countLines(ls: unknown, count: VertexCount) {
	if (Array.isArray(ls)) for (const l of ls) countLine(l, count);
}

function countGeometry(g: Geometry | null | undefined, count: VertexCount): void {
	if (!g || typeof g !== 'object') return;
	const c = (g as { coordinates?: unknown }).coordinates;
	switch (g.type) {
		case 'Point':
			count.total += 1;
			return;
		case 'MultiPoint':
		case 'LineString':
			return countLine(c, count);
		case 'MultiLineString':
		case 'Polygon':
			return countLines(c, count);
		case 'MultiPolygon':
			if (Array.isArray(c)) for (const p of c) countLines(p, count);
			return;
		case 'GeometryCollection':
			if (Array.isArray(g.geometries)) for (const member of g.geometries) countGeometry(member, count);
			return;
	}
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Which limit a geometry passes, with a message naming it and what to do; null when within both. */
export function vertexLimitProblem(count: VertexCount, limits: VertexLimits): { limit: 'perRing' | 'perGeometry'; text: BilingualText } | null {
	if (count.largestRing > limits.perRing)
		return {
			limit: 'perRing',
			text: {
				zh: `一个环或线有 ${fmt(count.largestRing)} 个坐标点，超过每环 ${fmt(limits.perRing)} 个的上限：请在 GIS 软件中简化（如 0.5 米容差）后重试`,
				en: `a ring or line has ${fmt(count.largestRing)} positions, more than the limit of ${fmt(limits.perRing)} per ring: simplify it in your GIS (e.g. 0.5 m tolerance) and try again`
			}
		};
	if (count.total > limits.perGeometry)
		return {
			limit: 'perGeometry',
			text: {
				zh: `几何共有 ${fmt(count.total)} 个坐标点，超过每个几何 ${fmt(limits.perGeometry)} 个的上限：请简化或拆分后重试`,
				en: `the geometry has ${fmt(count.total)} positions, more than the limit of ${fmt(limits.perGeometry)} per geometry: simplify or split it and try again`
			}
		};
	return null;
}

/** The message for a request whose geometries together pass `limit` positions. */
export function requestVertexProblem(total: number, limit: number): BilingualText {
	return {
		zh: `请求中的几何共有 ${fmt(total)} 个坐标点，超过每次 ${fmt(limit)} 个的上限：请简化边界或分批提交`,
		en: `the geometries of this request have ${fmt(total)} positions together, more than the limit of ${fmt(limit)} per request: simplify the boundaries or send them in parts`
	};
}

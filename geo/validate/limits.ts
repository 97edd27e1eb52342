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
	let total = 0,
		largestRing = 0;
	const line = (l: unknown) => {
		const n = Array.isArray(l) ? l.length : 0;
		total += n;
		if (n > largestRing) largestRing = n;
	};
	const lines = (ls: unknown) => Array.isArray(ls) && ls.forEach(line);
	const visit = (g: Geometry | null | undefined): void => {
		if (!g || typeof g !== 'object') return;
		const c = (g as { coordinates?: unknown }).coordinates;
		switch (g.type) {
			case 'Point':
				total += 1;
				return;
			case 'MultiPoint':
			case 'LineString':
				return line(c);
			case 'MultiLineString':
			case 'Polygon':
				return void lines(c);
			case 'MultiPolygon':
				return void (Array.isArray(c) && c.forEach(lines));
			case 'GeometryCollection':
				return void (Array.isArray(g.geometries) && g.geometries.forEach(visit));
		}
	};
	visit(geometry);
	return { total, largestRing };
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

// Grid plans (see ./index.ts): input checking.

import type { Position, FeatureCollection } from 'geojson';
import { gridName } from '$geo/partition/names';
import { countVertices, vertexLimitProblem, PLAN_VERTEX_LIMITS, PLAN_VERTICES_PER_REQUEST, requestVertexProblem } from '$geo/validate/limits';
import { isUnitCode } from '$geo/units/code';
import type { Areal, PlanCommunity, PlanGrid } from './types';
import type { PlanFieldError, PlanErrorCode } from './errors';
import { MAX_NAME } from './util';

function positionsOk(g: Areal): boolean {
	const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	if (!Array.isArray(polys)) return false;
	for (const poly of polys) {
		if (!Array.isArray(poly)) return false;
		for (const ring of poly) {
			if (!Array.isArray(ring)) return false;
			for (const p of ring as Position[]) {
				if (!Array.isArray(p) || p.length < 2) return false;
				const [x, y] = p;
				if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return false;
				if (x < -180 || x > 180 || y < -90 || y > 90) return false;
			}
		}
	}
	return true;
}

/**
 * Grids from a request: an array of {code, name?, kind?, geometry} or a GeoJSON FeatureCollection
 * whose features carry code / name / kind. Every bad grid is named.
 */
export function parseGrids(input: unknown, community: PlanCommunity): { grids: PlanGrid[]; errors: PlanFieldError[] } {
	const errors: PlanFieldError[] = [];
	const list: unknown[] | null = Array.isArray(input)
		? input
		: input && typeof input === 'object' && (input as FeatureCollection).type === 'FeatureCollection' && Array.isArray((input as FeatureCollection).features)
			? (input as FeatureCollection).features
			: null;
	if (!list) {
		errors.push({
			field: 'grids',
			code: 'not_a_list',
			zh: '网格须为数组或 GeoJSON FeatureCollection',
			en: 'grids must be an array or a GeoJSON FeatureCollection'
		});
		return { grids: [], errors };
	}
	if (list.length === 0) errors.push({ field: 'grids', code: 'empty', zh: '方案中没有网格', en: 'the plan has no grids' });
	if (list.length > 999) errors.push({ field: 'grids', code: 'too_many', zh: `网格数 ${list.length} 超过 999`, en: `${list.length} grids is more than 999` });
	const seen = new Set<string>();
	const grids: PlanGrid[] = [];
	let vertices = 0;
	list.forEach((raw, index) => {
		const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
		const props = (item.type === 'Feature' ? (item.properties ?? {}) : item) as Record<string, unknown>;
		const geometry = item.geometry as Areal | null | undefined;
		const code = typeof props.code === 'string' ? props.code : typeof props.code === 'number' ? String(props.code) : '';
		const at = `grids[${index}]`;
		const err = (field: string, c: string, zh: string, en: string) =>
			errors.push({
				field: `${at}.${field}`,
				code: c,
				zh: `第 ${index + 1} 个网格${code ? `（${code}）` : ''}：${zh}`,
				en: `grid ${index + 1}${code ? ` (${code})` : ''}: ${en}`,
				index
			});
		let ok = true;
		if (!isUnitCode(code, 'grid')) {
			err('code', 'bad_code', `编码应为 15 位数字，收到 “${code}”`, `a grid code is 15 digits, got "${code}"`);
			ok = false;
		} else if (!code.startsWith(community.code)) {
			err('code', 'other_community', `编码须以社区编码 ${community.code} 开头`, `the code must start with the community code ${community.code}`);
			ok = false;
		} else if (code.endsWith('000')) {
			err('code', 'bad_sequence', '网格序号须为 001–999', 'the grid sequence must be 001–999');
			ok = false;
		} else if (seen.has(code)) {
			err('code', 'duplicate_code', '编码重复', 'duplicate code');
			ok = false;
		}
		seen.add(code);
		const kind = props.kind ?? 'basic';
		if (kind !== 'basic' && kind !== 'dedicated') {
			err(
				'kind',
				'bad_kind',
				`类型须为 basic（基础网格）或 dedicated（专属网格），收到 “${String(kind)}”`,
				`kind must be basic or dedicated, got "${String(kind)}"`
			);
			ok = false;
		}
		const name = props.name === undefined || props.name === null || props.name === '' ? gridName(community.name, code) : props.name;
		if (typeof name !== 'string' || name.length > MAX_NAME) {
			err('name', 'bad_name', `名称须为不超过 ${MAX_NAME} 字的文本`, `the name must be text of at most ${MAX_NAME} characters`);
			ok = false;
		}
		if (!geometry || typeof geometry !== 'object' || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
			err(
				'geometry',
				'bad_geometry_type',
				`几何须为 Polygon 或 MultiPolygon，收到 ${geometry && typeof geometry === 'object' ? String((geometry as { type?: unknown }).type) : '空'}`,
				`the geometry must be a Polygon or MultiPolygon, got ${geometry && typeof geometry === 'object' ? String((geometry as { type?: unknown }).type) : 'none'}`
			);
			ok = false;
		} else {
			const count = countVertices(geometry);
			vertices += count.total;
			const tooLarge = vertexLimitProblem(count, PLAN_VERTEX_LIMITS);
			if (tooLarge) {
				err('geometry', 'too_many_vertices', tooLarge.text.zh, tooLarge.text.en);
				ok = false;
			} else if (!positionsOk(geometry)) {
				err(
					'geometry',
					'bad_coordinates',
					'坐标须为经度 −180…180、纬度 −90…90 的数字（WGS-84）',
					'coordinates must be numbers: longitude −180…180, latitude −90…90 (WGS-84)'
				);
				ok = false;
			}
		}
		if (ok) grids.push({ code, name: name as string, kind: kind as 'basic' | 'dedicated', geometry: geometry! });
	});
	if (vertices > PLAN_VERTICES_PER_REQUEST) {
		const text = requestVertexProblem(vertices, PLAN_VERTICES_PER_REQUEST);
		errors.unshift({ field: 'grids', code: 'too_many_vertices', ...text });
	}
	return { grids, errors };
}

/** plan_too_large (413) when the request's grids together pass the vertex limit, else bad_input (400). */
export function inputErrorCode(errors: PlanFieldError[]): PlanErrorCode {
	return errors.some((e) => e.field === 'grids' && e.code === 'too_many_vertices') ? 'plan_too_large' : 'bad_input';
}

/** Building → grid paints: {"<building id>": "<grid code>"} or [{building, grid}]. */
export function parseAssignments(input: unknown, gridCodes: Set<string>, buildingIds: Set<string>): { paints: Map<string, string>; errors: PlanFieldError[] } {
	const errors: PlanFieldError[] = [];
	const paints = new Map<string, string>();
	if (input === undefined || input === null) return { paints, errors };
	let pairs: [string, unknown][];
	if (Array.isArray(input)) pairs = input.map((x) => [String((x as { building?: unknown })?.building ?? ''), (x as { grid?: unknown })?.grid]);
	else if (typeof input === 'object') pairs = Object.entries(input as Record<string, unknown>);
	else {
		errors.push({
			field: 'assignments',
			code: 'bad_assignments',
			zh: '楼栋分配须为 {楼栋编号: 网格编码} 对象',
			en: 'assignments must be an object {building id: grid code}'
		});
		return { paints, errors };
	}
	for (const [b, g] of pairs) {
		if (!buildingIds.has(b)) {
			errors.push({ field: `assignments.${b}`, code: 'unknown_building', zh: `楼栋 ${b} 不在本社区`, en: `building ${b} is not in this community` });
			continue;
		}
		if (typeof g !== 'string' || !gridCodes.has(g)) {
			errors.push({
				field: `assignments.${b}`,
				code: 'unknown_grid',
				zh: `楼栋 ${b} 分配到的网格 ${String(g)} 不在方案中`,
				en: `building ${b} is assigned to grid ${String(g)}, which is not in the plan`
			});
			continue;
		}
		paints.set(b, g);
	}
	return { paints, errors };
}

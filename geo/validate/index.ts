// Per-feature geometry validation, in the order the problems are best explained:
// missing → wrong type → bad raw coordinates → (convert CRS) → ring repairs and checks.
import type { Geometry } from 'geojson';
import type { FeatureIssue, ImportCrs, LayerName } from '../types';
import { featureIssue, type FeatureLocation } from '../issues';
import { toWgs84 } from '../crs';
import { degreeCrs, isProjectedCrs } from '../crs/epsg-codes';
import { projectGeometry } from '../crs/project';
import { checkGeometryType } from './geometry-type';
import { checkCoordinates } from './coordinates';
import { closeRings, findDegenerateLine, findDegenerateRing, findSelfIntersection } from './rings';
import { LAYER_LABELS } from './layers';
import { countVertices, IMPORT_VERTEX_LIMITS, vertexLimitProblem } from './limits';

export { checkGeometryType } from './geometry-type';
export { checkCoordinates, isInChina, CHINA_BBOX, type CoordinateProblem } from './coordinates';
export { closeRings, findDegenerateRing, findDegenerateLine, findSelfIntersection, MAX_VERTICES_FOR_KINKS } from './rings';
export { ALLOWED_GEOMETRY_TYPES, ATTRIBUTE_ONLY_LAYERS, LAYER_LABELS } from './layers';
export { positionsOf, ringsOf } from './positions';
export * from './limits';

export interface GeometryContext extends FeatureLocation {
	layer: LayerName;
	/** CRS of the raw coordinates; the accepted geometry is returned in WGS-84. */
	crs: ImportCrs;
	/** True for attribute-only code lists, where a null geometry is expected. */
	allowMissingGeometry?: boolean;
}

export type GeometryVerdict =
	{ ok: true; geometry: Geometry | null; repair?: 'closed-ring' | 'make-valid'; repaired: FeatureIssue[] } | { ok: false; issue: FeatureIssue };

const reject = (issue: FeatureIssue): GeometryVerdict => ({ ok: false, issue });

/** Validates one feature's geometry, converts it to WGS-84, and closes unclosed rings. */
export function validateGeometry(geometry: Geometry | null | undefined, ctx: GeometryContext): GeometryVerdict {
	if (geometry === null || geometry === undefined) {
		if (ctx.allowMissingGeometry) return { ok: true, geometry: null, repaired: [] };
		const label = LAYER_LABELS[ctx.layer];
		return reject(
			featureIssue(ctx, 'missing-geometry', {
				zh: `没有几何（geometry 为空），${label.zh}图层需要几何`,
				en: `the feature has no geometry (null), which the ${label.en} layer needs`
			})
		);
	}

	const wrongType = checkGeometryType(geometry, ctx.layer);
	if (wrongType) return reject(featureIssue(ctx, 'geometry-type', wrongType));

	// Before any work that grows with the vertex count (conversion, ring checks, the server's repair).
	const tooLarge = vertexLimitProblem(countVertices(geometry), IMPORT_VERTEX_LIMITS);
	if (tooLarge) return reject(featureIssue(ctx, 'too-many-vertices', tooLarge.text));

	let wgs84: Geometry;
	if (isProjectedCrs(ctx.crs)) {
		// Gauss–Krüger metres: projected first, then judged by where they land.
		const projected = projectGeometry(geometry, ctx.crs);
		if (!projected.ok) return reject(featureIssue(ctx, projected.rule, projected.text));
		wgs84 = projected.geometry;
	} else {
		// Range and swap checks look at the file's own numbers, before any conversion moves them.
		const coordinateProblem = checkCoordinates(geometry);
		if (coordinateProblem) return reject(featureIssue(ctx, coordinateProblem.rule, coordinateProblem.text));
		wgs84 = toWgs84(geometry, degreeCrs(ctx.crs));
	}

	const { geometry: closed, closedRings } = closeRings(wgs84);
	const repaired: FeatureIssue[] = [];
	let repair: 'closed-ring' | 'make-valid' | undefined;

	const degenerateRing = findDegenerateRing(closed);
	if (degenerateRing) {
		return reject(
			featureIssue(ctx, 'degenerate-ring', {
				zh: `第 ${degenerateRing.ringNumber} 个环只有 ${degenerateRing.positions} 个坐标点（闭合的面至少需要 4 个，首尾相同），无法构成面`,
				en: `ring ${degenerateRing.ringNumber} has only ${degenerateRing.positions} positions (a closed ring needs at least 4, first = last), so it is not an area`
			})
		);
	}
	const degenerateLine = findDegenerateLine(closed);
	if (degenerateLine) {
		return reject(
			featureIssue(ctx, 'degenerate-line', {
				zh: `线只有 ${degenerateLine.positions} 个坐标点（至少需要 2 个）`,
				en: `a line has only ${degenerateLine.positions} position(s) (at least 2 are needed)`
			})
		);
	}

	if (closedRings > 0) {
		repair = 'closed-ring';
		repaired.push(
			featureIssue(ctx, 'closed-ring', {
				zh: `${closedRings} 个环首尾不相同（未闭合），已自动闭合`,
				en: `${closedRings} ring(s) did not end where they started (unclosed); closed them automatically`
			})
		);
	}

	const selfIntersection = findSelfIntersection(closed);
	if (selfIntersection?.kind === 'found') {
		repair = 'make-valid';
		const [lon, lat] = selfIntersection.at.map((v) => Math.round(v * 1e6) / 1e6);
		repaired.push(
			featureIssue(ctx, 'self-intersection', {
				zh: `边界自相交（约在 ${lon}, ${lat}），导入时将自动修复（ST_MakeValid），请核对修复后的形状`,
				en: `the boundary crosses itself (near ${lon}, ${lat}); it will be repaired on import (ST_MakeValid) — check the repaired shape`
			})
		);
	} else if (selfIntersection?.kind === 'too-large-to-check') {
		// Not reported: nothing is known to be wrong, the server just makes sure.
		repair = 'make-valid';
	}

	return { ok: true, geometry: closed, repair, repaired };
}

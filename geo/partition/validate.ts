// Validation of a community's grid plan, fast enough to run on every edit.
//
// Hard rules: no grid area outside the community, no overlaps, no gaps (each ≥ `sliverM2`), valid
// geometry. Soft rules: every building in a grid, every grid in one piece, households per basic grid
// inside the band. The exact topology test (./topology) finds that a plan is clean without clipping;
// when it is not, Turf clipping measures the pieces only inside the residual's windows.
import type { BBox, Feature, Position } from 'geojson';
import { findSelfIntersection } from '../validate/rings';
import { chooseGapOwner, fixSliverOverlap } from './fix';
import { DEFAULT_BAND, GridLocator, assignBuildings, type Band, type GridFeature, type PlanBuilding } from './households';
import {
	bboxOf,
	bboxPolygon,
	bboxesMeet,
	clipDifference,
	clipIntersect,
	clipUnion,
	fromPolygons,
	geometryOf,
	labelPoint,
	planarArea,
	planarPerimeter,
	pointInAreal,
	polygonsOf,
	round7,
	scaleAt,
	type Areal
} from './planar';
import { residualChain } from './topology';

export type ViolationKind = 'outside' | 'overlap' | 'gap' | 'unassigned_buildings' | 'multipart' | 'invalid_geometry' | 'band';

export type Fix =
	| { action: 'assign_gap'; to: string }
	| { action: 'assign_overlap'; to: string; from: string }
	| { action: 'snap'; grid: string; toleranceM: number }
	| { action: 'clip_to_community'; grid: string };

export interface Violation {
	kind: ViolationKind;
	/** hard: a plan with it cannot be saved; soft: a warning. */
	severity: 'hard' | 'soft';
	grids?: string[];
	buildings?: string[];
	areaM2?: number;
	households?: number;
	/** band: which side and by how many households; multipart: number of pieces. */
	side?: 'below' | 'above';
	by?: number;
	parts?: number;
	/** invalid_geometry: the rule broken. */
	reason?: 'self_intersection' | 'too_few_positions' | 'unclosed_ring' | 'non_finite' | 'empty' | 'wrong_type';
	/** A thin piece (gap or overlap) narrower than this many metres (2·area / perimeter). */
	widthM?: number;
	bbox: BBox;
	where: Position;
	message: { zh: string; en: string };
	fix?: Fix;
	/** The piece (outside, overlap, gap) for drawing and for the fixes. */
	geometry?: Areal;
}

export interface ValidateOptions {
	/** Pieces smaller than this are ignored (m²). Default 1. */
	sliverM2?: number;
	/** Vertices closer than this many degrees are the same vertex. Default 1e-8 (≈ 1 mm). */
	epsDeg?: number;
	/** Thin gaps/overlaps narrower than this (m) get a snap fix. Default 2. */
	snapWidthM?: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => (x >= 100 ? Math.round(x).toString() : r1(x).toString());

function validGeometry(g: unknown): { ok: true; geometry: Areal } | { ok: false; reason: Violation['reason']; at?: Position } {
	const geom = g as Areal | null | undefined;
	if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')) return { ok: false, reason: geom ? 'wrong_type' : 'empty' };
	const polys = polygonsOf(geom);
	if (polys.length === 0 || polys.some((p) => p.length === 0)) return { ok: false, reason: 'empty' };
	for (const poly of polys)
		for (const ring of poly) {
			if (ring.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) return { ok: false, reason: 'non_finite' };
			if (ring.length < 4) return { ok: false, reason: 'too_few_positions' };
			const a = ring[0],
				b = ring[ring.length - 1];
			if (a[0] !== b[0] || a[1] !== b[1]) return { ok: false, reason: 'unclosed_ring' };
		}
	const si = findSelfIntersection(geom);
	if (si?.kind === 'found') return { ok: false, reason: 'self_intersection', at: si.at };
	return { ok: true, geometry: geom };
}

const REASONS: Record<NonNullable<Violation['reason']>, { zh: string; en: string }> = {
	self_intersection: { zh: '边界自相交', en: 'the boundary crosses itself' },
	too_few_positions: { zh: '环的坐标点少于 4 个', en: 'a ring has fewer than 4 positions' },
	unclosed_ring: { zh: '环未闭合', en: 'a ring is not closed' },
	non_finite: { zh: '坐标不是有效数字', en: 'a coordinate is not a finite number' },
	empty: { zh: '没有几何', en: 'the geometry is empty' },
	wrong_type: { zh: '几何类型不是面', en: 'the geometry is not a polygon' }
};

/**
 * Validate the grids of a community. Violations are ordered hard first (invalid, outside, overlap,
 * gap), then soft (unassigned buildings, multipart, band); inside a kind by grid order / west→east.
 */
export function validatePartition(
	community: Feature<Areal> | Areal,
	grids: GridFeature[],
	buildings: PlanBuilding[],
	band: Band = DEFAULT_BAND,
	opts: ValidateOptions = {}
): Violation[] {
	const tol = opts.sliverM2 ?? 1;
	const snapWidth = opts.snapWidthM ?? 2;
	const C = geometryOf(community);
	const cb = bboxOf(C);
	const k = scaleAt((cb[1] + cb[3]) / 2);
	const codes = grids.map((g) => String(g.properties?.code ?? ''));
	const out: Violation[] = [];

	// Geometry validity.
	const geoms: (Areal | null)[] = [];
	grids.forEach((g, i) => {
		const v = validGeometry(g.geometry);
		if (v.ok) return geoms.push(v.geometry);
		// Self-intersecting grids still take part (the clipper copes); broken ones do not.
		geoms.push(v.reason === 'self_intersection' ? (g.geometry as Areal) : null);
		const box = g.geometry && (g.geometry.type === 'Polygon' || g.geometry.type === 'MultiPolygon') && v.reason !== 'non_finite' ? bboxOf(g.geometry) : cb;
		const where = v.at ? round7(v.at) : round7([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]);
		const r = REASONS[v.reason!];
		out.push({
			kind: 'invalid_geometry',
			severity: 'hard',
			grids: [codes[i]],
			reason: v.reason,
			bbox: box,
			where,
			message: { zh: `网格 ${codes[i]} 几何无效：${r.zh}`, en: `grid ${codes[i]} has invalid geometry: ${r.en}` }
		});
	});

	// Outside / overlap / gap, measured only where the topology test finds a residual.
	const residual = residualChain(C, geoms, opts.epsDeg ?? 1e-8);
	const pieces = (g: Areal | null) => (g ? polygonsOf(g).map((p) => ({ type: 'Polygon', coordinates: p }) as Areal) : []);
	const outside = new Map<number, Areal[]>();
	const overlaps = new Map<string, { i: number; j: number; parts: Areal[] }>();
	const gaps: Areal[] = [];
	const gridBoxes = geoms.map((g) => (g ? bboxOf(g) : null));
	residual.windows.forEach((w0, wi) => {
		const m = 1e-7;
		const w: BBox = [w0[0] - m, w0[1] - m, w0[2] + m, w0[3] + m];
		const W = bboxPolygon(w);
		const within = (b: BBox) => b[0] >= w[0] && b[1] >= w[1] && b[2] <= w[2] && b[3] <= w[3];
		const Cw = within(cb) ? C : clipIntersect(C, W);
		const local: { i: number; g: Areal; box: BBox }[] = [];
		geoms.forEach((g, i) => {
			const b = gridBoxes[i];
			if (!g || !b || !bboxesMeet(b, w)) return;
			const gw = within(b) ? g : clipIntersect(g, W);
			if (gw) local.push({ i, g: gw, box: bboxOf(gw) });
		});
		const dirty = residual.owners[wi];
		for (const { i, g } of local) {
			if (!dirty.has(i)) continue;
			const d = Cw ? clipDifference(g, Cw) : g;
			for (const p of pieces(d)) if (planarArea(p, k) >= tol) outside.set(i, [...(outside.get(i) ?? []), p]);
		}
		for (let a = 0; a < local.length; a++)
			for (let b = a + 1; b < local.length; b++) {
				const p = local[a],
					q = local[b];
				if (!dirty.has(p.i) && !dirty.has(q.i)) continue;
				if (!bboxesMeet(p.box, q.box)) continue;
				const x = clipIntersect(p.g, q.g);
				const big = pieces(x).filter((piece) => planarArea(piece, k) >= tol);
				if (!big.length) continue;
				const [i, j] = p.i < q.i ? [p.i, q.i] : [q.i, p.i];
				const key = `${i}|${j}`;
				const e = overlaps.get(key) ?? { i, j, parts: [] };
				e.parts.push(...big);
				overlaps.set(key, e);
			}
		if (Cw) {
			const U = clipUnion(local.map((l) => l.g));
			const gap = U ? clipDifference(Cw, U) : Cw;
			for (const p of pieces(gap)) if (planarArea(p, k) >= tol) gaps.push(p);
		}
	});

	const widthOf = (g: Areal) => (2 * planarArea(g, k)) / Math.max(1e-9, planarPerimeter(g, k));
	for (const [i, parts] of [...outside].sort((a, b) => a[0] - b[0])) {
		const geometry = fromPolygons(parts.flatMap(polygonsOf))!;
		const area = planarArea(geometry, k);
		out.push({
			kind: 'outside',
			severity: 'hard',
			grids: [codes[i]],
			areaM2: r1(area),
			bbox: bboxOf(geometry),
			where: labelPoint(geometry),
			geometry,
			fix: { action: 'clip_to_community', grid: codes[i] },
			message: { zh: `网格 ${codes[i]} 有 ${fmt(area)} 平方米超出社区边界`, en: `grid ${codes[i]} extends ${fmt(area)} m² outside the community` }
		});
	}
	for (const { i, j, parts } of [...overlaps.values()].sort((a, b) => a.i - b.i || a.j - b.j)) {
		const geometry = fromPolygons(parts.flatMap(polygonsOf))!;
		const area = planarArea(geometry, k);
		const width = widthOf(geometry);
		out.push({
			kind: 'overlap',
			severity: 'hard',
			grids: [codes[i], codes[j]],
			areaM2: r1(area),
			widthM: r1(width),
			bbox: bboxOf(geometry),
			where: labelPoint(geometry),
			geometry,
			message: {
				zh: `网格 ${codes[i]} 与 ${codes[j]} 重叠 ${fmt(area)} 平方米`,
				en: `grids ${codes[i]} and ${codes[j]} overlap by ${fmt(area)} m²`
			}
		});
	}
	const assignment = assignBuildings(
		grids.map((g, i) => ({ ...g, geometry: geoms[i] ?? ({ type: 'Polygon', coordinates: [] } as Areal) })),
		buildings,
		new GridLocator(geoms)
	);
	const validGrids = grids.filter((_, i) => geoms[i] !== null);
	gaps.sort((a, b) => bboxOf(a)[0] - bboxOf(b)[0] || bboxOf(b)[3] - bboxOf(a)[3]);
	for (const geometry of gaps) {
		const area = planarArea(geometry, k);
		const width = widthOf(geometry);
		const owner = chooseGapOwner(geometry, validGrids, buildings, band);
		const inGap = buildings.filter((b, bi) => assignment[bi] < 0 && pointInPiece(b, geometry));
		const v: Violation = {
			kind: 'gap',
			severity: 'hard',
			areaM2: r1(area),
			widthM: r1(width),
			bbox: bboxOf(geometry),
			where: labelPoint(geometry),
			geometry,
			message: { zh: `社区内有 ${fmt(area)} 平方米未划入任何网格`, en: `${fmt(area)} m² of the community is in no grid` }
		};
		if (inGap.length) {
			v.buildings = inGap.map((b) => String(b.id));
			v.households = inGap.reduce((s, b) => s + (Number(b.households) || 0), 0);
		}
		if (owner.code) {
			v.grids = [owner.code];
			v.fix = width < snapWidth ? { action: 'snap', grid: owner.code, toleranceM: Math.ceil(width * 2) } : { action: 'assign_gap', to: owner.code };
		}
		out.push(v);
	}
	// Overlap fixes (after assignment, so buildings inside are known).
	for (const v of out)
		if (v.kind === 'overlap') {
			try {
				const r = fixSliverOverlap(v, validGrids, buildings, band);
				v.fix = { action: 'assign_overlap', to: r.to, from: r.from };
			} catch {
				/* no fix offered */
			}
		}

	// Unassigned buildings.
	const un = buildings.filter((_, i) => assignment[i] < 0);
	if (un.length) {
		const hh = un.reduce((s, b) => s + (Number(b.households) || 0), 0);
		const top = un.reduce((a, b) => ((Number(b.households) || 0) > (Number(a.households) || 0) ? b : a));
		const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
		for (const b of un) {
			box[0] = Math.min(box[0], b.lon);
			box[1] = Math.min(box[1], b.lat);
			box[2] = Math.max(box[2], b.lon);
			box[3] = Math.max(box[3], b.lat);
		}
		out.push({
			kind: 'unassigned_buildings',
			severity: 'soft',
			buildings: un.map((b) => String(b.id)),
			households: hh,
			bbox: box,
			where: round7([top.lon, top.lat]),
			message: { zh: `${un.length} 栋楼（${hh} 户）不在任何网格内`, en: `${un.length} building(s) (${hh} households) are in no grid` }
		});
	}

	// Grids in more than one piece.
	geoms.forEach((g, i) => {
		if (!g) return;
		const n = polygonsOf(g).filter((p) => planarArea({ type: 'Polygon', coordinates: p }, k) > 0).length;
		if (n < 2) return;
		out.push({
			kind: 'multipart',
			severity: 'soft',
			grids: [codes[i]],
			parts: n,
			bbox: bboxOf(g),
			where: labelPoint(g),
			message: { zh: `网格 ${codes[i]} 由 ${n} 块不相连的区域组成`, en: `grid ${codes[i]} is in ${n} separate pieces` }
		});
	});

	// Households per basic grid against the band.
	const hh = new Float64Array(grids.length);
	buildings.forEach((b, i) => assignment[i] >= 0 && (hh[assignment[i]] += Number(b.households) || 0));
	grids.forEach((g, i) => {
		if (g.properties?.kind === 'dedicated') return;
		const h = hh[i];
		if (h >= band.min && h <= band.max) return;
		const side = h < band.min ? 'below' : 'above';
		const by = side === 'below' ? band.min - h : h - band.max;
		const geom = geoms[i];
		out.push({
			kind: 'band',
			severity: 'soft',
			grids: [codes[i]],
			households: h,
			side,
			by,
			bbox: geom ? bboxOf(geom) : cb,
			where: geom ? labelPoint(geom) : labelPoint(C),
			message:
				side === 'below'
					? {
							zh: `网格 ${codes[i]} 有 ${h} 户，低于下限 ${band.min} 户 ${by} 户`,
							en: `grid ${codes[i]} has ${h} households, ${by} below the minimum of ${band.min}`
						}
					: {
							zh: `网格 ${codes[i]} 有 ${h} 户，超出上限 ${band.max} 户 ${by} 户`,
							en: `grid ${codes[i]} has ${h} households, ${by} above the maximum of ${band.max}`
						}
		});
	});
	return out;
}

function pointInPiece(b: PlanBuilding, g: Areal): boolean {
	const box = bboxOf(g);
	if (b.lon < box[0] || b.lon > box[2] || b.lat < box[1] || b.lat > box[3]) return false;
	return pointInAreal(b.lon, b.lat, g);
}

/** True when the plan breaks a hard rule (what a save refuses). */
export function hasHardViolations(violations: Violation[]): boolean {
	return violations.some((v) => v.severity === 'hard');
}

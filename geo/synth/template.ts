// The block that a synthetic city repeats: the demo's subdistricts, communities and grids with every
// building placed in its grid once, up front, so each copy only moves coordinates and renames codes.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { BuildingRecord } from '../types';
import { SynthOptionsError } from './codes';
import { interiorPoint } from '../placement/interior-point';

type Area = Polygon | MultiPolygon;

export interface TemplateSubdistrict {
	name: string;
	districtName?: string;
	geometry: Area;
}

export interface TemplateCommunity {
	name: string;
	/** Index into template.subdistricts. */
	subdistrict: number;
	/** 1-based position among its subdistrict's communities (becomes the code's last 3 digits). */
	ordinal: number;
	geometry: Area;
}

export interface TemplateGrid {
	name: string;
	kind: 'basic' | 'dedicated';
	/** Index into template.communities. */
	community: number;
	seq: number;
	geometry: Area;
}

export interface TemplateBuilding {
	sourceId: string;
	/** Index into template.grids. */
	grid: number;
	geometry: Area;
	name?: string;
	levels?: number;
	levelsSource: BuildingRecord['levelsSource'];
	heightM?: number;
	footprintM2: number;
	households: number;
}

export interface SynthTemplate {
	/** [west, south, east, north] of every boundary, WGS-84. */
	bbox: [number, number, number, number];
	subdistricts: TemplateSubdistrict[];
	communities: TemplateCommunity[];
	/** In template order; a copy made for a grid count takes the first N. */
	grids: TemplateGrid[];
	/** Grouped by grid, in grid order. */
	buildings: TemplateBuilding[];
	/** Buildings left out because no grid holds them. */
	unplaced: number;
}

export interface TemplateInput {
	subdistricts: Feature<Area>[];
	communities: Feature<Area>[];
	grids: Feature<Area>[];
	buildings: BuildingRecord[];
}

const text = (f: Feature, key: string) => {
	const v = f.properties?.[key];
	return v === undefined || v === null ? undefined : String(v);
};

/** Builds the template from the demo layers (codes as in the demo files: 9/12/15 digits). */
export function buildTemplate(input: TemplateInput): SynthTemplate {
	const subIndex = new Map<string, number>();
	const subdistricts = input.subdistricts.map((f, i) => {
		subIndex.set(text(f, 'code') ?? '', i);
		return { name: text(f, 'name') ?? `街道${i + 1}`, districtName: text(f, 'district_name'), geometry: f.geometry };
	});
	const ordinals = new Map<number, number>();
	const commIndex = new Map<string, number>();
	const communities: TemplateCommunity[] = [];
	for (const f of [...input.communities].sort((a, b) => (text(a, 'code') ?? '').localeCompare(text(b, 'code') ?? ''))) {
		const code = text(f, 'code') ?? '';
		const sub = subIndex.get(text(f, 'subdistrict_code') ?? code.slice(0, 9));
		if (sub === undefined) throw new SynthOptionsError(`模板社区 ${code} 没有所属街道 / template community ${code} has no subdistrict`);
		const ordinal = (ordinals.get(sub) ?? 0) + 1;
		ordinals.set(sub, ordinal);
		commIndex.set(code, communities.length);
		communities.push({ name: text(f, 'name') ?? `社区${ordinal}`, subdistrict: sub, ordinal, geometry: f.geometry });
	}
	const grids: TemplateGrid[] = [];
	for (const f of [...input.grids].sort((a, b) => (text(a, 'code') ?? '').localeCompare(text(b, 'code') ?? ''))) {
		const code = text(f, 'code') ?? '';
		const community = commIndex.get(text(f, 'community_code') ?? code.slice(0, 12));
		if (community === undefined) throw new SynthOptionsError(`模板网格 ${code} 没有所属社区 / template grid ${code} has no community`);
		const kind = text(f, 'kind') === 'dedicated' ? 'dedicated' : 'basic';
		grids.push({
			name: text(f, 'name') ?? `第${Number(code.slice(12))}网格`,
			kind,
			community,
			seq: Number(code.slice(12)) || grids.length + 1,
			geometry: f.geometry
		});
	}
	if (grids.length === 0) throw new SynthOptionsError('模板没有网格 / the template has no grids');

	const boxes = grids.map((g) => bboxOf(g.geometry));
	const placed: TemplateBuilding[] = [];
	let unplaced = 0;
	for (const b of input.buildings) {
		if (!b.geometry || (b.geometry.type !== 'Polygon' && b.geometry.type !== 'MultiPolygon')) {
			unplaced++;
			continue;
		}
		const grid = findGrid(b.geometry, grids, boxes);
		if (grid < 0) {
			unplaced++;
			continue;
		}
		placed.push({
			sourceId: b.sourceId,
			grid,
			geometry: b.geometry,
			name: b.name,
			levels: b.levels,
			levelsSource: b.levelsSource,
			heightM: b.heightM,
			footprintM2: b.footprintM2,
			households: b.households
		});
	}
	placed.sort((a, b) => a.grid - b.grid);
	const all = [...subdistricts, ...communities, ...grids].map((x) => bboxOf(x.geometry));
	const bbox: [number, number, number, number] = [
		Math.min(...all.map((b) => b[0])),
		Math.min(...all.map((b) => b[1])),
		Math.max(...all.map((b) => b[2])),
		Math.max(...all.map((b) => b[3]))
	];
	return { bbox, subdistricts, communities, grids, buildings: placed, unplaced };
}

/** The grid holding the building's interior point: the importers' rule (ST_PointOnSurface). */
function findGrid(geometry: Area, grids: TemplateGrid[], boxes: [number, number, number, number][]): number {
	const point = interiorPoint(geometry)!;
	for (let i = 0; i < grids.length; i++) {
		const b = boxes[i];
		if (point[0] < b[0] || point[0] > b[2] || point[1] < b[1] || point[1] > b[3]) continue;
		if (booleanPointInPolygon(point, grids[i].geometry)) return i;
	}
	return -1;
}

export function bboxOf(g: Area): [number, number, number, number] {
	let w = Infinity,
		s = Infinity,
		e = -Infinity,
		n = -Infinity;
	const visit = (p: Position) => {
		if (p[0] < w) w = p[0];
		if (p[0] > e) e = p[0];
		if (p[1] < s) s = p[1];
		if (p[1] > n) n = p[1];
	};
	if (g.type === 'Polygon') g.coordinates.forEach((r) => r.forEach(visit));
	else g.coordinates.forEach((poly) => poly.forEach((r) => r.forEach(visit)));
	return [w, s, e, n];
}

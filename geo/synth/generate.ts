// A synthetic city of any size: the template block repeated on a lattice, each copy jittered (moved
// a little and shrunk by up to 3 %, the same for every vertex, so the copy stays an exact partition
// and its buildings stay in their grids) and given its own synthetic codes. Copies are generated one
// at a time (a generator), so a city of a million buildings never needs more than one copy in memory.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { communityCode, gridCode, MAX_COPIES, subdistrictCode, SynthOptionsError } from './codes';
import { between, copyRandom } from './prng';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { interiorPoint } from '../placement/interior-point';
import { bboxOf, type SynthTemplate, type TemplateBuilding } from './template';

type Area = Polygon | MultiPolygon;

export interface SynthOptions {
	/** Exact number of buildings; omitted: every building of every copy. */
	buildings?: number;
	/** Exact number of grids; omitted: every grid of every copy. */
	grids?: number;
	seed?: number;
}

/** Space between copies, as a share of the block's width/height. */
const GAP = 0.05;
/** Largest shift of a copy, as a share of the block's size (keeps a gap of ≥ 2 % between copies). */
const JITTER = 0.015;
/** Copies are shrunk by a factor in [MIN_SCALE, 1] about their centre. */
const MIN_SCALE = 0.97;

export interface SynthPlan {
	copies: number;
	columns: number;
	subdistricts: number;
	communities: number;
	grids: number;
	buildings: number;
	seed: number;
	/** [west, south, east, north] of the whole city. */
	bbox: [number, number, number, number];
}

export interface SynthSubdistrict {
	code: string;
	name: string;
	districtName?: string;
	geometry: Area;
}
export interface SynthCommunity {
	code: string;
	name: string;
	subdistrictCode: string;
	/** Sum of the copy's buildings in the community (estimated); null when none were made. */
	households: number | null;
	geometry: Area;
}
export interface SynthGrid {
	code: string;
	name: string;
	kind: 'basic' | 'dedicated';
	communityCode: string;
	seq: number;
	geometry: Area;
}
export interface SynthBuilding {
	sourceId: string;
	name?: string;
	levels?: number;
	levelsSource: TemplateBuilding['levelsSource'];
	heightM?: number;
	footprintM2: number;
	households: number;
	communityCode: string;
	gridCode: string;
	geometry: Area;
}
export interface SynthCopy {
	/** 1-based copy number (the code's digits 3–6). */
	copy: number;
	subdistricts: SynthSubdistrict[];
	communities: SynthCommunity[];
	grids: SynthGrid[];
	buildings: SynthBuilding[];
}

function checkCount(name: string, v: number | undefined, min: number) {
	if (v === undefined) return;
	if (!Number.isInteger(v) || v < min) {
		throw new SynthOptionsError(`--${name} 必须是不小于 ${min} 的整数 / --${name} must be an integer ≥ ${min} (got ${v})`);
	}
}

/** Per copy: how many grids and buildings it gets (only the last copy may be partial). */
function copyCounts(t: SynthTemplate, opts: SynthOptions, copies: number): { grids: number; buildings: number }[] {
	// buildings are sorted by grid: buildingsBefore[g] = buildings in grids 0 … g-1
	const buildingsBefore = new Array<number>(t.grids.length + 1).fill(0);
	for (const b of t.buildings) buildingsBefore[b.grid + 1]++;
	for (let g = 0; g < t.grids.length; g++) buildingsBefore[g + 1] += buildingsBefore[g];
	const out: { grids: number; buildings: number }[] = [];
	let grids = 0,
		buildings = 0;
	for (let c = 0; c < copies; c++) {
		const g = opts.grids === undefined ? t.grids.length : Math.min(t.grids.length, opts.grids - grids);
		const available = buildingsBefore[g];
		const b = opts.buildings === undefined ? available : Math.min(available, opts.buildings - buildings);
		out.push({ grids: g, buildings: b });
		grids += g;
		buildings += b;
	}
	return out;
}

/** How big the city will be, checked before anything is generated. */
export function planSynth(t: SynthTemplate, opts: SynthOptions): SynthPlan {
	checkCount('buildings', opts.buildings, 0);
	checkCount('grids', opts.grids, 1);
	const seed = opts.seed ?? 1;
	if (!Number.isInteger(seed)) throw new SynthOptionsError(`--seed 必须是整数 / --seed must be an integer (got ${seed})`);
	if (opts.buildings === undefined && opts.grids === undefined) {
		throw new SynthOptionsError('请给出 --buildings 或 --grids / give --buildings N or --grids N');
	}
	if (opts.grids === undefined && opts.buildings === 0) {
		throw new SynthOptionsError('--buildings 0 需要同时给出 --grids / --buildings 0 needs --grids N');
	}
	if ((opts.buildings ?? 0) > 0 && t.buildings.length === 0) {
		throw new SynthOptionsError('模板中没有建筑 / the template has no buildings');
	}
	const copies = Math.max(opts.buildings ? Math.ceil(opts.buildings / t.buildings.length) : 0, opts.grids ? Math.ceil(opts.grids / t.grids.length) : 0);
	if (copies > MAX_COPIES) {
		throw new SynthOptionsError(
			`需要 ${copies} 个副本，超过上限 ${MAX_COPIES}（每个副本 ${t.grids.length} 个网格、${t.buildings.length} 栋建筑） / ` +
				`this needs ${copies} copies of the block, over the limit of ${MAX_COPIES} (${t.grids.length} grids, ${t.buildings.length} buildings per copy)`
		);
	}
	const counts = copyCounts(t, opts, copies);
	const grids = counts.reduce((s, c) => s + c.grids, 0);
	const buildings = counts.reduce((s, c) => s + c.buildings, 0);
	if (opts.buildings !== undefined && buildings < opts.buildings) {
		throw new SynthOptionsError(
			`${opts.grids} 个网格只能容纳 ${buildings} 栋建筑，少于 --buildings ${opts.buildings} / ${opts.grids} grids hold only ${buildings} buildings, fewer than --buildings ${opts.buildings}: ask for more grids`
		);
	}
	const { columns, step, origin } = lattice(t, copies);
	const rows = Math.ceil(copies / columns);
	const [w, s, e, n] = t.bbox;
	const bbox: [number, number, number, number] = [
		origin[0] + w - (e - w) * JITTER,
		origin[1] + s - (n - s) * JITTER,
		origin[0] + w + step[0] * (columns - 1) + (e - w) * (1 + JITTER),
		origin[1] + s + step[1] * (rows - 1) + (n - s) * (1 + JITTER)
	];
	const used = (f: (c: { grids: number }) => Set<number>) => counts.reduce((sum, c) => sum + f(c).size, 0);
	const communitiesOf = (c: { grids: number }) => new Set(t.grids.slice(0, c.grids).map((g) => g.community));
	const subdistrictsOf = (c: { grids: number }) => new Set([...communitiesOf(c)].map((i) => t.communities[i].subdistrict));
	return {
		copies,
		columns,
		subdistricts: used(subdistrictsOf),
		communities: used(communitiesOf),
		grids,
		buildings,
		seed,
		bbox
	};
}

/**
 * The lattice: about as many kilometres north–south as east–west, starting one row north of the
 * template, so a synthetic city never lies on top of the real demo in the same database.
 */
function lattice(t: SynthTemplate, copies: number) {
	const [w, s, e, n] = t.bbox;
	const step: [number, number] = [(e - w) * (1 + GAP), (n - s) * (1 + GAP)];
	const kmWide = step[0] * Math.cos((((s + n) / 2) * Math.PI) / 180);
	const columns = Math.max(1, Math.min(copies, Math.round(Math.sqrt((copies * step[1]) / kmWide))));
	const origin: [number, number] = [0, step[1]];
	return { columns, step, origin };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** Which of the copy's grids holds a building's interior point (the template's grid is tried first). */
function gridLocator(grids: SynthGrid[]) {
	const boxes = grids.map((g) => bboxOf(g.geometry));
	const holds = (i: number, p: Position) => {
		const b = boxes[i];
		return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3] && booleanPointInPolygon(p, grids[i].geometry);
	};
	return (geometry: Area, expected: number): number => {
		const p = interiorPoint(geometry)!;
		if (holds(expected, p)) return expected;
		for (let i = 0; i < grids.length; i++) if (i !== expected && holds(i, p)) return i;
		return expected; // outside every grid of a partial copy: keep the template's grid
	};
}

/** The copies, one at a time. */
export function* synthCopies(t: SynthTemplate, opts: SynthOptions): Generator<SynthCopy> {
	const plan = planSynth(t, opts);
	const counts = copyCounts(t, opts, plan.copies);
	const { columns, step, origin } = lattice(t, plan.copies);
	const [w, s, e, n] = t.bbox;
	const centre = [(w + e) / 2, (s + n) / 2];
	for (let i = 0; i < plan.copies; i++) {
		const copy = i + 1;
		const rng = copyRandom(plan.seed, copy);
		const scale = between(rng, MIN_SCALE, 1);
		const dx = origin[0] + (i % columns) * step[0] + between(rng, -JITTER, JITTER) * (e - w);
		const dy = origin[1] + Math.floor(i / columns) * step[1] + between(rng, -JITTER, JITTER) * (n - s);
		const move = (p: Position): Position => [round7(centre[0] + (p[0] - centre[0]) * scale + dx), round7(centre[1] + (p[1] - centre[1]) * scale + dy)];
		const moveArea = (g: Area): Area =>
			g.type === 'Polygon'
				? { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(move)) }
				: { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((r) => r.map(move))) };
		// footprints shrink with the scale and change a little with latitude (metres per degree of longitude)
		const areaFactor = (scale * scale * Math.cos(((centre[1] + dy) * Math.PI) / 180)) / Math.cos((centre[1] * Math.PI) / 180);

		const { grids: gridCount, buildings: buildingCount } = counts[i];
		const gridIdx = t.grids.slice(0, gridCount);
		const usedCommunities = [...new Set(gridIdx.map((g) => g.community))].sort((a, b) => a - b);
		const usedSubdistricts = [...new Set(usedCommunities.map((c) => t.communities[c].subdistrict))].sort((a, b) => a - b);

		const subCodes = new Map<number, string>();
		const subdistricts: SynthSubdistrict[] = usedSubdistricts.map((si) => {
			const sub = t.subdistricts[si];
			const code = subdistrictCode(copy, si + 1);
			subCodes.set(si, code);
			return { code, name: `${sub.name}（合成${copy}）`, districtName: sub.districtName, geometry: moveArea(sub.geometry) };
		});
		const commCodes = new Map<number, string>();
		for (const ci of usedCommunities) {
			const c = t.communities[ci];
			commCodes.set(ci, communityCode(subCodes.get(c.subdistrict)!, c.ordinal));
		}
		const grids: SynthGrid[] = gridIdx.map((g) => {
			const community = commCodes.get(g.community)!;
			return { code: gridCode(community, g.seq), name: g.name, kind: g.kind, communityCode: community, seq: g.seq, geometry: moveArea(g.geometry) };
		});
		const households = new Map<number, number>();
		const buildings: SynthBuilding[] = [];
		const locate = gridLocator(grids);
		for (let b = 0; b < buildingCount; b++) {
			const tb = t.buildings[b];
			const geometry = moveArea(tb.geometry);
			// Placed again after the move: rounding can tip the interior point of a building whose two
			// halves are nearly as wide into the other half, and so into the neighbouring grid.
			const gi = locate(geometry, tb.grid);
			const grid = grids[gi];
			const community = t.grids[gi].community;
			households.set(community, (households.get(community) ?? 0) + tb.households);
			buildings.push({
				sourceId: `synth:${grid.code.slice(0, 6)}:${tb.sourceId}`,
				name: tb.name,
				levels: tb.levels,
				levelsSource: tb.levelsSource,
				heightM: tb.heightM,
				footprintM2: Math.round(tb.footprintM2 * areaFactor * 10) / 10,
				households: tb.households,
				communityCode: grid.communityCode,
				gridCode: grid.code,
				geometry
			});
		}
		const communities: SynthCommunity[] = usedCommunities.map((ci) => {
			const c = t.communities[ci];
			return {
				code: commCodes.get(ci)!,
				name: `${c.name}（合成${copy}）`,
				subdistrictCode: subCodes.get(c.subdistrict)!,
				households: households.has(ci) ? households.get(ci)! : null,
				geometry: moveArea(c.geometry)
			};
		});
		yield { copy, subdistricts, communities, grids, buildings };
	}
}

// The planner's working copy of a community's grid plan, in the browser: grids, painted buildings,
// undo/redo, and the live validation (geo/partition validatePartition — the same code the server
// runs on save). Every edit goes through commit(), so undo/redo and "unsaved changes" see it.
import { featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import type { LineString, MultiPolygon, Polygon } from 'geojson';
import {
	assignBuildings,
	balanceStats,
	fixGap,
	fixSliverOverlap,
	householdsPerGrid,
	roundGeometry,
	snapNearMiss,
	splitByPolyline,
	SplitLineError,
	type SplitLineReason,
	validatePartition,
	type Band,
	type GridFeature,
	type PlanBuilding,
	type Violation
} from '$geo/partition';
import { gridName } from '$geo/partition/names';
import { GridAtlasError } from '$geo/errors';
import type { PlanBuildingInfo, PlanCommunity, PlanGrid } from './types';

export type Areal = Polygon | MultiPolygon;
export type Bilingual = { zh: string; en: string };

interface Snapshot {
	grids: PlanGrid[];
	paints: Record<string, string>;
	label: string;
}

/** Why an edit could not be made (shown to the planner in both languages). */
export class EditError extends GridAtlasError {
	constructor(readonly text: Bilingual) {
		super(`${text.zh} / ${text.en}`, { code: 'edit_refused', zh: text.zh, en: text.en });
	}
}

const SPLIT_PROBLEM: Record<SplitLineReason, Bilingual> = {
	too_short: { zh: '分割线至少需要两个点：依次单击，按 Enter 结束', en: 'the line needs at least two points: click them, then press Enter' },
	ends_inside: {
		zh: '分割线没有横穿该网格：请从网格外一侧画到另一侧',
		en: 'the line does not cross the grid: draw it from outside one side to outside the other'
	},
	self_intersecting: { zh: '分割线不能自相交', en: 'the line must not cross itself' },
	no_cut: { zh: '分割线没有把网格分成两块', en: 'the line does not cut the grid in two' }
};

const MAX_HISTORY = 200;
/** Vertices closer than this (m) to a neighbour's edge or the community boundary are snapped onto it. */
export const SNAP_AFTER_EDIT_M = 1.5;

export class PlanEditor {
	grids = $state.raw<PlanGrid[]>([]);
	paints = $state.raw<Record<string, string>>({});
	band = $state.raw<Band>({ min: 300, max: 500 });
	/** Bumped on every change of the layout (Terra Draw reloads its features from it). */
	version = $state(0);
	past = $state.raw<Snapshot[]>([]);
	future = $state.raw<Snapshot[]>([]);
	private saved: string;
	private maxSeq: number;

	constructor(
		readonly community: PlanCommunity,
		readonly buildings: PlanBuildingInfo[],
		grids: PlanGrid[],
		maxSeq: number
	) {
		this.grids = grids;
		this.band = community.band;
		this.paints = Object.fromEntries(buildings.filter((b) => b.painted).map((b) => [b.id, b.painted!]));
		this.maxSeq = Math.max(maxSeq, ...grids.map((g) => Number(g.code.slice(-3))), 0);
		this.saved = this.fingerprint();
	}

	readonly planBuildings: PlanBuilding[] = $derived.by(() =>
		this.buildings.map((b) => ({ id: b.id, lon: b.lon, lat: b.lat, households: b.households, grid: this.paints[b.id] ?? null }))
	);
	readonly features: GridFeature[] = $derived.by(() =>
		this.grids.map((g) => ({ type: 'Feature', properties: { code: g.code, kind: g.kind, name: g.name }, geometry: g.geometry }))
	);
	readonly violations: Violation[] = $derived.by(() => validatePartition(this.community.geometry, this.features, this.planBuildings, this.band));
	readonly households: Map<string, number> = $derived.by(() => householdsPerGrid(this.features, this.planBuildings).byGrid);
	readonly stats = $derived.by(() =>
		balanceStats(
			this.grids.filter((g) => g.kind !== 'dedicated').map((g) => this.households.get(g.code) ?? 0),
			this.band
		)
	);
	readonly hardCount = $derived(this.violations.filter((v) => v.severity === 'hard').length);
	/** The grid each building belongs to now (painted, else the grid holding it). */
	readonly buildingGrid: Map<string, string | null> = $derived.by(() => {
		const a = assignBuildings(this.features, this.planBuildings);
		return new Map(this.planBuildings.map((b, i) => [String(b.id), a[i] >= 0 ? this.grids[a[i]].code : null]));
	});

	get dirty(): boolean {
		void this.version;
		return this.fingerprint() !== this.saved;
	}
	markSaved(): void {
		this.saved = this.fingerprint();
		this.version++;
	}
	private fingerprint(): string {
		return JSON.stringify([this.grids, this.paints]);
	}

	/** Make a change undoable. */
	commit(grids: PlanGrid[], paints: Record<string, string>, label: string): void {
		this.past = [...this.past.slice(-MAX_HISTORY + 1), { grids: this.grids, paints: this.paints, label }];
		this.future = [];
		this.set(grids, paints);
	}
	private set(grids: PlanGrid[], paints: Record<string, string>): void {
		const codes = new Set(grids.map((g) => g.code));
		// A paint to a grid that is gone is dropped.
		this.paints = Object.fromEntries(Object.entries(paints).filter(([, g]) => codes.has(g)));
		this.grids = grids;
		this.version++;
	}
	undo(): void {
		const last = this.past.at(-1);
		if (!last) return;
		this.future = [...this.future, { grids: this.grids, paints: this.paints, label: last.label }];
		this.past = this.past.slice(0, -1);
		this.set(last.grids, last.paints);
	}
	redo(): void {
		const next = this.future.at(-1);
		if (!next) return;
		this.past = [...this.past, { grids: this.grids, paints: this.paints, label: next.label }];
		this.future = this.future.slice(0, -1);
		this.set(next.grids, next.paints);
	}

	nextCode(): string {
		if (this.maxSeq >= 999) throw new EditError({ zh: '本社区的 3 位网格序号已用完（999）', en: 'this community has used all 3-digit grid numbers (999)' });
		return this.community.code + String(++this.maxSeq).padStart(3, '0');
	}
	defaultName(code: string): string {
		return gridName(this.community.name, code);
	}
	grid(code: string): PlanGrid | undefined {
		return this.grids.find((g) => g.code === code);
	}

	/** A new grid drawn by the planner, snapped onto the community boundary and its neighbours. */
	addGrid(polygon: Polygon): string {
		const code = this.nextCode();
		const geometry = this.snapped(tidy(polygon), null);
		this.commit([...this.grids, { code, name: this.defaultName(code), kind: 'basic', geometry }], this.paints, 'draw');
		return code;
	}

	/**
	 * A grid reshaped (vertices dragged, inserted or deleted). Vertices that were shared with another
	 * grid move in that grid too, so shared borders stay shared; then near misses are snapped.
	 */
	reshape(code: string, geometry: Areal): void {
		const old = this.grid(code);
		if (!old) return;
		const moved = movedVertices(old.geometry, geometry);
		const next = this.grids.map((g) => {
			if (g.code === code) return { ...g, geometry: this.snapped(tidy(geometry), code) };
			return moved.size ? { ...g, geometry: moveVertices(g.geometry, moved) } : g;
		});
		this.commit(next, this.paints, 'reshape');
	}

	deleteGrid(code: string): void {
		if (!this.grid(code)) return;
		this.commit(
			this.grids.filter((g) => g.code !== code),
			this.paints,
			'delete'
		);
	}

	setKind(code: string, kind: 'basic' | 'dedicated'): void {
		this.commit(
			this.grids.map((g) => (g.code === code ? { ...g, kind } : g)),
			this.paints,
			'kind'
		);
	}
	rename(code: string, name: string): void {
		this.commit(
			this.grids.map((g) => (g.code === code ? { ...g, name } : g)),
			this.paints,
			'rename'
		);
	}

	/**
	 * Split a grid along a drawn line, exactly through its vertices (geo/partition splitByPolyline: any
	 * direction, bent or doubling back; ends may stop up to 3 m inside the grid); the piece with more
	 * households keeps the code.
	 */
	split(code: string, line: LineString): [string, string] {
		const g = this.grid(code);
		if (!g) throw new EditError({ zh: `没有网格 ${code}`, en: `no grid ${code}` });
		let parts: [Areal, Areal];
		try {
			parts = splitByPolyline(g.geometry, line);
		} catch (err) {
			if (!(err instanceof SplitLineError)) throw err;
			throw new EditError(SPLIT_PROBLEM[err.reason]);
		}
		const pieces = [tidy(parts[0]), tidy(parts[1])];
		const hh = pieces.map(
			(p) =>
				householdsPerGrid(
					[{ type: 'Feature', properties: { code: 'x' }, geometry: p }],
					this.planBuildings.filter((b) => !b.grid)
				).byGrid.get('x') ?? 0
		);
		const keep = hh[0] >= hh[1] ? 0 : 1;
		const other = this.nextCode();
		const next = this.grids.flatMap((x) =>
			x.code === code
				? [
						{ ...x, geometry: pieces[keep] },
						{ code: other, name: this.defaultName(other), kind: x.kind, geometry: pieces[1 - keep] }
					]
				: [x]
		);
		this.commit(next, this.paints, 'split');
		return [code, other];
	}

	/** Merge two grids; the one with more households keeps its code. */
	merge(a: string, b: string): string {
		const ga = this.grid(a),
			gb = this.grid(b);
		if (!ga || !gb || a === b) throw new EditError({ zh: '请选择两个不同的网格合并', en: 'pick two different grids to merge' });
		const merged = union(
			featureCollection([
				{ type: 'Feature', properties: {}, geometry: ga.geometry },
				{ type: 'Feature', properties: {}, geometry: gb.geometry }
			])
		);
		if (!merged) throw new EditError({ zh: '无法合并这两个网格', en: 'these two grids cannot be merged' });
		const keep = (this.households.get(a) ?? 0) >= (this.households.get(b) ?? 0) ? ga : gb;
		const drop = keep === ga ? gb : ga;
		const paints = Object.fromEntries(Object.entries(this.paints).map(([k, v]) => [k, v === drop.code ? keep.code : v]));
		this.commit(
			this.grids.filter((g) => g !== drop).map((g) => (g === keep ? { ...g, geometry: tidy(merged.geometry as Areal) } : g)),
			paints,
			'merge'
		);
		return keep.code;
	}

	/** Paint buildings to a grid (null: back to the grid holding them). A building is never split. */
	paint(ids: string[], code: string | null): number {
		if (code !== null && !this.grid(code)) throw new EditError({ zh: `没有网格 ${code}`, en: `no grid ${code}` });
		const paints = { ...this.paints };
		let n = 0;
		for (const id of ids) {
			if (code === null ? id in paints : paints[id] !== code) n++;
			if (code === null) delete paints[id];
			else paints[id] = code;
		}
		if (n) this.commit(this.grids, paints, 'paint');
		return n;
	}

	/**
	 * Someone saved first: put this editor's changes (since `base`) on top of the `latest` layout,
	 * grid by grid — grids changed or added here win, grids deleted here go, the rest are the latest.
	 * The result stays unsaved (and undoable) so the planner checks it, with the validation, then saves.
	 */
	rebase(base: PlanGrid[], latest: PlanGrid[], latestPaints: Record<string, string>): void {
		const same = (a: PlanGrid, b: PlanGrid | undefined) => !!b && JSON.stringify(a) === JSON.stringify(b);
		const baseBy = new Map(base.map((g) => [g.code, g]));
		const mineBy = new Map(this.grids.map((g) => [g.code, g]));
		const merged: PlanGrid[] = [];
		for (const g of latest) {
			const mine = mineBy.get(g.code);
			if (!mine) {
				if (!baseBy.has(g.code)) merged.push(g); // new in the latest: keep
				continue; // deleted here
			}
			if (!baseBy.has(g.code) && !same(mine, g)) {
				// Both added a grid under the same new number: keep theirs, renumber mine below.
				merged.push(g);
				continue;
			}
			merged.push(same(mine, baseBy.get(g.code)) ? g : mine);
		}
		for (const g of [...latest, ...this.grids]) this.maxSeq = Math.max(this.maxSeq, Number(g.code.slice(-3)));
		const latestCodes = new Set(latest.map((x) => x.code));
		for (const g of this.grids) {
			if (baseBy.has(g.code)) continue;
			if (!latestCodes.has(g.code)) merged.push(g);
			else if (
				!same(
					g,
					latest.find((x) => x.code === g.code)
				)
			) {
				const code = this.nextCode();
				merged.push({ ...g, code, name: g.name === this.defaultName(g.code) ? this.defaultName(code) : g.name });
			}
		}
		const paints = { ...latestPaints, ...this.paints };
		this.grids = latest;
		this.paints = latestPaints;
		this.saved = this.fingerprint();
		this.commit(merged, paints, 'rebase');
	}

	/** Replace the whole layout (an accepted proposal). */
	replaceAll(grids: PlanGrid[], label = 'proposal'): void {
		for (const g of grids) this.maxSeq = Math.max(this.maxSeq, Number(g.code.slice(-3)));
		this.commit(
			grids.map((g) => ({ ...g, geometry: tidy(g.geometry) })),
			{},
			label
		);
	}

	/** The one-click fix a violation offers (geo/partition fixGap / fixSliverOverlap / snapNearMiss). */
	applyFix(v: Violation): void {
		const fix = v.fix;
		if (!fix) return;
		const asPlan = (features: GridFeature[]) => features.map((f) => ({ ...this.grid(String(f.properties.code))!, geometry: tidy(f.geometry) }));
		if (fix.action === 'assign_gap') {
			const r = fixGap(v, this.features, this.planBuildings, this.band);
			if (!r.to) throw new EditError({ zh: '空隙没有相邻网格可以接收', en: 'no neighbouring grid can take the gap' });
			this.commit(asPlan(r.grids), this.paints, 'fix');
		} else if (fix.action === 'assign_overlap') {
			this.commit(asPlan(fixSliverOverlap(v, this.features, this.planBuildings, this.band).grids), this.paints, 'fix');
		} else if (fix.action === 'snap') {
			const g = this.grid(fix.grid)!;
			const others = [...this.grids.filter((x) => x.code !== fix.grid).map((x) => x.geometry), this.community.geometry];
			const r = snapNearMiss(g.geometry, others, Math.max(fix.toleranceM, SNAP_AFTER_EDIT_M));
			this.commit(
				this.grids.map((x) => (x.code === fix.grid ? { ...x, geometry: tidy(r.geometry) } : x)),
				this.paints,
				'fix'
			);
		} else if (fix.action === 'clip_to_community') {
			const g = this.grid(fix.grid)!;
			const inside = intersect(
				featureCollection([
					{ type: 'Feature', properties: {}, geometry: g.geometry },
					{ type: 'Feature', properties: {}, geometry: this.community.geometry }
				])
			);
			if (!inside) throw new EditError({ zh: `网格 ${fix.grid} 完全在社区外`, en: `grid ${fix.grid} lies wholly outside the community` });
			this.commit(
				this.grids.map((x) => (x.code === fix.grid ? { ...x, geometry: tidy(inside.geometry as Areal) } : x)),
				this.paints,
				'fix'
			);
		}
	}

	/** Snap a grid's near-miss vertices onto its neighbours and the community boundary. */
	private snapped(g: Areal, code: string | null): Areal {
		const others = [...this.grids.filter((x) => x.code !== code).map((x) => x.geometry), this.community.geometry];
		try {
			return tidy(snapNearMiss(g, others, SNAP_AFTER_EDIT_M).geometry);
		} catch {
			return g;
		}
	}
}

/** Coordinates rounded to 7 decimals (≈ 1 cm, as stored), repeated points and spikes dropped. */
export function tidy(g: Areal): Areal {
	try {
		return roundGeometry(g, 7);
	} catch {
		return g;
	}
}

const key = (p: number[]) => `${p[0].toFixed(7)},${p[1].toFixed(7)}`;

/** Vertices of `before` that are not in `after`, matched to the vertex that replaced them (same ring index). */
function movedVertices(before: Areal, after: Areal): Map<string, number[]> {
	const out = new Map<string, number[]>();
	const a = before.type === 'Polygon' ? [before.coordinates] : before.coordinates;
	const b = after.type === 'Polygon' ? [after.coordinates] : after.coordinates;
	if (a.length !== b.length) return out;
	a.forEach((poly, pi) =>
		poly.forEach((ring, ri) => {
			const other = b[pi]?.[ri];
			if (!other || other.length !== ring.length) return; // an inserted or deleted vertex: no drag to follow
			ring.forEach((p, i) => {
				const q = other[i];
				if (q && key(p) !== key(q)) out.set(key(p), q);
			});
		})
	);
	return out;
}

function moveVertices(g: Areal, moved: Map<string, number[]>): Areal {
	const mv = (ring: number[][]) => ring.map((p) => moved.get(key(p)) ?? p);
	return g.type === 'Polygon'
		? { type: 'Polygon', coordinates: g.coordinates.map(mv) }
		: { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(mv)) };
}

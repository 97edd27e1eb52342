// What-if for coverage: add, remove or move facilities and get the updated results at once. Only the
// buildings within reach of the changed facility are measured again (a kdbush over the buildings),
// and only the (rule, unit) pairs where some building changed coverage are summed again — in the same
// order as evaluateRules, so results() always equals a from-scratch evaluateRules.
//
// Walk rules: the network cannot be updated here. A walk rule whose distances are given in
// options.walkDistances keeps them, unchanged by edits; a walk rule without them is measured in
// straight line (a screening stand-in: straight-line ≤ walking distance, so it is optimistic).
import KDBush from 'kdbush';
import type { Geometry, Position } from 'geojson';
import type { BuildingSet, CoverageFacility, CoverageRuleSpec, UnitRuleResult } from './types';
import { distanceKey } from './types';
import { FacilityIndex } from './facility-index';
import { distanceToParts, type Parts } from './facility-parts';
import { nearestFacilityDistances } from './nearest';
import { evaluateRules, unitResult } from './evaluate';
import { distFrom, expandBox, rulerInto, type Band } from '../measure/ruler';

export interface WhatIfOptions {
	/** network distances of walk rules, keyed `walk:${category}`; those rules stay as given */
	walkDistances?: Map<string, Float64Array>;
}

export interface WhatIfChange {
	/** units whose result changed for at least one rule, ascending */
	changedUnits: number[];
	/** buildings whose distance to the category changed */
	changedBuildings: number;
}

interface CategoryState {
	index: FacilityIndex;
	/** the farthest distance any live rule of the category needs */
	maxM: number;
	dist: Float64Array;
	near: Int32Array;
	/** rule numbers measured with these distances */
	rules: number[];
}

const NO_CHANGE = (): WhatIfChange => ({ changedUnits: [], changedBuildings: 0 });

/** The geometry moved so that its representative point (a Point itself, else its box centre) is at lon/lat. */
export function moveGeometry(g: Geometry, lon: number, lat: number): Geometry {
	if (g.type === 'Point') return { type: 'Point', coordinates: [lon, lat] };
	let w = Infinity,
		s = Infinity,
		e = -Infinity,
		n = -Infinity;
	const scan = (c: unknown): void => {
		if (Array.isArray(c) && typeof c[0] === 'number') {
			const p = c as Position;
			w = Math.min(w, p[0]);
			e = Math.max(e, p[0]);
			s = Math.min(s, p[1]);
			n = Math.max(n, p[1]);
		} else if (Array.isArray(c)) c.forEach(scan);
	};
	const coordsOf = (x: Geometry): unknown => (x.type === 'GeometryCollection' ? x.geometries.map(coordsOf) : x.coordinates);
	scan(coordsOf(g));
	if (!(w <= e)) return g;
	const dx = lon - (w + e) / 2,
		dy = lat - (s + n) / 2;
	const shift = (c: unknown): unknown =>
		Array.isArray(c) && typeof c[0] === 'number' ? [c[0] + dx, (c[1] as number) + dy, ...c.slice(2)] : (c as unknown[]).map(shift);
	const moved = (x: Geometry): Geometry =>
		x.type === 'GeometryCollection'
			? { type: 'GeometryCollection', geometries: x.geometries.map(moved) }
			: ({ type: x.type, coordinates: shift(x.coordinates) } as Geometry);
	return moved(g);
}

export class CoverageWhatIf {
	private readonly buildings: BuildingSet;
	private readonly unitOf: Int32Array;
	private readonly unitCount: number;
	private readonly rules: CoverageRuleSpec[];
	private readonly cats = new Map<string, CategoryState>();
	private readonly fixed = new Map<string, Float64Array>();
	private readonly others = new Map<string, CoverageFacility>();
	private readonly byId = new Map<string, { category: string; fi: number }>();
	private bkd: KDBush | null = null;
	private unitStart!: Int32Array;
	private unitMembers!: Int32Array;
	private cache: UnitRuleResult[];
	// scratch of one edit
	private stamp: Int32Array;
	private op = 0;
	private changed: number[] = [];
	private oldD: number[] = [];
	private box = new Float64Array(4);
	private ruler = new Float64Array(4);
	private band: Band = { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 };

	constructor(
		buildings: BuildingSet,
		unitOf: Int32Array,
		unitCount: number,
		rules: CoverageRuleSpec[],
		facilities: CoverageFacility[],
		options: WhatIfOptions = {}
	) {
		this.buildings = buildings;
		this.unitOf = unitOf;
		this.unitCount = unitCount;
		this.rules = rules.slice();
		const n = buildings.lon.length;
		this.stamp = new Int32Array(n);
		const byCategory = new Map<string, CoverageFacility[]>();
		for (const f of facilities) {
			if (!byCategory.has(f.category)) byCategory.set(f.category, []);
			byCategory.get(f.category)!.push(f);
		}
		const live = new Map<string, { maxM: number; rules: number[] }>();
		this.rules.forEach((rule, r) => {
			const key = distanceKey(rule.metric, rule.category);
			const given = rule.metric === 'walk' ? options.walkDistances?.get(key) : undefined;
			if (given) {
				if (given.length !== n) throw new Error(`CoverageWhatIf: ${key} has ${given.length} distances, buildings ${n}`);
				this.fixed.set(key, given);
				return;
			}
			const l = live.get(rule.category) ?? { maxM: 0, rules: [] };
			l.maxM = Math.max(l.maxM, rule.maxDistanceM);
			l.rules.push(r);
			live.set(rule.category, l);
		});
		for (const [category, l] of live) {
			const index = FacilityIndex.build(byCategory.get(category) ?? []);
			const { distanceM, nearest } = nearestFacilityDistances(buildings, index, l.maxM);
			this.cats.set(category, { index, maxM: l.maxM, dist: distanceM, near: nearest, rules: l.rules });
			index.facilities.forEach((f, fi) => this.byId.set(f.id, { category, fi }));
		}
		for (const f of facilities) if (!live.has(f.category)) this.others.set(f.id, f);
		// buildings per unit, in index order
		const start = new Int32Array(unitCount + 1);
		for (let i = 0; i < n; i++) {
			const u = unitOf[i];
			if (u >= 0 && u < unitCount) start[u + 1]++;
		}
		for (let u = 0; u < unitCount; u++) start[u + 1] += start[u];
		const fill = start.slice(0, unitCount);
		const members = new Int32Array(start[unitCount]);
		for (let i = 0; i < n; i++) {
			const u = unitOf[i];
			if (u >= 0 && u < unitCount) members[fill[u]++] = i;
		}
		this.unitStart = start;
		this.unitMembers = members;
		this.cache = evaluateRules(buildings, unitOf, unitCount, this.rules, this.distanceMap());
	}

	private distanceMap(): Map<string, Float64Array> {
		const m = new Map<string, Float64Array>();
		for (const rule of this.rules) {
			const key = distanceKey(rule.metric, rule.category);
			m.set(key, this.fixed.get(key) ?? this.cats.get(rule.category)!.dist);
		}
		return m;
	}

	/** Current results, same shape and order as evaluateRules (results[r * unitCount + u]). */
	results(): UnitRuleResult[] {
		return this.cache.slice();
	}

	/**
	 * Current distances for `${metric}:${category}` — a live view: do not modify. A walk key without
	 * given network distances is the straight-line array.
	 */
	distances(metricCategoryKey: string): Float64Array {
		const fixed = this.fixed.get(metricCategoryKey);
		if (fixed) return fixed;
		const sep = metricCategoryKey.indexOf(':');
		const st = this.cats.get(metricCategoryKey.slice(sep + 1));
		if (!st || sep < 0) throw new Error(`CoverageWhatIf: no distances for ${metricCategoryKey}`);
		return st.dist;
	}

	/** Per building, the number of its nearest facility of the category (see facilities()), or -1 — live view. */
	nearest(category: string): Int32Array {
		const st = this.cats.get(category);
		if (!st) throw new Error(`CoverageWhatIf: no rule measures ${category}`);
		return st.near;
	}

	/** The facilities of a measured category by number (removed ones stay in place: see isRemoved). */
	facilities(category: string): { facilities: readonly CoverageFacility[]; isRemoved: (fi: number) => boolean } {
		const st = this.cats.get(category);
		if (!st) return { facilities: [], isRemoved: () => true };
		return { facilities: st.index.facilities, isRemoved: (fi) => st.index.isRemoved(fi) };
	}

	add(f: CoverageFacility): WhatIfChange {
		if (this.byId.has(f.id) || this.others.has(f.id)) throw new Error(`CoverageWhatIf: facility ${f.id} already exists`);
		const st = this.cats.get(f.category);
		if (!st) {
			this.others.set(f.id, f);
			return NO_CHANGE();
		}
		const fi = st.index.add(f);
		this.byId.set(f.id, { category: f.category, fi });
		this.begin();
		this.offer(st, fi, st.index.partsOf(fi));
		return this.finish(st);
	}

	remove(facilityId: string): WhatIfChange {
		if (this.others.delete(facilityId)) return NO_CHANGE();
		const ref = this.byId.get(facilityId);
		if (!ref) throw new Error(`CoverageWhatIf: no facility ${facilityId}`);
		const st = this.cats.get(ref.category)!;
		const old = st.index.partsOf(ref.fi);
		st.index.remove(ref.fi);
		this.byId.delete(facilityId);
		this.begin();
		this.reassign(st, ref.fi, old);
		return this.finish(st);
	}

	move(facilityId: string, lon: number, lat: number): WhatIfChange {
		const other = this.others.get(facilityId);
		if (other) {
			this.others.set(facilityId, { ...other, geometry: moveGeometry(other.geometry, lon, lat) });
			return NO_CHANGE();
		}
		const ref = this.byId.get(facilityId);
		if (!ref) throw new Error(`CoverageWhatIf: no facility ${facilityId}`);
		const st = this.cats.get(ref.category)!;
		const f = st.index.facilities[ref.fi];
		const old = st.index.partsOf(ref.fi);
		st.index.replace(ref.fi, { ...f, geometry: moveGeometry(f.geometry, lon, lat) });
		this.begin();
		this.reassign(st, ref.fi, old); // buildings it served look again (the new place included)
		this.offer(st, ref.fi, st.index.partsOf(ref.fi)); // buildings near the new place
		return this.finish(st);
	}

	// ---- internals

	private buildingIndex(): KDBush {
		if (this.bkd) return this.bkd;
		const { lon, lat } = this.buildings;
		const kd = new KDBush(lon.length || 1, 64);
		for (let i = 0; i < lon.length; i++) kd.add(Number.isFinite(lon[i]) ? lon[i] : 1e9, Number.isFinite(lat[i]) ? lat[i] : 1e9);
		if (lon.length === 0) kd.add(1e9, 1e9);
		return (this.bkd = kd.finish());
	}

	/** Buildings that may lie within maxM of the parts. */
	private near(parts: Parts, maxM: number): number[] {
		const b = parts.box;
		if (!(b[0] <= b[2])) return [];
		const box = expandBox(b[0], b[1], b[2], b[3], maxM, this.box, this.band);
		return this.buildingIndex().range(box[0], box[1], box[2], box[3]);
	}

	private begin() {
		this.op++;
		this.changed.length = 0;
		this.oldD.length = 0;
	}

	private set(st: CategoryState, i: number, d: number, fi: number) {
		if (this.stamp[i] !== this.op) {
			this.stamp[i] = this.op;
			this.changed.push(i);
			this.oldD.push(st.dist[i]);
		}
		st.dist[i] = d;
		st.near[i] = fi;
	}

	/** Buildings for which facility fi (its current parts) is nearer than their nearest. */
	private offer(st: CategoryState, fi: number, parts: Parts) {
		const { lon, lat } = this.buildings;
		const onePoint = parts.points.length === 2 && parts.segs.length === 0 && parts.polys.length === 0;
		const r = this.ruler,
			px = parts.points[0],
			py = parts.points[1];
		for (const i of this.near(parts, st.maxM)) {
			let d: number;
			if (onePoint) {
				rulerInto(lat[i], r, 0);
				d = distFrom(lon[i], lat[i], r[0], r[1], r[2], r[3], px, py);
			} else d = distanceToParts(lon[i], lat[i], parts);
			if (d <= st.maxM && d < st.dist[i]) this.set(st, i, d, fi);
		}
	}

	/** Buildings served by facility fi (at its old parts) find their nearest again. */
	private reassign(st: CategoryState, fi: number, old: Parts) {
		const { lon, lat } = this.buildings;
		for (const i of this.near(old, st.maxM)) {
			if (st.near[i] !== fi) continue;
			const r = st.index.nearest(lon[i], lat[i], st.maxM);
			this.set(st, i, r.distanceM, r.index);
		}
	}

	/** Flips → (rule, unit) pairs summed again → the change. */
	private finish(st: CategoryState): WhatIfChange {
		const { changed, oldD } = this;
		let changedBuildings = 0;
		const dirty = new Set<number>(); // r * unitCount + u
		for (let k = 0; k < changed.length; k++) {
			const i = changed[k];
			const d0 = oldD[k],
				d1 = st.dist[i];
			if (d0 === d1) continue;
			changedBuildings++;
			const u = this.unitOf[i];
			if (u < 0 || u >= this.unitCount) continue;
			for (const r of st.rules) {
				const R = this.rules[r].maxDistanceM;
				if (d0 <= R !== d1 <= R) dirty.add(r * this.unitCount + u);
			}
		}
		const units = new Set<number>();
		for (const key of dirty) {
			const r = Math.floor(key / this.unitCount),
				u = key - r * this.unitCount;
			this.cache[key] = this.sumUnit(r, u, st.dist);
			units.add(u);
		}
		return { changedUnits: [...units].sort((a, b) => a - b), changedBuildings };
	}

	/** One (rule, unit) from scratch, in evaluateRules' order. */
	private sumUnit(r: number, u: number, d: Float64Array): UnitRuleResult {
		const rule = this.rules[r];
		const R = rule.maxDistanceM;
		const hh = this.buildings.households;
		let unknown = 0,
			total = 0,
			covered = 0;
		const uncovered: number[] = [];
		const s = this.unitStart[u],
			e = this.unitStart[u + 1];
		for (let k = s; k < e; k++) {
			const i = this.unitMembers[k];
			const h = hh[i];
			if (h !== h) unknown++;
			else total += h;
			if (d[i] <= R) {
				if (h === h) covered += h;
			} else uncovered.push(i);
		}
		return unitResult(rule, u, e - s, unknown, total, covered, uncovered);
	}
}

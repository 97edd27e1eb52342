// Spatial index of one category's facilities. A facility is cut into elements: points (kdbush),
// line segments and the edges of large polygons (flatbush), and polygons (flatbush over their boxes):
// a small polygon (≤ 24 edges, most facility footprints) is one element measured edge by edge together
// with its inside test; a large one is its edges plus the inside test. A building inside a polygon is
// at distance 0; otherwise a polygon is measured to its boundary (never its centroid). Facility
// numbers are stable: remove/replace/add (used by the what-if) keep the static trees and hold the
// changes in a small overlay until it is worth rebuilding.
import KDBush from 'kdbush';
import Flatbush from 'flatbush';
import type { CoverageFacility } from './types';
import { distFrom, expandBox, rulerAt, segDistFrom, type Band } from '../measure/ruler';
import { decompose, distanceToParts, insidePoly, type Parts, polyDistFrom, type PolyRec } from './facility-parts';
import { Candidates, flatbushSearch, KD_STACK, pushPoly } from './facility-candidates';

export class FacilityIndex {
	readonly facilities: CoverageFacility[];
	/** typical distance between facilities (m), the first search radius */
	spacingM = 100;
	/** facilities with at least one element, at the last rebuild */
	elementCount = 0;
	/** [minLon, minLat, maxLon, maxLat] of every element, or Infinity… when empty */
	box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];

	private removed: Uint8Array;
	private staticOff: Uint8Array;
	private overlay = new Map<number, Parts>();
	private overlayElements = 0;

	private kd: KDBush | null = null;
	private pfac = new Int32Array(0);
	private fb: Flatbush | null = null;
	private sa = new Float64Array(0); // ax, ay, bx, by
	private sfac = new Int32Array(0);
	private pfb: Flatbush | null = null;
	private polys: PolyRec[] = [];
	private tmpBox = new Float64Array(4);
	private band: Band = { kxLo: 0, kxHi: 0, kyLo: 0, kyHi: 0 };
	private cands = new Candidates();

	private constructor(facilities: CoverageFacility[]) {
		this.facilities = facilities;
		this.removed = new Uint8Array(Math.max(16, facilities.length));
		this.staticOff = new Uint8Array(Math.max(16, facilities.length));
	}

	static build(facilities: CoverageFacility[]): FacilityIndex {
		const index = new FacilityIndex(facilities.slice());
		index.rebuild();
		return index;
	}

	/** Facilities currently indexed (not removed). */
	get size(): number {
		let n = 0;
		for (let i = 0; i < this.facilities.length; i++) if (!this.removed[i]) n++;
		return n;
	}

	isRemoved(fi: number): boolean {
		return this.removed[fi] === 1;
	}

	/** Index of the facility with this id (the latest one when ids repeat), or -1. */
	indexOf(id: string): number {
		for (let i = this.facilities.length - 1; i >= 0; i--) if (!this.removed[i] && this.facilities[i].id === id) return i;
		return -1;
	}

	/** Rebuilds the static trees from every facility not removed (numbers stay). */
	rebuild(): void {
		const points: number[] = [],
			pfac: number[] = [],
			segs: number[] = [],
			sfac: number[] = [];
		const polys: PolyRec[] = [];
		const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
		let elements = 0;
		const scratch: Parts = { points: [], segs: [], polys: [], box: [Infinity, Infinity, -Infinity, -Infinity] };
		const facilities = this.facilities;
		for (let fi = 0; fi < facilities.length; fi++) {
			if (this.removed[fi]) continue;
			const g = facilities[fi].geometry;
			if (g && g.type === 'Point') {
				// the common case, without the general cut
				const x = g.coordinates[0],
					y = g.coordinates[1];
				if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
				points.push(x, y);
				pfac.push(fi);
				if (x < box[0]) box[0] = x;
				if (y < box[1]) box[1] = y;
				if (x > box[2]) box[2] = x;
				if (y > box[3]) box[3] = y;
				elements++;
				continue;
			}
			scratch.points.length = 0;
			scratch.segs.length = 0;
			scratch.polys.length = 0;
			scratch.box = [Infinity, Infinity, -Infinity, -Infinity];
			const p = decompose(g, fi, scratch);
			for (let i = 0; i < p.points.length; i += 2) {
				points.push(p.points[i], p.points[i + 1]);
				pfac.push(fi);
			}
			for (let i = 0; i < p.segs.length; i += 4) {
				segs.push(p.segs[i], p.segs[i + 1], p.segs[i + 2], p.segs[i + 3]);
				sfac.push(fi);
			}
			for (const poly of p.polys) polys.push(poly);
			if (p.box[0] < box[0]) box[0] = p.box[0];
			if (p.box[1] < box[1]) box[1] = p.box[1];
			if (p.box[2] > box[2]) box[2] = p.box[2];
			if (p.box[3] > box[3]) box[3] = p.box[3];
			if (p.points.length || p.segs.length || p.polys.length) elements++;
		}
		this.pfac = Int32Array.from(pfac);
		this.kd = null;
		if (pfac.length) {
			this.kd = new KDBush(pfac.length, 16);
			for (let i = 0; i < pfac.length; i++) {
				this.kd.add(points[2 * i], points[2 * i + 1]);
			}
			this.kd.finish();
		}
		this.sa = Float64Array.from(segs);
		this.sfac = Int32Array.from(sfac);
		this.fb = null;
		if (sfac.length) {
			this.fb = new Flatbush(sfac.length, 8);
			for (let i = 0; i < segs.length; i += 4) {
				this.fb.add(Math.min(segs[i], segs[i + 2]), Math.min(segs[i + 1], segs[i + 3]), Math.max(segs[i], segs[i + 2]), Math.max(segs[i + 1], segs[i + 3]));
			}
			this.fb.finish();
		}
		this.polys = polys;
		this.pfb = null;
		if (polys.length) {
			this.pfb = new Flatbush(polys.length, 8);
			for (const p of polys) this.pfb.add(p.box[0], p.box[1], p.box[2], p.box[3]);
			this.pfb.finish();
		}
		this.staticOff.fill(0);
		this.overlay.clear();
		this.overlayElements = 0;
		this.box = box;
		this.elementCount = elements;
		if (elements > 0 && box[0] <= box[2]) {
			const r = rulerAt((box[1] + box[3]) / 2);
			const area = Math.max(1, (box[2] - box[0]) * r.kx) * Math.max(1, (box[3] - box[1]) * r.ky);
			this.spacingM = Math.max(10, Math.sqrt(area / elements));
		}
	}

	private ensureCapacity(n: number) {
		if (n <= this.removed.length) return;
		const cap = Math.max(n, this.removed.length * 2);
		const r = new Uint8Array(cap),
			s = new Uint8Array(cap);
		r.set(this.removed);
		s.set(this.staticOff);
		this.removed = r;
		this.staticOff = s;
	}

	private setOverlay(fi: number, parts: Parts | null) {
		const old = this.overlay.get(fi);
		if (old) this.overlayElements -= 1 + old.points.length / 2 + old.segs.length / 4;
		if (parts) {
			this.overlay.set(fi, parts);
			this.overlayElements += 1 + parts.points.length / 2 + parts.segs.length / 4;
			const b = this.box;
			b[0] = Math.min(b[0], parts.box[0]);
			b[1] = Math.min(b[1], parts.box[1]);
			b[2] = Math.max(b[2], parts.box[2]);
			b[3] = Math.max(b[3], parts.box[3]);
		} else this.overlay.delete(fi);
		if (this.overlayElements > 64 + (this.pfac.length + this.sfac.length) / 64) this.rebuild();
	}

	/** Adds a facility; returns its number. */
	add(f: CoverageFacility): number {
		const fi = this.facilities.length;
		this.facilities.push(f);
		this.ensureCapacity(fi + 1);
		this.staticOff[fi] = 1;
		this.setOverlay(fi, decompose(f.geometry, fi));
		return fi;
	}

	/** Removes facility fi (its number is not reused). */
	remove(fi: number): void {
		if (fi < 0 || fi >= this.facilities.length || this.removed[fi]) return;
		this.removed[fi] = 1;
		this.staticOff[fi] = 1;
		this.setOverlay(fi, null);
	}

	/** Replaces facility fi (same number), e.g. moved. */
	replace(fi: number, f: CoverageFacility): void {
		if (fi < 0 || fi >= this.facilities.length || this.removed[fi]) throw new Error(`no facility ${fi}`);
		this.facilities[fi] = f;
		this.staticOff[fi] = 1;
		this.setOverlay(fi, decompose(f.geometry, fi));
	}

	/** Current parts of facility fi (decomposed on demand). */
	partsOf(fi: number): Parts {
		return this.overlay.get(fi) ?? decompose(this.facilities[fi].geometry, fi);
	}

	/**
	 * Every element whose box meets [minX, minY, maxX, maxY] into `out` (appended): points (kind 0),
	 * segments (1) and small polygons (2); and every large polygon whose box meets
	 * `[pminX, pminY, pmaxX, pmaxY]` into out.polys (for the inside test).
	 */
	collect(minX: number, minY: number, maxX: number, maxY: number, out: Candidates, pminX = minX, pminY = minY, pmaxX = maxX, pmaxY = maxY): void {
		const off = this.staticOff;
		const kd = this.kd;
		if (kd) {
			const ids = kd.ids,
				coords = kd.coords,
				nodeSize = kd.nodeSize,
				pfac = this.pfac;
			const stack = KD_STACK;
			stack[0] = 0;
			stack[1] = ids.length - 1;
			stack[2] = 0;
			let sp = 3;
			while (sp > 0) {
				const axis = stack[--sp];
				const right = stack[--sp];
				const left = stack[--sp];
				if (right - left <= nodeSize) {
					for (let i = left; i <= right; i++) {
						const x = coords[2 * i],
							y = coords[2 * i + 1];
						if (x >= minX && x <= maxX && y >= minY && y <= maxY) {
							const fac = pfac[ids[i]];
							if (!off[fac]) out.push(0, x, y, x, y, fac);
						}
					}
					continue;
				}
				const m = (left + right) >> 1;
				const x = coords[2 * m],
					y = coords[2 * m + 1];
				if (x >= minX && x <= maxX && y >= minY && y <= maxY) {
					const fac = pfac[ids[m]];
					if (!off[fac]) out.push(0, x, y, x, y, fac);
				}
				if (axis === 0 ? minX <= x : minY <= y) {
					stack[sp++] = left;
					stack[sp++] = m - 1;
					stack[sp++] = 1 - axis;
				}
				if (axis === 0 ? maxX >= x : maxY >= y) {
					stack[sp++] = m + 1;
					stack[sp++] = right;
					stack[sp++] = 1 - axis;
				}
			}
		}
		if (this.fb) {
			const sa = this.sa,
				sfac = this.sfac;
			const hits = flatbushSearch(this.fb, minX, minY, maxX, maxY);
			for (let h = 0; h < hits.n; h++) {
				const s = hits.ids[h];
				const fac = sfac[s];
				if (!off[fac]) out.push(1, sa[4 * s], sa[4 * s + 1], sa[4 * s + 2], sa[4 * s + 3], fac);
			}
		}
		if (this.pfb) {
			const hits = flatbushSearch(this.pfb, minX, minY, maxX, maxY);
			for (let h = 0; h < hits.n; h++) pushPoly(this.polys[hits.ids[h]], off[this.polys[hits.ids[h]].fac] === 1, out, pminX, pminY, pmaxX, pmaxY);
		}
		if (this.overlay.size) {
			for (const [fac, parts] of this.overlay) {
				const b = parts.box;
				if (b[0] > maxX || b[2] < minX || b[1] > maxY || b[3] < minY) continue;
				const pt = parts.points,
					sg = parts.segs;
				for (let i = 0; i < pt.length; i += 2) {
					const x = pt[i],
						y = pt[i + 1];
					if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(0, x, y, x, y, fac);
				}
				for (let i = 0; i < sg.length; i += 4) {
					if (Math.min(sg[i], sg[i + 2]) > maxX || Math.max(sg[i], sg[i + 2]) < minX) continue;
					if (Math.min(sg[i + 1], sg[i + 3]) > maxY || Math.max(sg[i + 1], sg[i + 3]) < minY) continue;
					out.push(1, sg[i], sg[i + 1], sg[i + 2], sg[i + 3], fac);
				}
				for (const poly of parts.polys) {
					const q = poly.box;
					if (q[0] > maxX || q[2] < minX || q[1] > maxY || q[3] < minY) continue;
					pushPoly(poly, false, out, pminX, pminY, pmaxX, pmaxY);
				}
			}
		}
	}

	/** The distance from lon/lat to every element in the box that holds all elements within r (some farther ones too). */
	private scan(lon: number, lat: number, r: number, each: (fac: number, d: number) => void): void {
		const box = expandBox(lon, lat, lon, lat, r, this.tmpBox, this.band);
		const c = this.cands;
		c.clear();
		this.collect(box[0], box[1], box[2], box[3], c, lon, lat, lon, lat);
		for (const p of c.polys) if (insidePoly(p, lon, lat)) each(p.fac, 0);
		const { kx, hx, ky, hy } = rulerAt(lat);
		for (let i = 0; i < c.n; i++) {
			const kind = c.kind[i];
			const d =
				kind === 0
					? distFrom(lon, lat, kx, hx, ky, hy, c.ax[i], c.ay[i])
					: kind === 1
						? segDistFrom(lon, lat, kx, hx, ky, hy, c.ax[i], c.ay[i], c.bx[i], c.by[i])
						: polyDistFrom(c.refs[i]!, lon, lat, kx, hx, ky, hy);
			each(c.fac[i], d);
		}
	}

	/** The nearest facility within maxM of lon/lat (distance 0 inside a polygon); Infinity / -1 when none. */
	nearest(lon: number, lat: number, maxM: number): { distanceM: number; index: number } {
		let best = Infinity,
			index = -1;
		if (!(maxM >= 0) || this.box[0] > this.box[2]) return { distanceM: Infinity, index: -1 };
		let r = Math.min(maxM, this.spacingM);
		for (;;) {
			best = Infinity;
			index = -1;
			this.scan(lon, lat, r, (fac, d) => {
				if (d < best || (d === best && fac < index)) {
					best = d;
					index = fac;
				}
			});
			if (best <= r || r >= maxM) break;
			// something beyond r: everything closer is within `best`; nothing at all: look 4× farther
			r = Math.min(maxM, best < Infinity ? best : r * 4);
		}
		return best <= maxM ? { distanceM: best, index } : { distanceM: Infinity, index: -1 };
	}

	/** Facilities within maxM of lon/lat, nearest first (ties by number). */
	within(lon: number, lat: number, maxM: number): number[] {
		if (!(maxM >= 0) || this.box[0] > this.box[2]) return [];
		const dist = new Map<number, number>();
		this.scan(lon, lat, maxM, (fac, d) => {
			if (!(d <= maxM)) return;
			const old = dist.get(fac);
			if (old === undefined || d < old) dist.set(fac, d);
		});
		return [...dist.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map((e) => e[0]);
	}

	/** Distance from lon/lat to facility fi (Infinity when removed). */
	distanceTo(lon: number, lat: number, fi: number): number {
		if (this.removed[fi]) return Infinity;
		return distanceToParts(lon, lat, this.partsOf(fi));
	}
}

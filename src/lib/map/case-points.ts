// Exact case points in the browser, for the overlay's points mode (accounts with 'cases:detail'):
// the binary case columns of geo/density exactly as /api/cases/columns sends them (16 bytes a
// case: Float32 lon/lat, Uint32 time, Uint8 category and status, Uint16 grid), kept growable —
// a live case appends into spare capacity (doubling when full, amortised O(1)), a status change
// rewrites its slot — plus the per-slot values the GPU draws from, derived once per slot:
//   position  Float32 [x, y]  the lonLat column itself on a WGS-84 map (no copy), else projected
//   filter    Float32         seconds since `base` for deck.gl's DataFilterExtension (exact:
//                             < 2²⁴ s), or HIDDEN when the category filter excludes the case
//   color     Uint8 RGBA      by status (open, escalated, handled / closed)
// No per-case objects are kept. `takeChanges()` says which rows changed since the layer last
// looked ('all' after growing or re-filtering), so the layer uploads only those rows.
//
// Identity: the columns carry no case id (that would cost bytes on the wire). A stream event is
// matched to its slot by what the columns hold — Float32 lon/lat, reported second, category — via
// a hash index; an unmatched event appends. This also removes the overlap between a column
// snapshot and the stream events that arrived while it loaded. Two distinct cases identical in all
// four would share a slot (same place to the metre, same second, same category).
import {
	appendCases,
	decodeCases,
	emptyCases,
	selectWindow,
	toEpochSeconds,
	toMs,
	type CaseColumns,
	type CaseDict,
	type CaseInput,
	type TimeLike
} from '$geo/density/columns';

/** The filter value of a case hidden by the category filter: outside every time range. */
export const HIDDEN = -1e9;

export type Project = (lon: number, lat: number) => [number, number];
export type RowRange = [start: number, end: number];

export const STATUS_COLORS: Record<string, [number, number, number, number]> = {
	reported: [240, 59, 32, 230],
	registered: [240, 59, 32, 230],
	dispatched: [253, 126, 20, 230],
	escalated: [156, 54, 181, 240],
	handled: [55, 178, 77, 210],
	closed: [134, 142, 150, 190]
};
const OTHER_COLOR: [number, number, number, number] = [240, 59, 32, 230];

/** Capacity for n cases with room to grow: a power of two ≥ 1.25·n, at least 64. */
export function headroom(n: number): number {
	let c = 64;
	while (c < n * 1.25) c *= 2;
	return c;
}

const MAX_RANGES = 64;

export class CasePoints {
	columns: CaseColumns;
	readonly dict: CaseDict;
	/** Unix seconds; filter values are seconds since it. */
	readonly base: number;
	position!: Float32Array;
	filter!: Float32Array;
	color!: Uint8Array;
	/** Bumped on every change (the layer's data version). */
	version = 0;
	/** How many times the columns were reallocated (capacity doubled). */
	grown = 0;
	private project: Project | null;
	private mask: Uint8Array | null = null;
	private codes: Set<number> | null = null;
	private bits!: Uint32Array; // the lonLat column's bits, for hashing
	private head = new Map<number, number>(); // key hash → last slot with it
	private next!: Int32Array; // slot → previous slot with the same hash, or -1
	private dirty: RowRange[] | 'all' = 'all';
	private scratch = new Float32Array(2);
	private scratchBits = new Uint32Array(this.scratch.buffer);
	private out: Uint32Array | null = null;

	/**
	 * columns: a buffer from /api/cases/columns (copied once into room to grow) or columns to
	 * adopt. base: Unix seconds the filter counts from (default: the earliest case, else now).
	 */
	constructor(
		columns: ArrayBuffer | CaseColumns,
		dict: CaseDict,
		options: { base?: number; project?: Project | null; categories?: Iterable<string> | null } = {}
	) {
		const source = columns instanceof ArrayBuffer ? decodeCases(columns) : columns;
		this.columns = columns instanceof ArrayBuffer ? appendCases(emptyCases(headroom(source.length), source.epoch), source) : source;
		this.dict = dict;
		let first = Infinity;
		for (let i = 0; i < this.columns.length; i++) first = Math.min(first, this.columns.time[i]);
		this.base = options.base ?? (Number.isFinite(first) ? this.columns.epoch + first : Math.floor(Date.now() / 1000));
		this.project = options.project ?? null;
		this.setMask(options.categories ?? null);
		this.reallocate();
	}

	get length(): number {
		return this.columns.length;
	}

	get capacity(): number {
		return this.columns.capacity;
	}

	/** Draws positions through `project` (e.g. WGS-84 → GCJ-02), or the lonLat column as is. */
	setProjection(project: Project | null) {
		if (project === this.project) return;
		this.project = project;
		this.position = project ? new Float32Array(2 * this.capacity) : this.columns.lonLat;
		if (project) for (let i = 0; i < this.length; i++) this.derivePosition(i);
		this.touchAll();
	}

	/** What the columns hold of the case in a slot (a clicked point's card), or null past the end. */
	caseAt(slot: number): { lon: number; lat: number; reportedAt: string; category: string; status: string } | null {
		if (!Number.isInteger(slot) || slot < 0 || slot >= this.length) return null;
		const c = this.columns;
		return {
			lon: c.lonLat[2 * slot],
			lat: c.lonLat[2 * slot + 1],
			reportedAt: new Date((c.epoch + c.time[slot]) * 1000).toISOString(),
			category: this.dict.categories[c.category[slot]],
			status: this.dict.statuses[c.status[slot]]
		};
	}

	/** Shows only these category codes (null or empty = all): rewrites the filter column. */
	setCategories(categories: Iterable<string> | null) {
		this.setMask(categories);
		for (let i = 0; i < this.length; i++) this.deriveFilter(i);
		this.touchAll();
	}

	/** Slot of the case the columns hold with these lon/lat (as Float32), second and category; -1 if none. */
	find(c: CaseInput): number {
		const cat = this.dict.categoryCode.get(c.category);
		if (cat === undefined) return -1;
		const t = toEpochSeconds(c.reportedAt, this.columns.epoch);
		this.scratch[0] = c.lon;
		this.scratch[1] = c.lat;
		const lon = this.scratchBits[0],
			lat = this.scratchBits[1];
		const { time, category } = this.columns;
		for (let s = this.head.get(hash(lon, lat, t, cat)) ?? -1; s >= 0; s = this.next[s]) {
			if (this.bits[2 * s] === lon && this.bits[2 * s + 1] === lat && time[s] === t && category[s] === cat) return s;
		}
		return -1;
	}

	/**
	 * A case from the stream: its status goes into its slot when the columns hold it, else it is
	 * appended. RangeError for a category or status the dictionary does not know (reload then).
	 */
	upsert(c: CaseInput): { slot: number; appended: boolean; changed: boolean } {
		const status = this.dict.statusCode.get(c.status);
		if (status === undefined) throw new RangeError(`unknown status "${c.status}"`);
		if (!this.dict.categoryCode.has(c.category)) throw new RangeError(`unknown category "${c.category}"`);
		const slot = this.find(c);
		if (slot >= 0) {
			if (this.columns.status[slot] === status) return { slot, appended: false, changed: false };
			this.columns.status[slot] = status;
			this.deriveColor(slot);
			this.touch(slot, slot + 1);
			return { slot, appended: false, changed: true };
		}
		const n = this.length;
		const before = this.columns.buffer;
		this.columns = appendCases(this.columns, [c], this.dict);
		if (this.columns.buffer !== before) {
			this.grown++;
			this.reallocate();
		} else {
			this.derive(n);
			this.index(n);
			this.touch(n, n + 1);
		}
		return { slot: n, appended: true, changed: true };
	}

	/** Cases reported in [from, to) of the shown categories (one scan, no allocation). */
	count(from: TimeLike, to: TimeLike): number {
		if (!this.out || this.out.length < this.length) this.out = new Uint32Array(this.capacity);
		return selectWindow(this.columns, { from, to, categories: this.codes, out: this.out }).length;
	}

	/** The filter range (inclusive, seconds since base) of the window [from, to). */
	filterRange(from: TimeLike, to: TimeLike): [number, number] {
		return [Math.ceil(toMs(from) / 1000) - this.base, Math.ceil(toMs(to) / 1000) - this.base - 0.5];
	}

	/** Rows changed since the last call ('all' = everything, e.g. after growing). */
	takeChanges(): RowRange[] | 'all' {
		const d = this.dirty;
		this.dirty = [];
		return d;
	}

	private setMask(categories: Iterable<string> | null) {
		const codes = categories ? [...categories].map((c) => this.dict.categoryCode.get(c)).filter((c): c is number => c !== undefined) : [];
		this.codes = codes.length ? new Set(codes) : null;
		if (!codes.length) this.mask = null;
		else {
			this.mask = new Uint8Array(256);
			for (const c of codes) this.mask[c] = 1;
		}
	}

	/** New derived arrays for the current capacity, every slot derived and indexed again. */
	private reallocate() {
		const cap = this.capacity;
		this.bits = new Uint32Array(this.columns.lonLat.buffer, this.columns.lonLat.byteOffset, 2 * cap);
		this.position = this.project ? new Float32Array(2 * cap) : this.columns.lonLat;
		this.filter = new Float32Array(cap);
		this.color = new Uint8Array(4 * cap);
		this.next = new Int32Array(cap);
		this.head.clear();
		for (let i = 0; i < this.length; i++) {
			this.derive(i);
			this.index(i);
		}
		this.touchAll();
	}

	private derive(i: number) {
		if (this.project) this.derivePosition(i);
		this.deriveFilter(i);
		this.deriveColor(i);
	}

	private derivePosition(i: number) {
		const [x, y] = this.project!(this.columns.lonLat[2 * i], this.columns.lonLat[2 * i + 1]);
		this.position[2 * i] = x;
		this.position[2 * i + 1] = y;
	}

	private deriveFilter(i: number) {
		const c = this.columns;
		this.filter[i] = this.mask && !this.mask[c.category[i]] ? HIDDEN : c.epoch + c.time[i] - this.base;
	}

	private deriveColor(i: number) {
		const rgba = STATUS_COLORS[this.dict.statuses[this.columns.status[i]]] ?? OTHER_COLOR;
		this.color.set(rgba, 4 * i);
	}

	private index(i: number) {
		const h = hash(this.bits[2 * i], this.bits[2 * i + 1], this.columns.time[i], this.columns.category[i]);
		this.next[i] = this.head.get(h) ?? -1;
		this.head.set(h, i);
	}

	private touch(start: number, end: number) {
		this.version++;
		if (this.dirty === 'all') return;
		const last = this.dirty[this.dirty.length - 1];
		if (last && last[1] === start) last[1] = end;
		else if (this.dirty.length >= MAX_RANGES) this.dirty = 'all';
		else this.dirty.push([start, end]);
	}

	private touchAll() {
		this.version++;
		this.dirty = 'all';
	}
}

function hash(lon: number, lat: number, t: number, cat: number): number {
	let h = Math.imul(lon ^ (lon >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ lat ^ (lat >>> 13), 0xc2b2ae35);
	h = Math.imul(h ^ t ^ (t >>> 16), 0x27d4eb2f);
	return (h ^ cat ^ (h >>> 15)) >>> 0;
}

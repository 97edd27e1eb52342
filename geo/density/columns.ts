// Binary case columns: what the browser's overlay holds instead of GeoJSON objects.
//
// One ArrayBuffer = a 32-byte header + five columns laid out for `capacity` cases:
//
//   offset            column      type                 bytes/case
//   32                lonLat      Float32 [lon, lat]   8
//   32 + 8·cap        time        Uint32 s since epoch 4
//   32 + 12·cap       category    Uint8 code           1
//   32 + 13·cap       status      Uint8 code           1
//   32 + 14·cap       grid        Uint16 grid index    2   (NO_GRID = 0xffff: unknown / outside)
//                                                      ── 16 bytes per case
// Header (Uint32 words, platform byte order — little-endian everywhere that runs a browser):
//   [0] magic 'GAC1'  [1] length  [2] capacity  [3] epoch (Unix seconds)  [4..7] reserved (0).
//
// Precision: Float32 keeps 24 significant bits. At lon 118° (in [64, 128)) one step is 2⁻¹⁷° =
// 7.6e-6° ≈ 0.72 m east–west at lat 32°; at lat 32–64° one step is 2⁻¹⁸° ≈ 0.42 m; so a position
// around Nanjing comes back within 0.45 m (half a step each way), anywhere in China within 1 m
// (east of 128°E the lon step doubles) — ≈ 1 m resolution, below the GPS and geocoding error of
// reported cases (tested). Time is kept to the whole second (floored), from the
// header epoch (default 2020-01-01T00:00Z) up to epoch + 2³² s (year 2156).
//
// Codes: `dict.categories[code]` / `dict.statuses[code]` (≤ 255 each). An unknown string is an
// error (RangeError), not silently code 0: refresh the dictionary when the category list changes.
// The grid column holds the caller's grid index (e.g. position in the grid layer) if < 65535; a
// city with more grids passes its own Uint32Array of grid indices to rates/spikes instead.

export const MAGIC = 0x31434147; // 'GAC1' read as little-endian Uint32
export const HEADER_BYTES = 32;
export const BYTES_PER_CASE = 16;
export const NO_GRID = 0xffff;
export const DEFAULT_EPOCH = 1577836800; // 2020-01-01T00:00:00Z, Unix seconds

export type TimeLike = Date | number; // a Date or Unix milliseconds

export interface CaseInput {
	lon: number;
	lat: number;
	reportedAt: TimeLike;
	category: string;
	status: string;
	gridIndex?: number | null;
}

export interface CaseDict {
	categories: string[];
	statuses: string[];
	categoryCode: Map<string, number>;
	statusCode: Map<string, number>;
}

/** Typed-array views over one buffer; entries [0, length) are cases, the rest spare capacity. */
export interface CaseColumns {
	buffer: ArrayBuffer;
	length: number;
	capacity: number;
	epoch: number;
	lonLat: Float32Array;
	time: Uint32Array;
	category: Uint8Array;
	status: Uint8Array;
	grid: Uint16Array;
}

export function makeDict(categories: string[], statuses: string[]): CaseDict {
	if (categories.length > 255 || statuses.length > 255) throw new RangeError('at most 255 categories and 255 statuses');
	return {
		categories: [...categories],
		statuses: [...statuses],
		categoryCode: new Map(categories.map((c, i) => [c, i])),
		statusCode: new Map(statuses.map((s, i) => [s, i]))
	};
}

export const toMs = (t: TimeLike) => (typeof t === 'number' ? t : t.getTime());

/** Seconds since `epoch` of a time, floored; RangeError outside [epoch, epoch + 2³²). */
export function toEpochSeconds(t: TimeLike, epoch: number): number {
	const s = Math.floor(toMs(t) / 1000) - epoch;
	if (!(s >= 0 && s <= 0xffffffff)) throw new RangeError(`time ${toMs(t)} ms outside the column range (epoch ${epoch} s)`);
	return s;
}

/** Views over a column buffer of `capacity` cases. */
function view(buffer: ArrayBuffer, length: number, capacity: number, epoch: number): CaseColumns {
	return {
		buffer,
		length,
		capacity,
		epoch,
		lonLat: new Float32Array(buffer, HEADER_BYTES, 2 * capacity),
		time: new Uint32Array(buffer, HEADER_BYTES + 8 * capacity, capacity),
		category: new Uint8Array(buffer, HEADER_BYTES + 12 * capacity, capacity),
		status: new Uint8Array(buffer, HEADER_BYTES + 13 * capacity, capacity),
		grid: new Uint16Array(buffer, HEADER_BYTES + 14 * capacity, capacity)
	};
}

function allocate(capacity: number, epoch: number): CaseColumns {
	const buffer = new ArrayBuffer(HEADER_BYTES + BYTES_PER_CASE * capacity);
	const header = new Uint32Array(buffer, 0, 8);
	header[0] = MAGIC;
	header[2] = capacity;
	header[3] = epoch;
	return view(buffer, 0, capacity, epoch);
}

function setLength(c: CaseColumns, length: number) {
	c.length = length;
	new Uint32Array(c.buffer, 0, 8)[1] = length;
}

function writeCase(c: CaseColumns, i: number, x: CaseInput, dict: CaseDict) {
	const cat = dict.categoryCode.get(x.category);
	if (cat === undefined) throw new RangeError(`unknown category "${x.category}"`);
	const st = dict.statusCode.get(x.status);
	if (st === undefined) throw new RangeError(`unknown status "${x.status}"`);
	c.lonLat[2 * i] = x.lon;
	c.lonLat[2 * i + 1] = x.lat;
	c.time[i] = toEpochSeconds(x.reportedAt, c.epoch);
	c.category[i] = cat;
	c.status[i] = st;
	const g = x.gridIndex;
	c.grid[i] = g == null || g < 0 || g >= NO_GRID ? NO_GRID : g;
}

/** Cases → one ArrayBuffer (header + columns, capacity = cases.length). */
export function encodeCases(cases: CaseInput[], dict: CaseDict, options: { epoch?: number } = {}): ArrayBuffer {
	const c = allocate(cases.length, options.epoch ?? DEFAULT_EPOCH);
	for (let i = 0; i < cases.length; i++) writeCase(c, i, cases[i], dict);
	setLength(c, cases.length);
	return c.buffer;
}

/** A column buffer → typed-array views (no copy, no per-case objects). */
export function decodeCases(buffer: ArrayBuffer): CaseColumns {
	if (buffer.byteLength < HEADER_BYTES) throw new RangeError('case buffer shorter than its header');
	const h = new Uint32Array(buffer, 0, 8);
	if (h[0] !== MAGIC) throw new RangeError('not a case buffer (bad magic or byte order)');
	const length = h[1],
		capacity = h[2];
	if (length > capacity || buffer.byteLength < HEADER_BYTES + BYTES_PER_CASE * capacity) throw new RangeError('case buffer truncated');
	return view(buffer, length, capacity, h[3]);
}

/** Empty columns with room for `capacity` cases. */
export function emptyCases(capacity = 1024, epoch = DEFAULT_EPOCH): CaseColumns {
	return allocate(capacity, epoch);
}

/** New buffer → the buffer it was grown from and how many cases were copied (for caches). */
export const grownFrom = new WeakMap<ArrayBuffer, { buffer: ArrayBuffer; length: number }>();

function grow(c: CaseColumns, needed: number): CaseColumns {
	if (needed <= c.capacity) return c;
	let capacity = c.capacity || 16;
	while (capacity < needed) capacity *= 2;
	const g = allocate(capacity, c.epoch);
	const n = c.length;
	g.lonLat.set(c.lonLat.subarray(0, 2 * n));
	g.time.set(c.time.subarray(0, n));
	g.category.set(c.category.subarray(0, n));
	g.status.set(c.status.subarray(0, n));
	g.grid.set(c.grid.subarray(0, n));
	setLength(g, n);
	grownFrom.set(g.buffer, { buffer: c.buffer, length: n });
	return g;
}

/**
 * Appends cases (objects, or another column set — e.g. a decoded chunk from the server, re-based
 * to this epoch) after the existing ones. Fills spare capacity in place; when full, copies into a
 * buffer of doubled capacity (amortised O(1) per case). Returns the columns to use from now on —
 * the same object when it fitted (its `length` updated), a new one after growing.
 */
export function appendCases(columns: CaseColumns, more: CaseInput[] | CaseColumns, dict?: CaseDict): CaseColumns {
	const n = columns.length;
	const m = more.length;
	const c = grow(columns, n + m);
	if (Array.isArray(more)) {
		if (!dict) throw new TypeError('appendCases: a dictionary is needed to encode case objects');
		for (let i = 0; i < m; i++) writeCase(c, n + i, more[i], dict);
	} else {
		c.lonLat.set(more.lonLat.subarray(0, 2 * m), 2 * n);
		c.category.set(more.category.subarray(0, m), n);
		c.status.set(more.status.subarray(0, m), n);
		c.grid.set(more.grid.subarray(0, m), n);
		const shift = more.epoch - c.epoch;
		if (shift === 0) c.time.set(more.time.subarray(0, m), n);
		else
			for (let i = 0; i < m; i++) {
				const t = more.time[i] + shift;
				if (t < 0 || t > 0xffffffff) throw new RangeError('appended case time outside the column range');
				c.time[n + i] = t;
			}
	}
	setLength(c, n + m);
	return c;
}

/** A compact copy (capacity = length) for sending: the buffer of the first `length` cases. */
export function compactCases(columns: CaseColumns): ArrayBuffer {
	const c = allocate(columns.length, columns.epoch);
	return appendCases(c, columns).buffer;
}

/** Unix milliseconds of case i. */
export const caseTimeMs = (c: CaseColumns, i: number) => (c.epoch + c.time[i]) * 1000;

export interface WindowOptions {
	from: TimeLike; // inclusive
	to: TimeLike; // exclusive
	categories?: Set<number> | null; // category codes; absent = all
	statuses?: Set<number> | null; // status codes; absent = all
	out?: Uint32Array; // scratch for the result (≥ columns.length) to avoid allocating per call
}

function mask(codes: Set<number> | null | undefined): Uint8Array | null {
	if (!codes) return null;
	const m = new Uint8Array(256);
	for (const c of codes) if (c >= 0 && c < 256) m[c] = 1;
	return m;
}

/**
 * Indices of the cases reported in [from, to) (and of the given categories / statuses), in
 * column order. One scan, no per-case allocation; with `out` the result is a view of it.
 * Times are whole seconds, so a case at 10:00:00.700 is "10:00:00" for the window test.
 */
export function selectWindow(columns: CaseColumns, options: WindowOptions): Uint32Array {
	const n = columns.length;
	// t·1000 ≥ from ⇔ t ≥ ⌈from/1000⌉ ; t·1000 < to ⇔ t < ⌈to/1000⌉ (t integer seconds)
	const lo = Math.max(0, Math.ceil(toMs(options.from) / 1000) - columns.epoch);
	const hi = Math.min(0x100000000, Math.ceil(toMs(options.to) / 1000) - columns.epoch);
	const out = options.out && options.out.length >= n ? options.out : new Uint32Array(n);
	const time = columns.time,
		cat = columns.category,
		st = columns.status;
	const cm = mask(options.categories),
		sm = mask(options.statuses);
	let k = 0;
	if (lo < hi) {
		if (!cm && !sm) {
			for (let i = 0; i < n; i++) {
				const t = time[i];
				if (t >= lo && t < hi) out[k++] = i;
			}
		} else {
			for (let i = 0; i < n; i++) {
				const t = time[i];
				if (t >= lo && t < hi && (!cm || cm[cat[i]]) && (!sm || sm[st[i]])) out[k++] = i;
			}
		}
	}
	return out === options.out ? out.subarray(0, k) : out.slice(0, k);
}

// H3 hexagon counts over a case window, and k-anonymity suppression.
//
// latLngToCell costs ≈ 3 µs per call in h3-js (WebAssembly + string index), ≈ 3 s per million
// cases, too slow to repeat on every move of the time slider. So each case's cell is computed
// once per resolution, the first time the case is in a window, and kept as a small integer
// (HexCells: cell id per case + the cell strings); appended cases are computed when first
// selected; a window over known cases is one counting pass.
import { latLngToCell } from 'h3-js';
import { grownFrom, type CaseColumns } from './columns';

export const NO_CELL = 0xffffffff;

export interface HexCells {
	resolution: number;
	/** Local cell id per case (index into `cells`); NO_CELL = not computed yet. */
	id: Uint32Array;
	/** H3 index strings by local cell id. */
	cells: string[];
	lookup: Map<string, number>;
}

export function emptyHexCells(resolution: number): HexCells {
	return { resolution, id: new Uint32Array(0), cells: [], lookup: new Map() };
}

/** Makes room for `n` cases (new ones not computed), keeping the ids computed so far. */
function reserve(h: HexCells, n: number) {
	if (h.id.length >= n) return;
	const id = new Uint32Array(Math.max(n, 2 * h.id.length)).fill(NO_CELL);
	id.set(h.id);
	h.id = id;
}

// One cache per column buffer and resolution. When appendCases grows the columns into a new
// buffer (the old cases copied verbatim), the cache moves to the new buffer: ids of the copied
// prefix are kept.
const caches = new WeakMap<ArrayBuffer, Map<number, HexCells>>();

function cacheFor(columns: CaseColumns): Map<number, HexCells> {
	let byRes = caches.get(columns.buffer);
	if (!byRes) {
		byRes = new Map();
		const prev = grownFrom.get(columns.buffer);
		const old = prev && caches.get(prev.buffer);
		if (prev && old) {
			caches.delete(prev.buffer);
			for (const [res, h] of old) {
				const id = new Uint32Array(columns.capacity).fill(NO_CELL);
				id.set(h.id.subarray(0, Math.min(h.id.length, prev.length)));
				byRes.set(res, { ...h, id });
			}
		}
		caches.set(columns.buffer, byRes);
	}
	return byRes;
}

/** The cached cell table of `columns` at `resolution` (cells are computed on demand). */
export function hexCells(columns: CaseColumns, resolution: number): HexCells {
	const byRes = cacheFor(columns);
	let h = byRes.get(resolution);
	if (!h) byRes.set(resolution, (h = emptyHexCells(resolution)));
	reserve(h, columns.capacity);
	return h;
}

/**
 * Cases per H3 cell for the selected case indices (e.g. from selectWindow). Each case's cell is
 * computed the first time it is selected (latLngToCell ≈ 3 µs) and cached; later windows over
 * the same cases are one counting pass.
 */
export function hexCounts(columns: CaseColumns, indices: ArrayLike<number>, resolution: number): Map<string, number> {
	return countCells(hexCells(columns, resolution), columns, indices);
}

/** Counting pass, filling in the cells not computed yet. */
export function countCells(h: HexCells, columns: CaseColumns, indices: ArrayLike<number>): Map<string, number> {
	reserve(h, columns.length);
	const id = h.id,
		ll = columns.lonLat,
		lookup = h.lookup,
		cells = h.cells,
		res = h.resolution;
	let counts = new Uint32Array(Math.max(64, cells.length));
	for (let k = 0; k < indices.length; k++) {
		const i = indices[k];
		let c = id[i];
		if (c === NO_CELL) {
			const cell = latLngToCell(ll[2 * i + 1], ll[2 * i], res);
			let known = lookup.get(cell);
			if (known === undefined) {
				known = cells.length;
				cells.push(cell);
				lookup.set(cell, known);
				if (known >= counts.length) {
					const grown = new Uint32Array(2 * counts.length);
					grown.set(counts);
					counts = grown;
				}
			}
			id[i] = c = known;
		}
		counts[c]++;
	}
	const out = new Map<string, number>();
	for (let c = 0; c < cells.length; c++) if (counts[c]) out.set(cells[c], counts[c]);
	return out;
}

export interface Suppressed<K> {
	/** The cells with at least k cases (a new Map; the input is not changed). */
	counts: Map<K, number>;
	suppressedCells: number;
	suppressedCases: number;
}

/**
 * k-anonymity by suppression: cells with fewer than k cases are dropped (not jittered, not
 * merged); the totals say how many cells and cases were hidden. k ≤ 1 keeps everything.
 */
export function suppress<K>(counts: Map<K, number>, k = 3): Suppressed<K> {
	const kept = new Map<K, number>();
	let suppressedCells = 0,
		suppressedCases = 0;
	for (const [key, n] of counts) {
		if (n >= k) kept.set(key, n);
		else if (n > 0) {
			suppressedCells++;
			suppressedCases += n;
		}
	}
	return { counts: kept, suppressedCells, suppressedCases };
}

// Well-Known Binary ↔ GeoJSON geometry. The embedded engine hands tile rows over as ST_AsBinary:
// 16 bytes per vertex, no number formatting in the database and no text parsing here, full double
// precision (ST_AsGeoJSON's default 9 decimals would be enough, but costs a print and a parse).
// Reads ISO and PostGIS-extended (EWKB) headers, either byte order; Z and M are skipped. Imports
// send their geometries the other way (writeWkb): ST_GeomFromWKB reads them faster than GeoJSON text.
import { GridAtlasError } from '../errors';
import type { Geometry, Position } from 'geojson';
import type { FlatGeometry } from './geometry';

export class WkbError extends GridAtlasError {
	constructor(message: string) {
		super(`WKB 格式错误 / malformed WKB: ${message}`, { code: 'bad_wkb' });
		this.name = 'WkbError';
	}
}

const EWKB_Z = 0x80000000;
const EWKB_M = 0x40000000;
const EWKB_SRID = 0x20000000;

class Reader {
	pos = 0;
	le = true;
	readonly view: DataView;
	constructor(readonly bytes: Uint8Array) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	need(n: number) {
		if (this.pos + n > this.bytes.byteLength) throw new WkbError(`unexpected end at byte ${this.pos}`);
	}
	u8() {
		this.need(1);
		return this.bytes[this.pos++];
	}
	u32() {
		this.need(4);
		const v = this.view.getUint32(this.pos, this.le);
		this.pos += 4;
		return v;
	}
	f64() {
		const v = this.view.getFloat64(this.pos, this.le);
		this.pos += 8;
		return v;
	}
}

interface Header {
	type: number;
	dims: number;
}

function header(r: Reader): Header {
	r.le = r.u8() === 1;
	const raw = r.u32();
	let dims = 2;
	let type = raw & 0x0fffffff;
	if (raw & (EWKB_Z | EWKB_M | EWKB_SRID)) {
		if (raw & EWKB_Z) dims++;
		if (raw & EWKB_M) dims++;
		if (raw & EWKB_SRID) r.u32();
	} else if (type >= 1000) {
		// ISO: 1000 Z, 2000 M, 3000 ZM
		const flavour = Math.floor(type / 1000);
		dims += flavour === 3 ? 2 : 1;
		type %= 1000;
	}
	return { type, dims };
}

function positions(r: Reader, dims: number): Position[] {
	const n = r.u32();
	r.need(n * dims * 8);
	const out: Position[] = new Array(n);
	for (let i = 0; i < n; i++) {
		const x = r.f64();
		const y = r.f64();
		r.pos += (dims - 2) * 8;
		out[i] = [x, y];
	}
	return out;
}

function rings(r: Reader, dims: number): Position[][] {
	const n = r.u32();
	const out: Position[][] = new Array(n);
	for (let i = 0; i < n; i++) out[i] = positions(r, dims);
	return out;
}

function geometry(r: Reader): Geometry {
	const { type, dims } = header(r);
	switch (type) {
		case 1: {
			r.need(dims * 8);
			const x = r.f64();
			const y = r.f64();
			r.pos += (dims - 2) * 8;
			return { type: 'Point', coordinates: [x, y] };
		}
		case 2:
			return { type: 'LineString', coordinates: positions(r, dims) };
		case 3:
			return { type: 'Polygon', coordinates: rings(r, dims) };
		case 4:
		case 5:
		case 6: {
			const n = r.u32();
			const parts: Geometry[] = [];
			for (let i = 0; i < n; i++) parts.push(geometry(r));
			if (type === 4) return { type: 'MultiPoint', coordinates: parts.map((p) => (p as { coordinates: Position }).coordinates) };
			if (type === 5) return { type: 'MultiLineString', coordinates: parts.map((p) => (p as { coordinates: Position[] }).coordinates) };
			return { type: 'MultiPolygon', coordinates: parts.map((p) => (p as { coordinates: Position[][] }).coordinates) };
		}
		case 7: {
			const n = r.u32();
			const geometries: Geometry[] = [];
			for (let i = 0; i < n; i++) geometries.push(geometry(r));
			return { type: 'GeometryCollection', geometries };
		}
		default:
			throw new WkbError(`unsupported geometry type ${type}`);
	}
}

/** Decodes one WKB/EWKB geometry (a Uint8Array, e.g. a bytea column from either driver). */
export function readWkb(bytes: Uint8Array): Geometry {
	const r = new Reader(bytes);
	const g = geometry(r);
	if (r.pos !== bytes.byteLength) throw new WkbError(`${bytes.byteLength - r.pos} trailing bytes`);
	return g;
}

// ---------------------------------------------------------------------------------------------
// Straight to flat arrays: the tiler's input without one JS array per vertex (on a 30,000-grid
// tile, the per-vertex arrays of GeoJSON made garbage collection the largest cost).

function flatPositions(r: Reader, dims: number): number[] {
	const n = r.u32();
	r.need(n * dims * 8);
	const out: number[] = new Array(n * 2);
	const skip = (dims - 2) * 8;
	for (let i = 0; i < n; i++) {
		out[2 * i] = r.f64();
		out[2 * i + 1] = r.f64();
		r.pos += skip;
	}
	return out;
}

interface FlatParts {
	points: number[];
	lines: number[][];
	polygons: number[][][];
}

function collectFlat(r: Reader, acc: FlatParts): void {
	const { type, dims } = header(r);
	switch (type) {
		case 1: {
			r.need(dims * 8);
			acc.points.push(r.f64(), r.f64());
			r.pos += (dims - 2) * 8;
			return;
		}
		case 2:
			acc.lines.push(flatPositions(r, dims));
			return;
		case 3: {
			const n = r.u32();
			const rings: number[][] = new Array(n);
			for (let i = 0; i < n; i++) rings[i] = flatPositions(r, dims);
			acc.polygons.push(rings);
			return;
		}
		case 4:
		case 5:
		case 6:
		case 7: {
			const n = r.u32();
			for (let i = 0; i < n; i++) collectFlat(r, acc);
			return;
		}
		default:
			throw new WkbError(`unsupported geometry type ${type}`);
	}
}

/** One geometry at the reader's position → its highest-dimension basic type as flat arrays. */
function nextFlat(r: Reader): FlatGeometry | null {
	const acc: FlatParts = { points: [], lines: [], polygons: [] };
	collectFlat(r, acc);
	if (acc.polygons.length) return { type: 3, polygons: acc.polygons };
	if (acc.lines.length) return { type: 2, lines: acc.lines };
	if (acc.points.length) return { type: 1, points: acc.points };
	return null;
}

/** Decodes one WKB geometry to flat arrays (see FlatGeometry). */
export function readWkbFlat(bytes: Uint8Array): FlatGeometry | null {
	const r = new Reader(bytes);
	const g = nextFlat(r);
	if (r.pos !== bytes.byteLength) throw new WkbError(`${bytes.byteLength - r.pos} trailing bytes`);
	return g;
}

/**
 * Decodes WKB geometries laid end to end (as string_agg(ST_AsBinary(geom), '') makes them: each
 * WKB says its own length), expecting `count` of them.
 */
export function readWkbSequence(bytes: Uint8Array, count: number): (FlatGeometry | null)[] {
	const r = new Reader(bytes);
	const out: (FlatGeometry | null)[] = new Array(count);
	for (let i = 0; i < count; i++) out[i] = nextFlat(r);
	if (r.pos !== bytes.byteLength) throw new WkbError(`${bytes.byteLength - r.pos} trailing bytes after ${count} geometries`);
	return out;
}

const WKB_TYPES = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6 } as const;

/** A 2D geometry (no collections) as ISO WKB, little-endian; extra ordinates are dropped. */
export function writeWkb(geometry: Exclude<Geometry, { type: 'GeometryCollection' }>): Uint8Array {
	const out = new Uint8Array(wkbSize(WKB_TYPES[geometry.type], geometry.coordinates));
	const w: WkbWriter = { view: new DataView(out.buffer), pos: 0 };
	writeWkbPart(w, WKB_TYPES[geometry.type], geometry.coordinates);
	return out;
}

// Module-level steps rather than closures: every building of an import is written through here.
interface WkbWriter {
	view: DataView;
	pos: number;
}

function wkbSize(type: number, coordinates: unknown): number {
	if (type === 1) return 21;
	if (type === 2) return 9 + (coordinates as Position[]).length * 16;
	if (type === 3) {
		let size = 9;
		for (const ring of coordinates as Position[][]) size += 4 + ring.length * 16;
		return size;
	}
	let size = 9;
	for (const member of coordinates as unknown[]) size += wkbSize(type - 3, member);
	return size;
}

function writeU32(w: WkbWriter, v: number) {
	w.view.setUint32(w.pos, v, true);
	w.pos += 4;
}

function writePositions(w: WkbWriter, positions: Position[]) {
	writeU32(w, positions.length);
	const view = w.view;
	let pos = w.pos;
	for (const p of positions) {
		view.setFloat64(pos, p[0], true);
		view.setFloat64(pos + 8, p[1], true);
		pos += 16;
	}
	w.pos = pos;
}

function writeWkbPart(w: WkbWriter, type: number, coordinates: unknown) {
	w.view.setUint8(w.pos++, 1);
	writeU32(w, type);
	if (type === 1) {
		const p = coordinates as Position;
		w.view.setFloat64(w.pos, p[0], true);
		w.view.setFloat64(w.pos + 8, p[1], true);
		w.pos += 16;
	} else if (type === 2) writePositions(w, coordinates as Position[]);
	else if (type === 3) {
		writeU32(w, (coordinates as Position[][]).length);
		for (const ring of coordinates as Position[][]) writePositions(w, ring);
	} else {
		writeU32(w, (coordinates as unknown[]).length);
		for (const member of coordinates as unknown[]) writeWkbPart(w, type - 3, member);
	}
}

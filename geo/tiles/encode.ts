// Mapbox Vector Tile 2.1 encoder on `pbf`'s writer. A hand-written encoder (about 100 lines) rather
// than vt-pbf: vt-pbf expects geojson-vt's tile objects and re-derives geometry commands from them;
// here geometry is already integer tile coordinates, so writing the three messages (layer, feature,
// value) directly is simpler and allocates less. Values are typed as PostGIS's ST_AsMVT types them:
// strings, booleans, integers as uint (≥ 0) or sint (< 0), other numbers as double; nulls are left out.
import { PbfWriter } from 'pbf';
import type { TileGeometry } from './geometry';

export type TileValue = string | number | boolean;

export interface TileFeature {
	geometry: TileGeometry;
	properties: Record<string, unknown>;
	/** MVT feature id (optional; PostGIS sets it only when asked for a feature_id_name). */
	id?: number;
}

export interface TileLayer {
	name: string;
	features: TileFeature[];
	extent?: number;
}

const CMD_MOVE_TO = 1;
const CMD_LINE_TO = 2;
const CMD_CLOSE_PATH = 7;

const command = (id: number, count: number) => (id & 0x7) | (count << 3);
const zigzag = (v: number) => (v << 1) ^ (v >> 31);

/** Geometry commands: cursor deltas continue across parts, as the spec requires. */
export function geometryCommands(g: TileGeometry): number[] {
	const out: number[] = [];
	let cx = 0,
		cy = 0;
	if (g.type === 1) {
		const pts: ArrayLike<number> = g.parts[0] ?? [];
		out.push(command(CMD_MOVE_TO, pts.length / 2));
		for (let i = 0; i < pts.length; i += 2) {
			out.push(zigzag(pts[i] - cx), zigzag(pts[i + 1] - cy));
			cx = pts[i];
			cy = pts[i + 1];
		}
		return out;
	}
	for (const part of g.parts) {
		const n = part.length / 2;
		out.push(command(CMD_MOVE_TO, 1), zigzag(part[0] - cx), zigzag(part[1] - cy));
		cx = part[0];
		cy = part[1];
		out.push(command(CMD_LINE_TO, n - 1));
		for (let i = 2; i < part.length; i += 2) {
			out.push(zigzag(part[i] - cx), zigzag(part[i + 1] - cy));
			cx = part[i];
			cy = part[i + 1];
		}
		if (g.type === 3) out.push(command(CMD_CLOSE_PATH, 1));
	}
	return out;
}

/** geometryCommands straight into the writer (no intermediate array per feature). */
function writeGeometry(g: TileGeometry, pbf: PbfWriter) {
	let cx = 0,
		cy = 0;
	if (g.type === 1) {
		const pts: ArrayLike<number> = g.parts[0] ?? [];
		pbf.writeVarint(command(CMD_MOVE_TO, pts.length / 2));
		for (let i = 0; i < pts.length; i += 2) {
			pbf.writeVarint(zigzag(pts[i] - cx));
			pbf.writeVarint(zigzag(pts[i + 1] - cy));
			cx = pts[i];
			cy = pts[i + 1];
		}
		return;
	}
	for (const part of g.parts) {
		pbf.writeVarint(command(CMD_MOVE_TO, 1));
		pbf.writeVarint(zigzag(part[0] - cx));
		pbf.writeVarint(zigzag(part[1] - cy));
		cx = part[0];
		cy = part[1];
		pbf.writeVarint(command(CMD_LINE_TO, part.length / 2 - 1));
		for (let i = 2; i < part.length; i += 2) {
			pbf.writeVarint(zigzag(part[i] - cx));
			pbf.writeVarint(zigzag(part[i + 1] - cy));
			cx = part[i];
			cy = part[i + 1];
		}
		if (g.type === 3) pbf.writeVarint(command(CMD_CLOSE_PATH, 1));
	}
}

interface LayerTables {
	keys: string[];
	keyIndex: Map<string, number>;
	values: TileValue[];
	// one map per type: the string "1" and the number 1 are different values, and no key string has
	// to be built per value (the cost that dominated encoding thousands of features)
	strings: Map<string, number>;
	numbers: Map<number, number>;
	bools: [number, number];
}

function valueIndex(value: TileValue, t: LayerTables): number {
	let v: number | undefined;
	if (typeof value === 'string') {
		v = t.strings.get(value);
		if (v === undefined) t.strings.set(value, (v = t.values.push(value) - 1));
	} else if (typeof value === 'number') {
		v = t.numbers.get(value);
		if (v === undefined) t.numbers.set(value, (v = t.values.push(value) - 1));
	} else {
		const b = value ? 1 : 0;
		v = t.bools[b];
		if (v < 0) v = t.bools[b] = t.values.push(value) - 1;
	}
	return v;
}

function featureTags(props: Record<string, unknown>, t: LayerTables): number[] {
	const tags: number[] = [];
	for (const key in props) {
		const raw = props[key];
		if (raw === null || raw === undefined) continue;
		const value: TileValue = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : String(raw);
		let k = t.keyIndex.get(key);
		if (k === undefined) {
			k = t.keys.push(key) - 1;
			t.keyIndex.set(key, k);
		}
		tags.push(k, valueIndex(value, t));
	}
	return tags;
}

function writeValue(value: TileValue, pbf: PbfWriter) {
	if (typeof value === 'string') pbf.writeStringField(1, value);
	else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
	else if (Number.isSafeInteger(value)) {
		if (value >= 0) pbf.writeVarintField(5, value);
		else pbf.writeSVarintField(6, value);
	} else pbf.writeDoubleField(3, value);
}

function writeLayer(layer: TileLayer, pbf: PbfWriter) {
	const t: LayerTables = { keys: [], keyIndex: new Map(), values: [], strings: new Map(), numbers: new Map(), bools: [-1, -1] };
	pbf.writeStringField(1, layer.name);
	for (const f of layer.features) {
		const tags = featureTags(f.properties, t);
		pbf.writeMessage(
			2,
			(feature: TileFeature, w: PbfWriter) => {
				if (feature.id !== undefined) w.writeVarintField(1, feature.id);
				if (tags.length) w.writePackedVarint(2, tags);
				w.writeVarintField(3, feature.geometry.type);
				w.writeMessage(4, writeGeometry, feature.geometry); // packed varints, written in place
			},
			f
		);
	}
	for (const key of t.keys) pbf.writeStringField(3, key);
	for (const value of t.values) pbf.writeMessage(4, writeValue, value);
	pbf.writeVarintField(5, layer.extent ?? 4096);
	pbf.writeVarintField(15, 2);
}

/**
 * Encodes the layers that have features. A tile with no feature at all is zero bytes, which is what
 * PostGIS's ST_AsMVT returns for an empty area, so both engines answer an empty area alike.
 */
export function encodeTile(layers: TileLayer[]): Uint8Array {
	const nonEmpty = layers.filter((l) => l.features.length > 0);
	if (nonEmpty.length === 0) return new Uint8Array(0);
	const pbf = new PbfWriter();
	for (const layer of nonEmpty) pbf.writeMessage(3, writeLayer, layer);
	return pbf.finish();
}

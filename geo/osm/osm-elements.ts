/// <reference path="../vendor.d.ts" />
// Raw OSM data in the Overpass-JSON shape ({elements:[...]}) that osmtogeojson accepts.
// Both readers (XML and PBF) produce this shape so everything downstream is format-blind.
import { XMLParser } from 'fast-xml-parser';
import tinyOsmPbf from 'tiny-osmpbf';

export interface OsmNode {
	type: 'node';
	id: number;
	lat: number;
	lon: number;
	tags?: Record<string, string>;
}
export interface OsmWay {
	type: 'way';
	id: number;
	nodes: number[];
	tags?: Record<string, string>;
}
export interface OsmRelationMember {
	type: 'node' | 'way' | 'relation';
	ref: number;
	role: string;
}
export interface OsmRelation {
	type: 'relation';
	id: number;
	members: OsmRelationMember[];
	tags?: Record<string, string>;
}
export type OsmElement = OsmNode | OsmWay | OsmRelation;

/** Elements that repeat in OSM XML; the parser must always give arrays for them, even with one child. */
const REPEATED_XML_ELEMENTS = new Set(['node', 'way', 'relation', 'tag', 'nd', 'member']);

interface XmlTag {
	k: string;
	v: string;
}
interface XmlElement {
	id: string;
	lat?: string;
	lon?: string;
	tag?: XmlTag[];
	nd?: { ref: string }[];
	member?: { type: OsmRelationMember['type']; ref: string; role?: string }[];
}

function tagsOf(element: XmlElement): Record<string, string> {
	const tags: Record<string, string> = {};
	for (const tag of element.tag ?? []) tags[String(tag.k)] = String(tag.v);
	return tags;
}

/** OSM XML (as written by JOSM, Overpass or the OSM API) → OSM JSON elements. */
export function parseOsmXml(text: string): OsmElement[] {
	const parser = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: '',
		// Keep ids, names and tag values as strings: "0123" names and long ids must survive intact.
		parseAttributeValue: false,
		isArray: (name) => REPEATED_XML_ELEMENTS.has(name)
	});
	const doc = parser.parse(text) as { osm?: { node?: XmlElement[]; way?: XmlElement[]; relation?: XmlElement[] } };
	const osm = doc.osm;
	if (!osm || typeof osm !== 'object') throw new Error('no <osm> root element');
	const elements: OsmElement[] = [];
	for (const n of osm.node ?? []) {
		elements.push({ type: 'node', id: Number(n.id), lat: Number(n.lat), lon: Number(n.lon), tags: tagsOf(n) });
	}
	for (const w of osm.way ?? []) {
		elements.push({ type: 'way', id: Number(w.id), nodes: (w.nd ?? []).map((nd) => Number(nd.ref)), tags: tagsOf(w) });
	}
	for (const r of osm.relation ?? []) {
		elements.push({
			type: 'relation',
			id: Number(r.id),
			members: (r.member ?? []).map((m) => ({ type: m.type, ref: Number(m.ref), role: String(m.role ?? '') })),
			tags: tagsOf(r)
		});
	}
	return elements;
}

/** Reads a protobuf varint at `pos`; returns [value, next position]. */
function readVarint(bytes: Uint8Array, pos: number): [number, number] {
	let value = 0;
	for (let shift = 0; shift < 35 && pos < bytes.length; shift += 7) {
		const byte = bytes[pos++];
		value += (byte & 0x7f) * 2 ** shift;
		if (byte < 0x80) return [value, pos];
	}
	throw new Error('malformed varint');
}

/** The `datasize` field (3) of a PBF BlobHeader message. */
function blobDataSize(header: Uint8Array): number {
	let pos = 0;
	while (pos < header.length) {
		const [key, afterKey] = readVarint(header, pos);
		const field = Math.floor(key / 8);
		const wireType = key & 7;
		if (wireType === 0) {
			const [value, next] = readVarint(header, afterKey);
			if (field === 3) return value;
			pos = next;
		} else if (wireType === 2) {
			const [length, next] = readVarint(header, afterKey);
			pos = next + length;
		} else {
			throw new Error(`unexpected wire type ${wireType} in BlobHeader`);
		}
	}
	throw new Error('BlobHeader without datasize');
}

/**
 * Walks the PBF framing (4-byte header length, BlobHeader, Blob)* and throws unless it ends exactly at the
 * end of the file. tiny-osmpbf loops forever on a truncated file, and truncated uploads do happen.
 */
export function assertCompletePbf(bytes: Uint8Array): void {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let pos = 0;
	while (pos < bytes.length) {
		if (pos + 4 > bytes.length) throw new Error(`truncated PBF: ${bytes.length - pos} stray byte(s) at the end`);
		const headerLength = view.getInt32(pos, false);
		const headerStart = pos + 4;
		if (headerLength <= 0 || headerStart + headerLength > bytes.length) throw new Error(`truncated or corrupt PBF at byte ${pos}`);
		const dataSize = blobDataSize(bytes.subarray(headerStart, headerStart + headerLength));
		pos = headerStart + headerLength + dataSize;
		if (pos > bytes.length) throw new Error(`truncated PBF: a data block ends after the end of the file (${pos} > ${bytes.length} bytes)`);
	}
}

/** The spec's limit for one uncompressed blob; a corrupt raw_size must not make us allocate more. */
const MAX_BLOB_BYTES = 32 * 1024 * 1024;

/** Fields of a protobuf message: number → wire type 0 value or wire type 2 bytes (others refused). */
function readMessage(bytes: Uint8Array): Map<number, number | Uint8Array> {
	const fields = new Map<number, number | Uint8Array>();
	let pos = 0;
	while (pos < bytes.length) {
		const [key, afterKey] = readVarint(bytes, pos);
		const field = Math.floor(key / 8);
		const wireType = key & 7;
		if (wireType === 0) {
			const [value, next] = readVarint(bytes, afterKey);
			fields.set(field, value);
			pos = next;
		} else if (wireType === 2) {
			const [length, next] = readVarint(bytes, afterKey);
			if (next + length > bytes.length) throw new Error('a protobuf field runs past the end of its message');
			fields.set(field, bytes.subarray(next, next + length));
			pos = next + length;
		} else {
			throw new Error(`unexpected wire type ${wireType}`);
		}
	}
	return fields;
}

function varint(value: number): number[] {
	const out: number[] = [];
	while (value >= 0x80) {
		out.push((value % 0x80) | 0x80);
		value = Math.floor(value / 0x80);
	}
	out.push(value);
	return out;
}

/** Byte arrays (or plain byte lists) one after another, in one new array. */
export function concatBytes(parts: (Uint8Array | number[])[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** zlib data inflated by the platform (checksum verified, size capped), or an error. */
async function inflateZlib(data: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream('deflate'));
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = stream.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.length;
		if (size > MAX_BLOB_BYTES) {
			await reader.cancel();
			throw new Error(`a data block inflates to more than ${MAX_BLOB_BYTES} bytes`);
		}
		chunks.push(value);
	}
	return concatBytes(chunks);
}

/**
 * The same PBF with every zlib blob inflated and stored raw. tiny-osmpbf inflates with tiny-inflate,
 * which loops forever on corrupt data (one flipped bit in an upload froze the server); the platform's
 * DecompressionStream verifies the zlib checksum and fails instead. Also checks the framing.
 */
export async function inflatePbfBlobs(bytes: Uint8Array): Promise<Uint8Array> {
	assertCompletePbf(bytes);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const parts: Uint8Array[] = [];
	let pos = 0;
	while (pos < bytes.length) {
		const headerLength = view.getInt32(pos, false);
		const header = readMessage(bytes.subarray(pos + 4, pos + 4 + headerLength));
		const type = header.get(1);
		const dataSize = header.get(3);
		if (!(type instanceof Uint8Array) || typeof dataSize !== 'number') throw new Error(`BlobHeader at byte ${pos} without type or datasize`);
		const blobStart = pos + 4 + headerLength;
		const blob = readMessage(bytes.subarray(blobStart, blobStart + dataSize));
		let raw = blob.get(1);
		const zlib = blob.get(3);
		if (!(raw instanceof Uint8Array)) {
			if (!(zlib instanceof Uint8Array)) throw new Error(`data block at byte ${pos} is neither raw nor zlib-compressed`);
			try {
				raw = await inflateZlib(zlib);
			} catch (error) {
				throw new Error(`data block at byte ${pos} is corrupt (${error instanceof Error ? error.message : error})`);
			}
		}
		const newBlob = concatBytes([[0x0a], varint(raw.length), raw, [0x10], varint(raw.length)]);
		const newHeader = concatBytes([[0x0a], varint(type.length), type, [0x18], varint(newBlob.length)]);
		const length = [newHeader.length >>> 24, (newHeader.length >>> 16) & 0xff, (newHeader.length >>> 8) & 0xff, newHeader.length & 0xff];
		parts.push(concatBytes([length, newHeader, newBlob]));
		pos = blobStart + dataSize;
	}
	return concatBytes(parts);
}

/** OSM PBF → OSM JSON elements (tiny-osmpbf; synchronous, whole file in memory — fine for district extracts). */
export function parseOsmPbf(bytes: Uint8Array): OsmElement[] {
	assertCompletePbf(bytes);
	// tiny-osmpbf reads `input.buffer` from offset 0, so hand it a buffer that starts at the view's start.
	const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
	return tinyOsmPbf(exact).elements;
}

export function readOsmElements(bytes: Uint8Array, format: 'osm-xml' | 'osm-pbf'): OsmElement[] {
	return format === 'osm-pbf' ? parseOsmPbf(bytes) : parseOsmXml(new TextDecoder('utf-8').decode(bytes));
}

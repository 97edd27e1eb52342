/// <reference path="../vendor.d.ts" />
// OSM PBF → OSM JSON elements. The framing is checked and every zlib blob inflated here, within the
// archive limits (../archive) and the format's 32 MiB per blob, before tiny-osmpbf sees the data:
// its own inflater (tiny-inflate) has no output cap and loops forever on corrupt data.
import tinyOsmPbf from 'tiny-osmpbf';
import { FileProblem } from '../issues';
import { checkDeclaredRatio, concatBytes, DEFAULT_ARCHIVE_LIMITS, inflateCapped, tooLargeProblem, type ArchiveLimits } from '../archive';
import type { OsmElement } from './element-types';

/** The spec's limit for one uncompressed blob; a raw_size above it is refused before anything is inflated. */
const MAX_BLOB_BYTES = 32 * 1024 * 1024;
const THE_FILE = { zh: 'PBF 文件', en: 'the PBF file' };

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
	const size = readMessage(header).get(3);
	if (typeof size !== 'number') throw new Error('BlobHeader without datasize');
	return size;
}

/** The framing runs past the end: the file was cut short. */
function truncatedPbf(detail: string): FileProblem {
	return new FileProblem('damaged-file', {
		zh: `OSM PBF 文件不完整，在数据块中间就结束了（${detail}），可能下载或上传时被截断，请重新导出后上传`,
		en: `the OSM PBF file is truncated: it ends in the middle of a data block (${detail}); export it again and re-upload`
	});
}

/**
 * Walks the PBF framing (4-byte header length, BlobHeader, Blob)* and throws unless it ends exactly at the
 * end of the file. tiny-osmpbf loops forever on a truncated file, and truncated uploads do happen.
 */
export function assertCompletePbf(bytes: Uint8Array): void {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let pos = 0;
	while (pos < bytes.length) {
		if (pos + 4 > bytes.length) throw truncatedPbf(`${bytes.length - pos} stray byte(s) at the end`);
		const headerLength = view.getInt32(pos, false);
		const headerStart = pos + 4;
		if (headerLength <= 0) throw new Error(`corrupt PBF at byte ${pos}`);
		if (headerStart + headerLength > bytes.length) throw truncatedPbf(`a block header at byte ${pos} ends after the end of the file`);
		const dataSize = blobDataSize(bytes.subarray(headerStart, headerStart + headerLength));
		pos = headerStart + headerLength + dataSize;
		if (pos > bytes.length) throw truncatedPbf(`a data block ends after the end of the file (${pos} > ${bytes.length} bytes)`);
	}
}

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

/** A protobuf varint's bytes. */
export function varint(value: number): number[] {
	const out: number[] = [];
	while (value >= 0x80) {
		out.push((value % 0x80) | 0x80);
		value = Math.floor(value / 0x80);
	}
	out.push(value);
	return out;
}

/** One zlib blob inflated: exactly to its declared raw_size (when given), at most 32 MiB, and not a bomb. */
async function inflateBlob(zlib: Uint8Array, rawSize: number | undefined, at: number, limits: ArchiveLimits): Promise<Uint8Array> {
	const what = { zh: `第 ${at} 字节处的数据块`, en: `the data block at byte ${at}` };
	if (rawSize !== undefined) {
		if (rawSize > MAX_BLOB_BYTES) throw tooLargeProblem(what, rawSize, MAX_BLOB_BYTES);
		checkDeclaredRatio(what, rawSize, zlib.length, limits);
	}
	const caps = { what, maxBytes: MAX_BLOB_BYTES, expectedBytes: rawSize, maxRatio: limits.maxRatio, ratioFloorBytes: limits.ratioFloorBytes };
	try {
		return await inflateCapped(zlib, 'deflate', caps);
	} catch (error) {
		if (error instanceof FileProblem) throw error;
		throw new Error(`data block at byte ${at} is corrupt (${error instanceof Error ? error.message : error})`);
	}
}

/** One block of a PBF file, inflated: its type ("OSMHeader", "OSMData"), raw bytes and where it starts and ends in the file. */
export interface PbfBlob {
	type: string;
	raw: Uint8Array;
	at: number;
	end: number;
}

/**
 * The file's blocks one at a time, each inflated within the limits (all of them together within
 * limits.maxTotalBytes), so that a large extract is never held inflated whole. `only` limits the walk
 * to blocks starting at those offsets (a second pass over known blocks). The platform's inflater
 * verifies the zlib checksum and fails on corrupt data, where tiny-inflate looped forever (one flipped
 * bit in an upload froze the server).
 */
export async function* pbfBlobs(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS, only?: ReadonlySet<number>): AsyncGenerator<PbfBlob> {
	assertCompletePbf(bytes);
	// What the blocks say they inflate to, refused as a whole before any is read: reading goes block by block.
	let declared = 0;
	for (const frame of pbfFrames(bytes)) declared += frame.raw?.length ?? frame.rawSize ?? 0;
	if (declared > limits.maxTotalBytes) throw tooLargeProblem(THE_FILE, declared, limits.maxTotalBytes);
	let inflated = 0;
	for (const { type, at, end, raw: stored, zlib, rawSize } of pbfFrames(bytes)) {
		if (only && !only.has(at) && type !== 'OSMHeader') continue;
		let raw = stored;
		if (!raw) {
			if (!zlib) throw new Error(`data block at byte ${at} is neither raw nor zlib-compressed`);
			raw = await inflateBlob(zlib, rawSize, at, limits);
		}
		inflated += raw.length;
		if (inflated > limits.maxTotalBytes) throw tooLargeProblem(THE_FILE, inflated, limits.maxTotalBytes);
		yield { type, raw, at, end };
	}
}

/** The file's blocks as stored (a complete file: see assertCompletePbf): type, place, and raw or zlib data. */
function* pbfFrames(bytes: Uint8Array) {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	for (let pos = 0; pos < bytes.length;) {
		const headerLength = view.getInt32(pos, false);
		const header = readMessage(bytes.subarray(pos + 4, pos + 4 + headerLength));
		const type = header.get(1);
		const dataSize = header.get(3);
		if (!(type instanceof Uint8Array) || typeof dataSize !== 'number') throw new Error(`BlobHeader at byte ${pos} without type or datasize`);
		const blobStart = pos + 4 + headerLength;
		const blob = readMessage(bytes.subarray(blobStart, blobStart + dataSize));
		const [raw, zlib, rawSize] = [blob.get(1), blob.get(3), blob.get(2)];
		const at = pos;
		pos = blobStart + dataSize;
		yield {
			type: new TextDecoder().decode(type),
			at,
			end: pos,
			raw: raw instanceof Uint8Array ? raw : undefined,
			zlib: zlib instanceof Uint8Array ? zlib : undefined,
			rawSize: typeof rawSize === 'number' ? rawSize : undefined
		};
	}
}

/** A block framed again as an uncompressed PBF blob (4-byte length, BlobHeader, Blob with raw data). */
function rawFramed(type: string, raw: Uint8Array): Uint8Array {
	const typeBytes = new TextEncoder().encode(type);
	const newBlob = concatBytes([[0x0a], varint(raw.length), raw, [0x10], varint(raw.length)]);
	const newHeader = concatBytes([[0x0a], varint(typeBytes.length), typeBytes, [0x18], varint(newBlob.length)]);
	const length = [newHeader.length >>> 24, (newHeader.length >>> 16) & 0xff, (newHeader.length >>> 8) & 0xff, newHeader.length & 0xff];
	return concatBytes([length, newHeader, newBlob]);
}

/** One data block's elements, with where the block lies in the file (for progress and a second pass). */
export interface OsmPbfBlock {
	elements: OsmElement[];
	at: number;
	end: number;
}

/**
 * OSM PBF → OSM JSON elements a block at a time (about 8,000 elements each): memory holds one block,
 * not the file. tiny-osmpbf decodes each block framed behind the file's header block.
 */
export async function* osmPbfBlocks(
	bytes: Uint8Array,
	limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
	only?: ReadonlySet<number>
): AsyncGenerator<OsmPbfBlock> {
	let header: Uint8Array | null = null;
	for await (const blob of pbfBlobs(bytes, limits, only)) {
		if (blob.type === 'OSMHeader') {
			header = rawFramed(blob.type, blob.raw);
			continue;
		}
		if (blob.type !== 'OSMData') continue;
		if (!header) throw new Error('the PBF file has no header block before its data');
		const elements: OsmElement[] = [];
		// Only inflated blocks (pbfBlobs) reach tiny-osmpbf: its own inflater has no output cap.
		tinyOsmPbf(concatBytes([header, rawFramed(blob.type, blob.raw)]), (e: OsmElement) => void elements.push(e));
		yield { elements, at: blob.at, end: blob.end };
	}
}

/** OSM PBF → OSM JSON elements, the whole file (fine for district extracts; see ./pbf-buildings for cities). */
export async function parseOsmPbf(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<OsmElement[]> {
	const elements: OsmElement[] = [];
	for await (const block of osmPbfBlocks(bytes, limits)) for (const e of block.elements) elements.push(e);
	return elements;
}

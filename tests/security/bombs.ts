// Zip, PBF and gzip bombs built in memory for the security tests and `npm run bench -- bomb`.
// Only node:zlib's compressing side is used here: nothing in this file inflates anything.
import { once } from 'node:events';
import zlib from 'node:zlib';
import { varint } from '$geo/osm/pbf';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface Compressed {
	/** The compressed stream. */
	data: Uint8Array;
	/** Uncompressed size and CRC-32, as a zip header states them. */
	size: number;
	crc: number;
}

/** `size` zero bytes compressed 1 MiB at a time (the whole never sits in memory): ~1 MB per GiB. */
export async function compressedZeros(size: number, format: 'deflate-raw' | 'deflate' | 'gzip' = 'deflate-raw'): Promise<Compressed> {
	const stream =
		format === 'gzip' ? zlib.createGzip({ level: 9 }) : format === 'deflate' ? zlib.createDeflate({ level: 9 }) : zlib.createDeflateRaw({ level: 9 });
	const chunks: Buffer[] = [];
	stream.on('data', (c: Buffer) => chunks.push(c));
	const block = Buffer.alloc(Math.min(MiB, size));
	let crc = 0;
	for (let left = size; left > 0; left -= block.length) {
		const piece = left >= block.length ? block : block.subarray(0, left);
		crc = zlib.crc32(piece, crc);
		if (!stream.write(piece)) await once(stream, 'drain');
	}
	stream.end();
	await once(stream, 'end');
	return { data: new Uint8Array(Buffer.concat(chunks)), size, crc };
}

/** Real data compressed: for entries that must pass. */
export function compressed(bytes: Uint8Array, format: 'deflate-raw' | 'deflate' = 'deflate-raw'): Compressed {
	const data = format === 'deflate' ? zlib.deflateSync(bytes) : zlib.deflateRawSync(bytes);
	return { data: new Uint8Array(data), size: bytes.length, crc: zlib.crc32(bytes) };
}

/** Bytes that compress about as well as real coordinates do (a few : 1), the same every time. */
export function realistic(size: number): Uint8Array {
	const out = new Uint8Array(size);
	let x = 12345;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = i % 4 === 0 ? x >>> 24 : (i * 7) & 0x3f;
	}
	return out;
}

export interface ZipPart {
	name: string;
	content: Compressed;
	/** Lie in the headers: declare this uncompressed size instead of the real one. */
	declaredSize?: number;
}

const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

function localHeader(name: Uint8Array, c: Compressed, size: number): Uint8Array {
	return Uint8Array.from([
		...u32(0x04034b50),
		...u16(20),
		...u16(0x800),
		...u16(8),
		...u16(0),
		...u16(0x21),
		...u32(c.crc),
		...u32(c.data.length),
		...u32(size),
		...u16(name.length),
		...u16(0),
		...name
	]);
}

function directoryHeader(name: Uint8Array, c: Compressed, size: number, offset: number): Uint8Array {
	return Uint8Array.from([
		...u32(0x02014b50),
		...u16(20),
		...u16(20),
		...u16(0x800),
		...u16(8),
		...u16(0),
		...u16(0x21),
		...u32(c.crc),
		...u32(c.data.length),
		...u32(size),
		...u16(name.length),
		...u16(0),
		...u16(0),
		...u16(0),
		...u16(0),
		...u32(0),
		...u32(offset),
		...name
	]);
}

function endRecord(count: number, directorySize: number, directoryStart: number): Uint8Array {
	return Uint8Array.from([...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(count), ...u16(count), ...u32(directorySize), ...u32(directoryStart), ...u16(0)]);
}

function join(parts: Uint8Array[]): Uint8Array {
	return new Uint8Array(Buffer.concat(parts));
}

/** A zip of deflated entries. */
export function buildZip(parts: ZipPart[]): Uint8Array {
	const body: Uint8Array[] = [];
	const directory: Uint8Array[] = [];
	let offset = 0;
	for (const p of parts) {
		const name = new TextEncoder().encode(p.name);
		const size = p.declaredSize ?? p.content.size;
		const header = localHeader(name, p.content, size);
		directory.push(directoryHeader(name, p.content, size, offset));
		body.push(header, p.content.data);
		offset += header.length + p.content.data.length;
	}
	const dir = join(directory);
	return join([...body, dir, endRecord(parts.length, dir.length, offset)]);
}

/** One compressed stream stored once and listed under every name: each entry is the whole bomb (Fifield's trick). */
export function overlappingZip(names: string[], content: Compressed): Uint8Array {
	const first = new TextEncoder().encode(names[0]);
	const header = localHeader(first, content, content.size);
	const dir = join(names.map((n) => directoryHeader(new TextEncoder().encode(n), content, content.size, 0)));
	return join([header, content.data, dir, endRecord(names.length, dir.length, header.length + content.data.length)]);
}

/** `count` tiny entries: a folder zipped whole, or a directory built to be walked. */
export function manyEntryZip(count: number): Uint8Array {
	const tiny = compressed(new Uint8Array([1]));
	return buildZip(Array.from({ length: count }, (_, i) => ({ name: `f${i}.txt`, content: tiny })));
}

/** A Shapefile's parts around a bomb: `layer`.shp is the compressed content, with a small .dbf beside it. */
export function shapefileBomb(content: Compressed, options: { layer?: string; declaredSize?: number; extra?: ZipPart[] } = {}): Uint8Array {
	const layer = options.layer ?? 'bomb';
	const dbf = compressed(new Uint8Array(64));
	return buildZip([{ name: `${layer}.shp`, content, declaredSize: options.declaredSize }, { name: `${layer}.dbf`, content: dbf }, ...(options.extra ?? [])]);
}

// OSM PBF: (4-byte big-endian BlobHeader length, BlobHeader, Blob)*; protobuf fields by hand.
const bytesField = (field: number, bytes: Uint8Array) => join([Uint8Array.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);
const intField = (field: number, n: number) => Uint8Array.from([field << 3, ...varint(n)]);

function pbfBlock(type: string, blob: Uint8Array): Uint8Array {
	const header = join([bytesField(1, new TextEncoder().encode(type)), intField(3, blob.length)]);
	return join([Uint8Array.from(u32(header.length).reverse()), header, blob]);
}

/** An OSM PBF whose one data block is `zlib` (zlib-wrapped deflate), declaring `rawSize` (or nothing). */
export function pbfBomb(zlibData: Compressed, rawSize: number | null = zlibData.size, blocks = 1): Uint8Array {
	const osmHeader = pbfBlock('OSMHeader', bytesField(1, join([bytesField(4, new TextEncoder().encode('OsmSchema-V0.6'))])));
	const blob = join([...(rawSize === null ? [] : [intField(2, rawSize)]), bytesField(3, zlibData.data)]);
	return join([osmHeader, ...Array.from({ length: blocks }, () => pbfBlock('OSMData', blob))]);
}

/** An Excel workbook around a bomb: a real [Content_Types].xml first (so it reads as Office), then xl/worksheets/sheet1.xml as `content`. */
export function xlsxBomb(content: Compressed, options: { declaredSize?: number } = {}): Uint8Array {
	const small = (text: string) => compressed(new TextEncoder().encode(text));
	return buildZip([
		{ name: '[Content_Types].xml', content: small('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
		{
			name: 'xl/workbook.xml',
			content: small(
				'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="a" sheetId="1"/></sheets></workbook>'
			)
		},
		{ name: 'xl/worksheets/sheet1.xml', content, declaredSize: options.declaredSize }
	]);
}

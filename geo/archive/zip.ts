// Reading a zip without trusting it. The central directory says what is inside; it is read first,
// and refused cheaply when it describes too many entries, entries sharing compressed bytes, or
// entries that would inflate too much. Only the entries a reader asks for are inflated, through
// inflateCapped, which holds every entry to the sizes it declared as it inflates.
import { FileProblem } from '../issues';
import { inflateCapped } from './inflate';
import { checkDeclaredRatio, DEFAULT_ARCHIVE_LIMITS, entryCountProblem, overlapProblem, tooLargeProblem, type ArchiveLimits } from './limits';

export interface ZipEntry {
	name: string;
	/** 0 stored, 8 deflated (the only methods read). */
	method: number;
	compressedSize: number;
	/** Uncompressed size, as declared: checked against the real output, never trusted. */
	size: number;
	/** The compressed bytes, a view into the archive. */
	data: Uint8Array;
}

const END_RECORD = 0x06054b50;
const DIRECTORY_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const UTF8_NAME = 0x800;
const ENCRYPTED = 0x1;

const THE_ZIP = { zh: '压缩包', en: 'the zip' };

/** Where the end-of-central-directory record starts (within the last 64 KiB + 22 bytes), or -1. */
function findEndRecord(bytes: Uint8Array): number {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const earliest = Math.max(0, bytes.length - 22 - 0xffff);
	for (let i = bytes.length - 22; i >= earliest; i--) if (view.getUint32(i, true) === END_RECORD) return i;
	return -1;
}

/** Names are UTF-8 when flagged; Chinese Windows tools write GBK without saying so. */
function decodeName(raw: Uint8Array, utf8: boolean): string {
	if (utf8) return new TextDecoder().decode(raw);
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(raw);
	} catch {
		return new TextDecoder('gb18030').decode(raw);
	}
}

interface DirectoryRecord {
	name: string;
	flags: number;
	method: number;
	compressedSize: number;
	size: number;
	localHeader: number;
}

function readDirectory(bytes: Uint8Array, limits: ArchiveLimits): { records: DirectoryRecord[]; directoryStart: number } {
	const end = findEndRecord(bytes);
	if (end < 0) {
		throw new FileProblem('damaged-file', {
			zh: '压缩包缺少结尾的目录记录，文件不完整（可能上传或下载时被截断），请重新压缩后上传',
			en: 'the zip ends without its central directory: it is truncated (cut off in an upload or download); zip the files again and re-upload'
		});
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const count = view.getUint16(end + 10, true);
	const directorySize = view.getUint32(end + 12, true);
	const directoryStart = view.getUint32(end + 16, true);
	if (view.getUint16(end + 4, true) !== 0 || view.getUint16(end + 8, true) !== count) throw new Error('multi-part zip archives are not supported');
	if (count === 0xffff || directoryStart === 0xffffffff) throw new Error('ZIP64 archives are not supported');
	if (count > limits.maxEntries) throw entryCountProblem(count, limits.maxEntries);
	if (directoryStart + directorySize > end) throw new Error('the central directory runs past the end of the file');
	const records: DirectoryRecord[] = [];
	for (let pos = directoryStart, i = 0; i < count; i++) {
		if (pos + 46 > end || view.getUint32(pos, true) !== DIRECTORY_HEADER) throw new Error(`damaged central directory at byte ${pos}`);
		const nameLength = view.getUint16(pos + 28, true);
		const flags = view.getUint16(pos + 8, true);
		records.push({
			name: decodeName(bytes.subarray(pos + 46, pos + 46 + nameLength), (flags & UTF8_NAME) !== 0),
			flags,
			method: view.getUint16(pos + 10, true),
			compressedSize: view.getUint32(pos + 20, true),
			size: view.getUint32(pos + 24, true),
			localHeader: view.getUint32(pos + 42, true)
		});
		pos += 46 + nameLength + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
	}
	return { records, directoryStart };
}

/** The entry's compressed bytes, found through its local header; they must end before the directory. */
function entryData(bytes: Uint8Array, record: DirectoryRecord, directoryStart: number): Uint8Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const at = record.localHeader;
	if (at + 30 > directoryStart || view.getUint32(at, true) !== LOCAL_HEADER) throw new Error(`${record.name}: no local header at byte ${at}`);
	const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
	if (start + record.compressedSize > directoryStart) throw new Error(`${record.name}: its data runs into the central directory`);
	return bytes.subarray(start, start + record.compressedSize);
}

/** Two entries whose bytes overlap: how a 42 kB zip can hold petabytes (each entry a full-size bomb). */
function assertNoOverlap(entries: { name: string; start: number; end: number }[]): void {
	const sorted = [...entries].sort((a, b) => a.start - b.start);
	for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) throw overlapProblem(sorted[i - 1].name, sorted[i].name);
}

/**
 * The entries of a zip (directories left out), checked for count and overlap but not yet inflated.
 * Throws FileProblem "damaged-file" (truncated), "archive-too-large" (too many entries), "zip-bomb"
 * (overlapping entries), or an Error for a zip that is otherwise damaged or of a kind not read.
 */
export function listZip(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): ZipEntry[] {
	const { records, directoryStart } = readDirectory(bytes, limits);
	const located = records.map((record) => ({ record, data: entryData(bytes, record, directoryStart) }));
	assertNoOverlap(located.map(({ record, data }) => ({ name: record.name, start: record.localHeader, end: data.byteOffset - bytes.byteOffset + data.length })));
	return located
		.filter(({ record }) => !record.name.endsWith('/'))
		.map(({ record, data }) => {
			if (record.flags & ENCRYPTED) throw new Error(`${record.name} is encrypted; zip it again without a password`);
			if (record.method !== 0 && record.method !== 8)
				throw new Error(`${record.name} uses compression method ${record.method}; only stored and deflated entries are read`);
			return { name: record.name, method: record.method, compressedSize: record.compressedSize, size: record.size, data };
		});
}

/** The declared sizes of the entries about to be read, against the limits: refused before inflating anything. */
function checkDeclared(entries: ZipEntry[], limits: ArchiveLimits): void {
	for (const e of entries) checkDeclaredRatio(e.name, e.size, e.compressedSize, limits);
	const total = entries.reduce((sum, e) => sum + e.size, 0);
	if (total > limits.maxTotalBytes) throw tooLargeProblem(THE_ZIP, total, limits.maxTotalBytes);
}

/**
 * The uncompressed bytes of `entries` (from listZip), in order. The declared sizes are checked first
 * (each entry's ratio, and their sum against the archive's total); then each entry must inflate to
 * exactly its declared size, so together they stay within the total too.
 */
export async function readZipEntries(entries: ZipEntry[], limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<Uint8Array[]> {
	checkDeclared(entries, limits);
	const out: Uint8Array[] = [];
	for (const e of entries) {
		if (e.method === 0 && e.size !== e.compressedSize) throw new Error(`${e.name}: stored, but ${e.size} bytes declared for ${e.compressedSize} stored`);
		const bytes =
			e.method === 0
				? e.data
				: await inflateCapped(e.data, 'deflate-raw', {
						what: e.name,
						maxBytes: limits.maxTotalBytes,
						expectedBytes: e.size,
						maxRatio: limits.maxRatio,
						ratioFloorBytes: limits.ratioFloorBytes
					});
		out.push(bytes);
	}
	return out;
}

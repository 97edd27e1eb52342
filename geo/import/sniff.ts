// Which reader an upload needs, decided by its content — people rename files, and the bytes do not
// lie. The name only matters when it claims one format and the bytes are clearly another: then the
// file is refused, saying what the name claims and what the file really contains, because that is
// almost always the wrong file picked (or a file renamed to get past the upload form).
// Pure: bytes in, a verdict out (no I/O), so it runs the same on the server, in the CLI and in tests.
import type { SourceFormat } from '../types';
import { fileError, type BilingualText } from '../issues';
import { isBlank } from '../readers/text';

export const ACCEPTED_FORMATS: BilingualText = {
	zh: '可接受的格式：GeoJSON（.geojson/.json）、Shapefile 压缩包（.zip，内含 .shp/.shx/.dbf/.prj）、CSV 或 Excel .xlsx（含表头，点位需经度/纬度列或高斯-克吕格 x/y 列）、OSM XML（.osm）、OSM PBF（.osm.pbf）',
	en: 'accepted formats: GeoJSON (.geojson/.json), zipped Shapefile (.zip with .shp/.shx/.dbf/.prj), CSV or Excel .xlsx (with a header row; points need longitude/latitude or Gauss-Krüger x/y columns), OSM XML (.osm), OSM PBF (.osm.pbf)'
};

export const CSV_DELIMITERS = [',', '\t', ';', '|'] as const;

/** The delimiter that occurs most often in the header line, or undefined if none does. */
export function sniffDelimiter(headerLine: string): string | undefined {
	let best: string | undefined;
	let bestCount = 0;
	for (const delimiter of CSV_DELIMITERS) {
		const count = headerLine.split(delimiter).length - 1;
		if (count > bestCount) {
			best = delimiter;
			bestCount = count;
		}
	}
	return best;
}

export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** What the bytes are, whatever the file is called. */
export type SniffedContent =
	| { kind: 'empty' }
	| { kind: 'zip' }
	/** A zip that is an Office document (.xlsx/.docx/.ods), not a Shapefile archive; `workbook`: an Excel .xlsx. */
	| { kind: 'office-zip'; workbook: boolean }
	| { kind: 'osm-pbf' }
	/** A bare .shp (big-endian file code 9994) without its .dbf/.prj. */
	| { kind: 'shp' }
	/** Not text: NUL bytes, or bytes that are neither UTF-8 nor GB18030 text. `what` names it when known. */
	| { kind: 'binary'; what: BilingualText }
	| {
			kind: 'text';
			/** json: starts with { or [; osm-xml: XML with an <osm> root; xml: other XML; csv: a delimited header; plain: none of these. */
			shape: 'json' | 'osm-xml' | 'xml' | 'csv' | 'plain';
			encoding: TextEncodingName;
			/** The whole file decoded (byte-order mark removed). */
			text: string;
	  };

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((byte, i) => bytes[at + i] === byte);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04", a local file header
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06]; // an empty archive: only the end record
const SHP_MAGIC = [0x00, 0x00, 0x27, 0x0a]; // big-endian 9994, the .shp file code

/** Binary formats people upload by mistake, named so the refusal can say what the file is. */
const BINARY_SIGNATURES: { magic: number[]; what: BilingualText }[] = [
	{ magic: [0x89, 0x50, 0x4e, 0x47], what: { zh: 'PNG 图片', en: 'a PNG image' } },
	{ magic: [0xff, 0xd8, 0xff], what: { zh: 'JPEG 图片', en: 'a JPEG image' } },
	{ magic: ascii('GIF8'), what: { zh: 'GIF 图片', en: 'a GIF image' } },
	{ magic: ascii('%PDF'), what: { zh: 'PDF 文档', en: 'a PDF document' } },
	{ magic: [0x1f, 0x8b], what: { zh: 'gzip 压缩文件（请先解压）', en: 'a gzip-compressed file (decompress it first)' } },
	{ magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: { zh: '7z 压缩包（请改用 .zip）', en: 'a 7z archive (use .zip instead)' } },
	{ magic: ascii('Rar!'), what: { zh: 'RAR 压缩包（请改用 .zip）', en: 'a RAR archive (use .zip instead)' } },
	{ magic: ascii('MZ'), what: { zh: 'Windows 程序（.exe/.dll）', en: 'a Windows program (.exe/.dll)' } },
	{ magic: [0x7f, 0x45, 0x4c, 0x46], what: { zh: '可执行程序（ELF）', en: 'an executable program (ELF)' } },
	{
		magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
		what: { zh: '旧版 Office 文档（.xls/.doc，请另存为 CSV）', en: 'an old Office document (.xls/.doc; save it as CSV)' }
	},
	{
		magic: ascii('SQLite format 3'),
		what: { zh: 'SQLite 数据库（GeoPackage 请先导出为 GeoJSON）', en: 'an SQLite database (export a GeoPackage to GeoJSON first)' }
	}
];
const UNKNOWN_BINARY: BilingualText = { zh: '无法识别的二进制数据（不是文本）', en: 'unrecognised binary data (not text)' };

/** osm.pbf: a 4-byte big-endian BlobHeader length, then the BlobHeader whose type string is "OSMHeader". */
function looksLikeOsmPbf(bytes: Uint8Array): boolean {
	if (bytes.length < 16) return false;
	const headerLength = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
	if (headerLength === 0 || headerLength > 64 * 1024) return false; // the format caps BlobHeaders at 64 KiB
	return new TextDecoder('latin1').decode(bytes.subarray(4, 32)).includes('OSMHeader');
}

/** Office Open XML / OpenDocument files are zips too; their first entries give them away. */
function looksLikeOfficeZip(bytes: Uint8Array): boolean {
	const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
	return head.includes('[Content_Types].xml') || /^PK\x03\x04[\s\S]{26}mimetypeapplication\/vnd\.oasis\.opendocument/.test(head);
}

/** An Excel workbook names its xl/workbook.xml part in the zip's directory, at the end of the file. */
function looksLikeWorkbook(bytes: Uint8Array): boolean {
	const latin1 = new TextDecoder('latin1');
	return (
		latin1.decode(bytes.subarray(0, 4096)).includes('xl/workbook.xml') ||
		latin1.decode(bytes.subarray(Math.max(0, bytes.length - 65536))).includes('xl/workbook.xml')
	);
}

/**
 * Decodes `bytes` with a fatal decoder, tolerating only a multi-byte character cut off at the very end
 * (a truncated upload). Undefined when the bytes are not text in that encoding.
 */
function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string | undefined {
	try {
		const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
		const text = decoder.decode(bytes, { stream: true });
		try {
			return text + decoder.decode();
		} catch {
			return text + '\ufffd'; // an incomplete character at the end
		}
	} catch {
		return undefined;
	}
}

/** Control characters that never appear in CSV/JSON/XML text (tab, newlines and form feed excepted). */
const CONTROL = /[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]/g;

function looksBinaryText(text: string): boolean {
	const head = text.slice(0, 65536);
	const controls = head.match(CONTROL)?.length ?? 0;
	return controls > Math.max(4, head.length / 100);
}

/** Text in the encodings Chinese offices produce: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030. */
function decodeTextContent(bytes: Uint8Array): { encoding: TextEncodingName; text: string } | undefined {
	if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
		// Excel's "Unicode text" export: UTF-16 with a byte-order mark (and NUL bytes in every ASCII character).
		const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
		const text = decodeStrict(bytes.subarray(2), encoding);
		return text === undefined || text.includes('\0') ? undefined : { encoding, text };
	}
	if (bytes.includes(0)) return undefined; // NUL never occurs in 8-bit text
	const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
	const utf8 = decodeStrict(body, 'utf-8');
	if (utf8 !== undefined) return { encoding: 'utf-8', text: utf8 };
	const gb = decodeStrict(bytes, 'gb18030');
	if (gb !== undefined) return { encoding: 'gb18030', text: gb };
	return undefined;
}

function textShape(text: string): 'json' | 'osm-xml' | 'xml' | 'csv' | 'plain' {
	const start = text.slice(0, 4096).trimStart();
	if (start.startsWith('<')) return /<osm[\s>]/.test(start) ? 'osm-xml' : 'xml';
	// "[" opens JSON only when a JSON value follows: a CSV header may well start with "[id]".
	if (start.startsWith('{') || /^\[\s*($|[{["\]\d-])/.test(start)) return 'json';
	const firstLine = start.split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
	return sniffDelimiter(firstLine) !== undefined ? 'csv' : 'plain';
}

/** What the bytes are. Never throws. */
export function sniffContent(bytes: Uint8Array): SniffedContent {
	if (isBlank(bytes)) return { kind: 'empty' };
	if (startsWith(bytes, ZIP_MAGIC) || (startsWith(bytes, EMPTY_ZIP_MAGIC) && bytes.length === 22)) {
		return looksLikeOfficeZip(bytes) ? { kind: 'office-zip', workbook: looksLikeWorkbook(bytes) } : { kind: 'zip' };
	}
	if (looksLikeOsmPbf(bytes)) return { kind: 'osm-pbf' };
	if (startsWith(bytes, SHP_MAGIC)) return { kind: 'shp' };
	const signature = BINARY_SIGNATURES.find((s) => startsWith(bytes, s.magic));
	// "MZ…" could begin a text file; only call it a program when it is not text.
	const decoded = signature && signature.magic.length > 2 ? undefined : decodeTextContent(bytes);
	if (!decoded || looksBinaryText(decoded.text)) return { kind: 'binary', what: signature?.what ?? UNKNOWN_BINARY };
	return { kind: 'text', shape: textShape(decoded.text), encoding: decoded.encoding, text: decoded.text };
}

/** What a file name claims to be. */
export type ClaimedFormat = SourceFormat | 'text' | 'office' | 'shp' | 'other' | 'none';

export function extensionOf(fileName: string): string {
	const base = fileName.toLowerCase().replace(/^.*[\\/]/, '');
	if (base.endsWith('.osm.pbf')) return 'osm.pbf';
	const dot = base.lastIndexOf('.');
	return dot <= 0 ? '' : base.slice(dot + 1);
}

const CLAIMS: Record<string, ClaimedFormat> = {
	geojson: 'geojson',
	json: 'geojson',
	csv: 'csv',
	tsv: 'csv',
	txt: 'text',
	zip: 'shapefile-zip',
	osm: 'osm-xml',
	xml: 'osm-xml',
	'osm.pbf': 'osm-pbf',
	pbf: 'osm-pbf',
	xlsx: 'office',
	xls: 'office',
	xlsm: 'office',
	docx: 'office',
	doc: 'office',
	ods: 'office',
	shp: 'shp',
	'': 'none',
	bin: 'none',
	dat: 'none',
	tmp: 'none'
};

export function claimedFormat(fileName: string): ClaimedFormat {
	const extension = extensionOf(fileName);
	return Object.hasOwn(CLAIMS, extension) ? CLAIMS[extension] : 'other';
}

type SpecificClaim = Exclude<ClaimedFormat, 'none' | 'other' | 'office'>;

const CLAIM_LABELS: Record<SpecificClaim, BilingualText> = {
	shp: { zh: 'Shapefile 的 .shp 部分', en: 'the .shp part of a Shapefile' },
	geojson: { zh: 'GeoJSON', en: 'GeoJSON' },
	csv: { zh: 'CSV 表格', en: 'a CSV table' },
	xlsx: { zh: 'Excel 工作簿', en: 'an Excel workbook' },
	text: { zh: '文本', en: 'text' },
	'shapefile-zip': { zh: 'Shapefile 压缩包', en: 'a zipped Shapefile' },
	'osm-xml': { zh: 'OSM XML', en: 'OSM XML' },
	'osm-pbf': { zh: 'OSM PBF', en: 'OSM PBF' }
};

/** What the content is, in words, with the start of a text file so people recognise it. */
export function describeContent(content: SniffedContent): BilingualText {
	switch (content.kind) {
		case 'empty':
			return { zh: '空文件', en: 'nothing (it is empty)' };
		case 'zip':
			return { zh: 'ZIP 压缩包', en: 'a zip archive' };
		case 'office-zip':
			return { zh: 'Excel/Word 等 Office 文档', en: 'an Office document (Excel, Word…)' };
		case 'osm-pbf':
			return { zh: 'OSM PBF 数据', en: 'OSM PBF data' };
		case 'shp':
			return { zh: '单独的 .shp 文件', en: 'a bare .shp file' };
		case 'binary':
			return content.what;
		case 'text': {
			const start = preview(content.text);
			const shape: Record<typeof content.shape, BilingualText> = {
				json: { zh: 'JSON 文本', en: 'JSON text' },
				'osm-xml': { zh: 'OSM XML 数据', en: 'OSM XML data' },
				xml: { zh: 'XML 文本', en: 'XML text' },
				csv: { zh: '带分隔符的表格文本（CSV）', en: 'delimited table text (CSV)' },
				plain: { zh: '普通文本', en: 'plain text' }
			};
			return { zh: `${shape[content.shape].zh}（开头为“${start}”）`, en: `${shape[content.shape].en} (starting "${start}")` };
		}
	}
}

/** The first characters of a text, on one line, for messages. */
function preview(text: string): string {
	const flat = text.trimStart().slice(0, 60).replace(/\s+/g, ' ').replace(CONTROL, '\ufffd');
	const chars = [...flat];
	return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : flat;
}

export interface ResolvedFormat {
	format: SourceFormat;
	/** GeoJSON and CSV: the decoded text and its encoding. */
	text?: string;
	encoding?: TextEncodingName;
}

function unknownFormat(fileName: string, text: BilingualText) {
	return fileError(fileName, 'unknown-format', { zh: `${text.zh}。${ACCEPTED_FORMATS.zh}`, en: `${text.en}. ${ACCEPTED_FORMATS.en}` });
}

/** A .shp on its own (by its bytes or its name): say to zip it with its companions. */
function bareShp(fileName: string) {
	return unknownFormat(fileName, {
		zh: '单独的 .shp 文件缺少属性和坐标系，请把同名的 .shp、.shx、.dbf、.prj 一起压缩成 .zip 上传',
		en: 'a bare .shp file lacks its attributes and coordinate system; zip the .shp, .shx, .dbf and .prj files together and upload the .zip'
	});
}

/** The name says one accepted format, the bytes are clearly another. */
function mismatch(fileName: string, claim: SpecificClaim, content: SniffedContent) {
	const ext = extensionOf(fileName);
	const said = CLAIM_LABELS[claim];
	const is = describeContent(content);
	return fileError(fileName, 'format-mismatch', {
		zh: `文件名是 .${ext}（${said.zh}），但内容是${is.zh}；请确认选对了文件（若内容无误，请改正扩展名后重新上传）。${ACCEPTED_FORMATS.zh}`,
		en: `the name says .${ext} (${said.en}) but the file contains ${is.en}; check that this is the right file (if the content is right, correct the extension and upload again). ${ACCEPTED_FORMATS.en}`
	});
}

/** Which formats each content kind may be named as without a mismatch. */
function agrees(claim: ClaimedFormat, format: SourceFormat): boolean {
	switch (claim) {
		case 'none':
		case 'other':
		case 'office':
			return true;
		case 'text':
			return format === 'csv' || format === 'geojson' || format === 'osm-xml';
		case 'osm-xml':
		case 'osm-pbf':
			return format === 'osm-xml' || format === 'osm-pbf'; // OSM data is OSM data, XML or PBF
		case 'shp':
			return format === 'shapefile-zip'; // the zip of a Shapefile, named after its .shp
		default:
			return claim === format;
	}
}

/**
 * The format of an upload, from its content. Throws ImportFileError:
 * "empty-file"; "format-mismatch" when the name claims an accepted format and the content is clearly
 * another (a .geojson that is a zip, a .csv that is a program or an image); "unknown-format" for
 * content no reader takes (binary data, other XML, text without a delimited header, Office files,
 * a bare .shp), listing the accepted formats.
 */
export function resolveFormat(fileName: string, bytes: Uint8Array): ResolvedFormat {
	const content = sniffContent(bytes);
	const claim = claimedFormat(fileName);
	const ext = extensionOf(fileName);
	const claimed = (format: SourceFormat, extra: Omit<ResolvedFormat, 'format'> = {}): ResolvedFormat => {
		if (agrees(claim, format)) return { format, ...extra };
		throw mismatch(fileName, claim as SpecificClaim, content);
	};
	switch (content.kind) {
		case 'empty':
			throw fileError(fileName, 'empty-file', { zh: '文件为空', en: 'the file is empty' });
		case 'office-zip':
			if (content.workbook) return claimed('xlsx');
			throw unknownFormat(fileName, {
				zh: `这是 Office 文档（${ext ? `.${ext}` : 'Word/OpenDocument'}），不能直接读取；表格请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后上传`,
				en: `this is an Office document (${ext ? `.${ext}` : 'Word/OpenDocument'}) and cannot be read directly; save the table as .xlsx or CSV (UTF-8) and upload that`
			});
		case 'zip':
			if (claim === 'office') {
				throw unknownFormat(fileName, {
					zh: `不能直接读取 .${ext} 文件，请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后上传`,
					en: `.${ext} files cannot be read directly; save the sheet as .xlsx or CSV (UTF-8) and upload that`
				});
			}
			return claimed('shapefile-zip');
		case 'osm-pbf':
			return claimed('osm-pbf');
		case 'shp':
			throw bareShp(fileName);
		case 'binary':
			if (claim === 'shp') throw bareShp(fileName);
			if (claim === 'office') {
				throw unknownFormat(fileName, {
					zh: `不能直接读取 .${ext} 文件，请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后上传`,
					en: `.${ext} files cannot be read directly; save the sheet as .xlsx or CSV (UTF-8) and upload that`
				});
			}
			if (claim !== 'none' && claim !== 'other') throw mismatch(fileName, claim, content);
			throw unknownFormat(fileName, {
				zh: `这是${content.what.zh}，不是可导入的数据文件`,
				en: `this is ${content.what.en}, not a data file that can be imported`
			});
		case 'text': {
			if (claim === 'shp') throw bareShp(fileName);
			const decoded = { text: content.text, encoding: content.encoding };
			switch (content.shape) {
				case 'osm-xml':
					return claimed('osm-xml');
				case 'json':
					return claimed('geojson', decoded);
				case 'xml':
					if (claim === 'geojson' || claim === 'csv') throw mismatch(fileName, claim, content);
					throw unknownFormat(fileName, {
						zh: '这是 XML 文件，但不是 OSM XML（找不到 <osm> 根元素；KML/GML 请先转换为 GeoJSON）',
						en: 'this is XML but not OSM XML (no <osm> root element; convert KML/GML to GeoJSON first)'
					});
				case 'csv':
					return claimed('csv', decoded);
				case 'plain':
					if (claim === 'geojson' || claim === 'shapefile-zip' || claim === 'osm-pbf' || claim === 'osm-xml') throw mismatch(fileName, claim, content);
					throw unknownFormat(fileName, {
						zh: `无法识别文件格式（不是 GeoJSON、Shapefile 压缩包、带分隔符表头的 CSV 或 OSM 数据；开头为“${preview(content.text)}”）`,
						en: `unrecognised file format (not GeoJSON, a zipped Shapefile, a CSV with a delimited header, or OSM data; it starts "${preview(content.text)}")`
					});
			}
		}
	}
}

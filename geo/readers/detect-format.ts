// Which reader a file needs, decided from its first bytes first and its name second:
// people rename files, and the bytes do not lie.
import type { SourceFormat } from '../types';
import { fileError } from '../issues';
import { decodeText, isBlank } from './text';

const ACCEPTED_FORMATS = {
	zh: '可接受的格式：GeoJSON（.geojson/.json）、Shapefile 压缩包（.zip，内含 .shp/.shx/.dbf/.prj）、CSV（含表头，点位需经度/纬度列）、OSM XML（.osm）、OSM PBF（.osm.pbf）',
	en: 'accepted formats: GeoJSON (.geojson/.json), zipped Shapefile (.zip with .shp/.shx/.dbf/.prj), CSV (with a header row; points need longitude/latitude columns), OSM XML (.osm), OSM PBF (.osm.pbf)'
};

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04"
const SHP_MAGIC = [0x00, 0x00, 0x27, 0x0a]; // big-endian 9994, the .shp file code

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
	return magic.every((byte, i) => bytes[i] === byte);
}

/** osm.pbf: a 4-byte big-endian header length, then a BlobHeader whose type string is "OSMHeader". */
function looksLikeOsmPbf(bytes: Uint8Array): boolean {
	if (bytes.length < 16) return false;
	const head = new TextDecoder('latin1').decode(bytes.subarray(4, 32));
	return head.includes('OSMHeader');
}

/** The first non-blank line, used to sniff the CSV delimiter. */
function firstLine(text: string): string {
	return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

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

function extensionOf(fileName: string): string {
	const lower = fileName.toLowerCase();
	if (lower.endsWith('.osm.pbf')) return 'osm.pbf';
	const dot = lower.lastIndexOf('.');
	return dot === -1 ? '' : lower.slice(dot + 1);
}

/**
 * Detects the format of an uploaded file. Throws ImportFileError "empty-file" for blank files and
 * "unknown-format" (listing the accepted formats) for anything else it cannot read.
 */
export function detectFormat(fileName: string, bytes: Uint8Array): SourceFormat {
	if (isBlank(bytes)) {
		throw fileError(fileName, 'empty-file', { zh: '文件为空', en: 'the file is empty' });
	}
	const extension = extensionOf(fileName);
	if (startsWith(bytes, ZIP_MAGIC)) {
		// .xlsx/.docx are zip files too; say what to do instead of failing inside the Shapefile reader.
		if (['xlsx', 'xls', 'docx', 'ods'].includes(extension)) {
			throw fileError(fileName, 'unknown-format', {
				zh: `不能直接读取 .${extension} 文件，请在 Excel/WPS 中“另存为 CSV（UTF-8）”后上传。${ACCEPTED_FORMATS.zh}`,
				en: `.${extension} files cannot be read directly; save the sheet as CSV (UTF-8) and upload that. ${ACCEPTED_FORMATS.en}`
			});
		}
		return 'shapefile-zip';
	}
	if (looksLikeOsmPbf(bytes)) return 'osm-pbf';
	if (startsWith(bytes, SHP_MAGIC) || extension === 'shp') {
		throw fileError(fileName, 'unknown-format', {
			zh: `单独的 .shp 文件缺少属性和坐标系，请把同名的 .shp、.shx、.dbf、.prj 一起压缩成 .zip 上传。${ACCEPTED_FORMATS.zh}`,
			en: `a bare .shp file lacks its attributes and coordinate system; zip the .shp, .shx, .dbf and .prj files together and upload the .zip. ${ACCEPTED_FORMATS.en}`
		});
	}

	// Everything else must be text. A NUL byte early on means binary (an image, a PDF, a database).
	const head = bytes.subarray(0, 4096);
	if (head.includes(0)) {
		throw fileError(fileName, 'unknown-format', {
			zh: `无法识别的二进制文件。${ACCEPTED_FORMATS.zh}`,
			en: `unrecognised binary file. ${ACCEPTED_FORMATS.en}`
		});
	}
	const text = decodeText(head).trimStart();
	if (text.startsWith('<')) {
		if (/<osm[\s>]/.test(text)) return 'osm-xml';
		throw fileError(fileName, 'unknown-format', {
			zh: `这是 XML 文件，但不是 OSM XML（找不到 <osm> 根元素；KML/GML 请先转换为 GeoJSON）。${ACCEPTED_FORMATS.zh}`,
			en: `this is XML but not OSM XML (no <osm> root element; convert KML/GML to GeoJSON first). ${ACCEPTED_FORMATS.en}`
		});
	}
	if (text.startsWith('{') || text.startsWith('[')) return 'geojson';
	if (['geojson', 'json'].includes(extension)) return 'geojson';
	if (sniffDelimiter(firstLine(text)) !== undefined) return 'csv';
	throw fileError(fileName, 'unknown-format', {
		zh: `无法识别文件格式（不是 GeoJSON、Shapefile 压缩包、带分隔符表头的 CSV 或 OSM 数据）。${ACCEPTED_FORMATS.zh}`,
		en: `unrecognised file format (not GeoJSON, a zipped Shapefile, a CSV with a delimited header, or OSM data). ${ACCEPTED_FORMATS.en}`
	});
}

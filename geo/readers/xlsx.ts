// Excel workbooks (.xlsx) → a header and rows of text, for the same table reader as CSV.
// The workbook is a zip: its XML parts are inflated here by readZipEntries within the archive limits
// (../archive: ratio, total, entry count, overlap), then re-packed *stored* for read-excel-file, which
// unzips for itself — so it only copies bytes already inflated under the caps. Nothing else in the
// workbook (images, printer settings) is inflated at all.
import readXlsxFile from 'read-excel-file/universal';
import { fileError, fileProblemError } from '../issues';
import { DEFAULT_ARCHIVE_LIMITS, listZip, readZipEntries, storedZip, type ArchiveLimits } from '../archive';
import type { SheetOptions } from '../types';
import { shown, shownList } from '../import/text';

export interface XlsxTable {
	sheet: string;
	/** 1-based row of the header in the sheet. */
	headerRow: number;
	header: string[];
	/** The rows below the header, cells as text. */
	rows: string[][];
}

/** How far down a sheet the header row is looked for (titles and notes often come first). */
const HEADER_SEARCH_ROWS = 20;

type Cell = string | number | boolean | Date | null | undefined | object;

function cellText(cell: Cell): string {
	if (cell === null || cell === undefined) return '';
	if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString();
	return String(cell).trim();
}

/** The parts read-excel-file reads (it skips everything else too). */
const isXmlPart = (name: string) => name.endsWith('.xml') || name.endsWith('.xml.rels');

async function unpackCapped(bytes: Uint8Array, fileName: string, limits: ArchiveLimits): Promise<Uint8Array> {
	try {
		const entries = listZip(bytes, limits).filter((e) => isXmlPart(e.name));
		const contents = await readZipEntries(entries, limits);
		return storedZip(entries.map((e, i) => ({ name: e.name, bytes: contents[i] })));
	} catch (error) {
		throw fileProblemError(fileName, error) ?? damaged(fileName, error);
	}
}

function damaged(fileName: string, error: unknown) {
	const detail = error instanceof Error ? error.message : String(error);
	return fileError(fileName, 'invalid-xlsx', {
		zh: `Excel 文件已损坏或无法读取（${shown(detail)}）；请在 Excel/WPS 中打开后重新保存为 .xlsx`,
		en: `the Excel file is damaged or cannot be read (${shown(detail)}); open it in Excel/WPS and save it again as .xlsx`
	});
}

/** The first row within HEADER_SEARCH_ROWS with the most recognised column names (at least one). */
function findHeaderRow(rows: string[][], recognised: (column: string) => boolean): number | undefined {
	let best: number | undefined;
	let bestCount = 0;
	rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, i) => {
		const count = row.filter((cell) => cell !== '' && recognised(cell)).length;
		if (count > bestCount) {
			best = i;
			bestCount = count;
		}
	});
	return best;
}

/**
 * Reads the sheet to import: the one named (or numbered from 1) in `options.name`, else the first whose
 * header row has recognised column names; the header row is `options.headerRow` (from 1) or the row
 * with most recognised names among the first 20. Throws ImportFileError "invalid-xlsx",
 * "xlsx-sheet-missing", "xlsx-no-header", "empty-file", and the archive limits' "zip-bomb" /
 * "archive-too-large".
 */
export async function readXlsx(
	bytes: Uint8Array,
	fileName: string,
	recognised: (column: string) => boolean,
	options: SheetOptions = {},
	limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
): Promise<XlsxTable> {
	const stored = await unpackCapped(bytes, fileName, limits);
	let sheets: { sheet: string; data: Cell[][] }[];
	try {
		sheets = (await readXlsxFile(stored.buffer as ArrayBuffer, { trim: true })) as unknown as { sheet: string; data: Cell[][] }[];
	} catch (error) {
		throw damaged(fileName, error);
	}
	const names = sheets.map((s) => s.sheet);
	const tables = sheets.map((s) => ({ sheet: s.sheet, rows: s.data.map((row) => row.map(cellText)) }));
	let candidates = tables;
	if (options.name !== undefined && options.name.trim() !== '') {
		const wanted = options.name.trim();
		const byName = tables.find((t) => t.sheet === wanted) ?? (/^\d+$/.test(wanted) ? tables[Number(wanted) - 1] : undefined);
		if (!byName) {
			throw fileError(fileName, 'xlsx-sheet-missing', {
				zh: `工作簿中没有工作表“${shown(wanted)}”；现有工作表：${shownList(names, '、')}（也可用序号 1–${names.length}）`,
				en: `the workbook has no sheet "${shown(wanted)}"; sheets: ${shownList(names, ', ')} (or a number 1–${names.length})`
			});
		}
		candidates = [byName];
	}
	for (const table of candidates) {
		const at = options.headerRow !== undefined ? options.headerRow - 1 : findHeaderRow(table.rows, recognised);
		if (at === undefined || at >= table.rows.length) continue;
		const header = table.rows[at];
		const rows = table.rows.slice(at + 1);
		if (!rows.some((r) => r.some((c) => c !== ''))) {
			if (candidates.length > 1) continue;
			throw fileError(fileName, 'empty-file', {
				zh: `工作表“${table.sheet}”第 ${at + 1} 行表头以下没有数据`,
				en: `sheet "${table.sheet}" has no data below its header on row ${at + 1}`
			});
		}
		return { sheet: table.sheet, headerRow: at + 1, header, rows };
	}
	const where =
		candidates.length === 1
			? { zh: `工作表“${candidates[0].sheet}”`, en: `sheet "${candidates[0].sheet}"` }
			: { zh: `工作表 ${shownList(names, '、')}`, en: `sheets ${shownList(names, ', ')}` };
	throw fileError(fileName, 'xlsx-no-header', {
		zh: `${where.zh}的前 ${HEADER_SEARCH_ROWS} 行中找不到可识别的表头（如 名称、类别、经度、纬度、楼栋编号、社区编码、户数、人口）；请用 --sheet/--header-row（导入页“工作表”“表头行”）指明`,
		en: `no recognised header row (e.g. name, category, lon, lat, building_id, community code, households, population) in the first ${HEADER_SEARCH_ROWS} rows of ${where.en}; name them with --sheet/--header-row (the upload page's sheet and header-row fields)`
	});
}

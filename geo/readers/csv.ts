// CSV text → one GeoJSON Point feature per data row. Column names are matched case-insensitively,
// with Chinese aliases, because spreadsheets from different offices name them differently.
import { dsvFormat } from 'd3-dsv';
import type { Feature, FeatureCollection } from 'geojson';
import type { FeatureIssue } from '../types';
import { featureIssue, fileError } from '../issues';
import { sniffDelimiter } from './detect-format';
import { shown, shownList } from '../import/text';

// x/y and easting/northing also name Gauss–Krüger metres (with --crs EPSG:…): x is the easting, as in GIS
// software (Chinese survey tables call the northing X; such tables name their columns 东坐标/北坐标).
export const LONGITUDE_COLUMNS = ['lon', 'lng', 'long', 'longitude', 'x', '经度', '东经', 'easting', '东坐标'];
export const LATITUDE_COLUMNS = ['lat', 'latitude', 'y', '纬度', '北纬', 'northing', '北坐标'];

export interface CsvReadOptions {
	lon?: string;
	lat?: string;
	delimiter?: string;
	fileName?: string;
}

export interface CsvReadResult {
	/** One feature per non-blank data row; geometry is null when the row has no usable coordinates. */
	collection: FeatureCollection;
	/** 0-based data-row position of each feature (blank lines are skipped but still counted). */
	rowIndexes: number[];
	columns: string[];
	delimiter: string;
	/** The longitude/latitude columns used, or null for an attribute-only table (e.g. a code list). */
	coordinateColumns: { lon: string; lat: string } | null;
	/** Rows whose coordinates are missing or not numbers (rule "csv-coordinates"). */
	rowIssues: FeatureIssue[];
}

function findColumn(columns: string[], candidates: string[]): string | undefined {
	const byLowerName = new Map(columns.map((column) => [column.trim().toLowerCase(), column]));
	for (const candidate of candidates) {
		const column = byLowerName.get(candidate);
		if (column !== undefined) return column;
	}
	return undefined;
}

/** The header column for an explicitly configured name (case-insensitive), or an error naming the header. */
function requireColumn(columns: string[], wanted: string, fileName: string): string {
	const column = findColumn(columns, [wanted.trim().toLowerCase()]);
	if (column !== undefined) return column;
	throw fileError(fileName, 'csv-column-missing', {
		zh: `表头中没有指定的坐标列“${shown(wanted)}”；现有列：${shownList(columns, '、')}`,
		en: `the header has no column "${shown(wanted)}"; columns present: ${shownList(columns, ', ')}`
	});
}

function resolveCoordinateColumns(columns: string[], options: CsvReadOptions, fileName: string) {
	const lon = options.lon ? requireColumn(columns, options.lon, fileName) : findColumn(columns, LONGITUDE_COLUMNS);
	const lat = options.lat ? requireColumn(columns, options.lat, fileName) : findColumn(columns, LATITUDE_COLUMNS);
	if (lon !== undefined && lat !== undefined) return { lon, lat };
	if (lon === undefined && lat === undefined) return null;
	// Only one of the two found: almost certainly a typo in the other header, so do not guess.
	const [found, missing, expected] =
		lon === undefined
			? [{ zh: '纬度', en: 'latitude' }, { zh: '经度', en: 'longitude' }, LONGITUDE_COLUMNS]
			: [{ zh: '经度', en: 'longitude' }, { zh: '纬度', en: 'latitude' }, LATITUDE_COLUMNS];
	throw fileError(fileName, 'csv-no-coordinates', {
		zh: `找到了${found.zh}列，但没有${missing.zh}列（列名应为 ${expected.join('/')} 之一）；现有列：${shownList(columns, '、')}`,
		en: `found a ${found.en} column but no ${missing.en} column (expected one of ${expected.join('/')}); columns present: ${shownList(columns, ', ')}`
	});
}

const DECIMAL_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A coordinate cell as a number, or a bilingual reason why it is not one. */
function parseCoordinate(raw: string | undefined, axis: { zh: string; en: string }) {
	const text = (raw ?? '').trim();
	if (text === '') return { error: { zh: `缺少${axis.zh}`, en: `${axis.en} is missing` } };
	if (!DECIMAL_NUMBER.test(text)) {
		return {
			error: {
				zh: `${axis.zh}“${shown(text)}”不是数字（应为十进制度，如 118.7969）`,
				en: `${axis.en} "${shown(text)}" is not a number (use decimal degrees, e.g. 118.7969)`
			}
		};
	}
	return { value: Number(text) };
}

/**
 * Parses CSV text. Longitude/latitude columns come from options or are auto-detected
 * (lon/lng/longitude/x/经度 and lat/latitude/y/纬度). A table with neither column is returned
 * with null geometries; the caller decides whether that layer accepts an attribute-only table.
 */
export function readCsv(text: string, options: CsvReadOptions = {}): CsvReadResult {
	const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
	const delimiter = options.delimiter ?? sniffDelimiter(firstLine) ?? ',';
	const [header, ...dataRows] = dsvFormat(delimiter).parseRows(text.replace(/^\uFEFF/, ''));
	return { ...readTable(header ?? [], dataRows, options), delimiter };
}

/**
 * A table already split into cells (a CSV, or an Excel sheet below its header row) → features, as
 * readCsv. `rowOffset` places row 0 of `dataRows` in the file's numbering (messages say
 * "row index + 2", the header being row 1): an Excel header on row h gives rowOffset h − 1.
 */
export function readTable(header: string[], dataRows: string[][], options: CsvReadOptions = {}, rowOffset = 0): Omit<CsvReadResult, 'delimiter'> {
	const fileName = options.fileName ?? 'CSV';
	const columns = header.map((column) => column.trim());
	const nonBlankRows = dataRows
		.map((cells, rowIndex) => ({ cells, rowIndex: rowIndex + rowOffset }))
		.filter(({ cells }) => cells.some((cell) => cell.trim() !== ''));
	if (columns.length === 0 || nonBlankRows.length === 0) {
		throw fileError(fileName, 'empty-file', { zh: '表格只有表头，没有数据行', en: 'the table has a header but no data rows' });
	}

	const coordinateColumns = resolveCoordinateColumns(columns, options, fileName);
	const lonAt = coordinateColumns ? columns.indexOf(coordinateColumns.lon) : -1;
	const latAt = coordinateColumns ? columns.indexOf(coordinateColumns.lat) : -1;
	const features: Feature[] = [];
	const rowIndexes: number[] = [];
	const rowIssues: FeatureIssue[] = [];
	for (const { cells, rowIndex } of nonBlankRows) {
		const properties: Record<string, string> = {};
		columns.forEach((column, i) => {
			if (i !== lonAt && i !== latAt) properties[column] = (cells[i] ?? '').trim();
		});
		const feature: Feature = { type: 'Feature', properties, geometry: null as unknown as Feature['geometry'] };
		if (coordinateColumns) {
			const lon = parseCoordinate(cells[lonAt], { zh: '经度', en: 'longitude' });
			const lat = parseCoordinate(cells[latAt], { zh: '纬度', en: 'latitude' });
			const errors = [lon.error, lat.error].filter((error) => error !== undefined);
			if (errors.length > 0) {
				const rawId = properties.id || properties.ID || undefined;
				const id = rawId === undefined ? undefined : shown(rawId, 40);
				rowIssues.push(
					featureIssue({ fileName, index: rowIndex, id, csvRow: true }, 'csv-coordinates', {
						zh: `${errors.map((e) => e.zh).join('；')}，该行未导入`,
						en: `${errors.map((e) => e.en).join('; ')}; the row was not imported`
					})
				);
			} else {
				feature.geometry = { type: 'Point', coordinates: [lon.value!, lat.value!] };
			}
		}
		features.push(feature);
		rowIndexes.push(rowIndex);
	}
	return { collection: { type: 'FeatureCollection', features }, rowIndexes, columns, coordinateColumns, rowIssues };
}

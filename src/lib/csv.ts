// Every CSV the app writes goes through here. A spreadsheet runs a cell that begins with = + - @
// (or a tab or carriage return before one) as a formula, so a grid named =HYPERLINK("http://…")
// would become a live link in a checker's Excel (OWASP "CSV injection"): such text is written with
// a leading apostrophe, which spreadsheets show as plain text. Numbers are written as numbers.
import { csvFormatRows } from 'd3-dsv';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type CsvValue = string | number | boolean | null | undefined;

/** One cell's text, safe to open in a spreadsheet. */
export function csvCell(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	const text = String(value);
	return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * A CSV document: the header, then the rows, each cell made safe. `bom` (default on) starts it with
 * a UTF-8 byte-order mark, without which Excel reads Chinese text as mojibake.
 */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvValue[])[], options: { bom?: boolean } = {}): string {
	const body = csvFormatRows([header.map(csvCell), ...rows.map((r) => r.map(csvCell))]) + '\n';
	return options.bom === false ? body : '\ufeff' + body;
}

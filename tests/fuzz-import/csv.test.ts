// Fuzzing the CSV importer: seeded, malformed tables — bad quotes, wrong columns, bad coordinates, BOMs,
// mixed newlines, UTF-16, enormous cells. Each one must either succeed or be refused with a typed,
// bilingual error, and a refused table must leave every table as it was (tests/helpers/fuzz/judge.ts).
// Settings (seed, scale, trace): tests/helpers/fuzz/city.ts.
import { it } from 'vitest';
import type { LayerName } from '$geo/types';
import type { Random } from '$geo/synth/prng';
import { COUNT } from '../helpers/fuzz/city';
import { bigString, chance, clean, expandPlaceholders, int, junk, LAYERS, pick, properties } from '../helpers/fuzz/values';
import { enc, fileName, mangle, request, type Generated } from '../helpers/fuzz/bytes';
import { describeFuzz } from '../helpers/fuzz/run';

const CSV_COLUMNS: Record<LayerName, string[][]> = {
	subdistricts: [
		['code', 'name'],
		['街道编码', '街道名称', '区县']
	],
	communities: [
		['code', 'name', 'households', 'street_name'],
		['社区编码', '社区名称', '户数', '人口']
	],
	grids: [['code', 'name', 'lon', 'lat']],
	buildings: [['id', 'levels', 'lon', 'lat']],
	facilities: [
		['name', 'category', 'lon', 'lat'],
		['名称', '类别', '经度', '纬度'],
		['name', 'category', 'x', 'y']
	],
	roads: [['name', 'lon', 'lat']],
	landcover: [['kind', 'lng', 'lat']],
	cases: [
		['id', 'category', 'status', 'reported_at', 'description', 'lng', 'lat'],
		['编号', '类别', '上报时间', '经度', '纬度']
	],
	registers: [
		['building_id', 'households', 'population'],
		['社区编码', '实有户数', '实有人口']
	]
};

/** What a spreadsheet cell would show for a value (placeholders expanded). */
function asCell(value: unknown): string {
	if (typeof value === 'string') return expandPlaceholders(JSON.stringify(value)).replace(/^"|"$/g, '');
	try {
		return expandPlaceholders(JSON.stringify(value) ?? '');
	} catch {
		return '[[[…]]]';
	}
}

function csvCell(r: Random, column: string, props: Record<string, unknown>, i: number): string {
	const [lon, lat] = clean(r);
	const bad = () => pick(r, ['abc', '', ' ', '118,79', '１１８.７', '1e400', 'NaN', 'Infinity', '0x10', '-', '118.7.9', '"', asCell(junk(r))]);
	if (/^(lon|lng|x|经度)$/.test(column)) return chance(r, 0.85) ? String(lon) : bad();
	if (/^(lat|y|纬度)$/.test(column)) return chance(r, 0.85) ? String(lat) : bad();
	const value =
		props[column] ??
		props[
			{
				街道编码: 'code',
				社区编码: 'code',
				街道名称: 'name',
				社区名称: 'name',
				名称: 'name',
				类别: 'category',
				户数: 'households',
				编号: 'id',
				上报时间: 'reported_at'
			}[column] ?? ''
		] ??
		`v${i}`;
	if (chance(r, 0.9)) return asCell(value);
	return pick(r, [bad(), 'a"b', '"unterminated', 'x\ny', '=cmd|calc', '\ud800', 'x'.repeat(300)]);
}

/** A CSV table for a random layer: bad quotes, wrong columns, bad coordinates, BOMs, mixed newlines. */
function generateCsv(r: Random, n: number): Generated {
	// Mostly the layers a CSV can fill (points and code lists); the others are refused as a whole.
	const layer = chance(r, 0.8) ? pick(r, ['facilities', 'cases', 'subdistricts', 'communities'] as const) : pick(r, LAYERS);
	const delimiter = chance(r, 0.8) ? ',' : pick(r, ['\t', ';', '|']);
	let columns = [...pick(r, CSV_COLUMNS[layer])];
	if (chance(r, 0.1)) columns = columns.concat(Array.from({ length: int(r, 1, 2000) }, (_, i) => `extra${i}`));
	if (chance(r, 0.05)) columns.push(columns[0]); // a duplicate column
	if (chance(r, 0.05)) columns.push('');
	if (chance(r, 0.1)) columns = columns.map((c) => (chance(r, 0.5) ? c.toUpperCase() : ` ${c} `));
	// Many rows or many columns, never both: a few hundred thousand cells at most.
	const rows = columns.length > 20 ? int(r, 0, 40) : chance(r, 0.03) ? int(r, 1000, 4000) : int(r, 0, 15);
	const quote = (cell: string) => (/[",\n\r;|\t]/.test(cell) && chance(r, 0.9) ? `"${cell.replaceAll('"', '""')}"` : cell);
	const lines = [columns.map(quote).join(delimiter)];
	for (let i = 0; i < rows; i++) {
		const props = properties(r, layer, i);
		let cells = columns.map((c) => csvCell(r, c.trim().toLowerCase(), props, i));
		if (chance(r, 0.05)) cells = cells.slice(0, int(r, 0, cells.length)); // missing cells
		if (chance(r, 0.05)) cells.push('surplus', 'cells');
		let line = cells.map(quote).join(delimiter);
		if (chance(r, 0.04)) line = line.replace(/"/, ''); // unbalanced quote
		if (chance(r, 0.02)) line = `"${line}`;
		if (chance(r, 0.03)) line = '';
		lines.push(line);
	}
	if (chance(r, 0.05) && lines.length > 1) lines[int(r, 1, lines.length - 1)] += `${delimiter}"${bigString(r, 1000, 200_000).replaceAll('"', '""')}"`; // one enormous cell
	const newline = () => pick(r, ['\n', '\r\n', '\r', '\n']);
	const mixed = chance(r, 0.3);
	const eol = newline();
	let text = lines.map((l) => l + (mixed ? newline() : eol)).join('');
	if (chance(r, 0.2)) text = `\ufeff${text}`;
	if (chance(r, 0.05)) text = text.replace('\n', '\n\ufeff');
	if (chance(r, 0.02)) text = text.replace(',', ',\u0000'); // a NUL byte: binary, not a CSV
	let bytes: Uint8Array = enc.encode(text);
	if (chance(r, 0.05)) {
		// Excel's "Unicode text": UTF-16LE with a BOM
		const utf16 = new Uint8Array(2 + text.length * 2);
		utf16.set([0xff, 0xfe]);
		for (let i = 0; i < text.length; i++) {
			utf16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
			utf16[3 + 2 * i] = text.charCodeAt(i) >> 8;
		}
		bytes = utf16;
	}
	if (chance(r, 0.25)) bytes = mangle(r, bytes);
	const req = request(r, layer, fileName(r, `fuzz-${n}.csv`), bytes);
	if (chance(r, 0.1))
		req.csv = {
			lon: pick(r, ['lng', 'lon', '经度', 'nope', ' LON ']),
			lat: pick(r, ['lat', '纬度', 'nope']),
			delimiter: chance(r, 0.5) ? delimiter : pick(r, [',', ';', ''])
		};
	return { req, label: `csv #${n} (${layer}, ${rows} rows, ${bytes.length} bytes)` };
}

describeFuzz('the CSV importer', ({ runImports }) => {
	it(`CSV: ${COUNT.csv} malformed tables`, () => runImports('csv', generateCsv), 240_000);
});

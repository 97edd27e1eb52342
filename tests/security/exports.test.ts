// Spreadsheet formula injection (issue 16, finding 8). A community renamed (by an import, as an
// office would) to a formula comes out of every CSV export as text a spreadsheet won't run; and no
// source file writes CSV except through src/lib/csv.ts, so a new export can't forget.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startApp, type AppServer } from '../browser/helpers/app-server';
import { csvCell, csvDocument } from '../../src/lib/csv';

const FORMULAS = ['=HYPERLINK("http://evil.example","点此")', "@SUM(1+1)*cmd|' /C calc'!A0", '+1+2', '-3+4', '\t=1+1', '\r=1+1'];

describe('csvCell', () => {
	it.each(FORMULAS)('writes %j as text', (f) => expect(csvCell(f)).toBe(`'${f}`));
	it('leaves numbers, plain text and codes alone', () => {
		expect(csvCell(-3.5)).toBe('-3.5');
		expect(csvCell('-3.5')).toBe('-3.5');
		expect(csvCell('+12')).toBe('+12');
		expect(csvCell('320102002001')).toBe('320102002001');
		expect(csvCell('大行宫社区')).toBe('大行宫社区');
		expect(csvCell(null)).toBe('');
		expect(csvCell(true)).toBe('true');
	});
	it('quotes what needs quoting after neutralising', () => {
		expect(csvDocument(['a'], [['=1,2']], { bom: false })).toBe(`a\n"'=1,2"\n`);
	});
});

describe('no CSV is written outside src/lib/csv.ts', () => {
	it('only the helper calls d3-dsv’s writers', () => {
		const offenders: string[] = [];
		const walk = (dir: string) => {
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, e.name);
				if (e.isDirectory()) walk(p);
				else if (/\.(ts|js|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
					const text = fs.readFileSync(p, 'utf8');
					if (/csvFormat(Rows|Body|Row|Value)?\b|tsvFormat/.test(text) && !p.endsWith(path.join('src', 'lib', 'csv.ts')))
						offenders.push(path.relative(ROOT, p));
				}
			}
		};
		for (const d of ['src', 'geo', 'bin', 'scripts']) walk(path.join(ROOT, d));
		expect(offenders).toEqual([]);
	});
});

describe('CSV exports over HTTP', () => {
	let app: AppServer;
	let community: string;
	const evil = FORMULAS[0];

	beforeAll(async () => {
		app = await startApp();
		const units = await (await app.fetch(`${app.url}/api/layers/communities`)).json();
		community = units.features[0].properties.code;
		// Rename the community by importing the official code list with a formula for its name.
		const csv = `village_code,village_name,street_code,street_name\n${community},"${evil.replaceAll('"', '""')}",${community.slice(0, 9)},街道\n`;
		const form = new FormData();
		form.set('layer', 'communities');
		form.set('crs', 'wgs84');
		form.set('file', new Blob([csv]), 'rename.csv');
		const res = await app.fetch(`${app.url}/import`, { method: 'POST', headers: { origin: app.url, 'x-sveltekit-action': 'true' }, body: form });
		expect(await res.text()).toMatch(/"type":"success"/);
	}, 300_000);
	afterAll(() => app?.stop());

	const cellsOf = (csv: string) =>
		csv
			.replace(/^\ufeff/, '')
			.split('\n')
			.flatMap((line) => line.split(','));

	it.each([
		['coverage', () => `/api/coverage?format=csv`],
		['plan export', () => `/api/plans/${community}/export?format=csv`]
	])('%s: the formula comes out as text', async (_, url) => {
		const text = await (await app.fetch(`${app.url}${url()}`)).text();
		expect(text).toContain(`'=HYPERLINK(`);
		expect(cellsOf(text).some((c) => /^"?=/.test(c))).toBe(false);
	});
});

// Issue 23 part 2 — what agencies deliver, read as delivered: boundaries and facility tables in CGCS2000
// Gauss–Krüger metres (--crs EPSG:…), a household / population register as an Excel workbook, and an OSM
// extract, loaded into an empty database, give the same coverage as the same data in WGS-84 GeoJSON/CSV.
// Fixtures: tests/fixtures/crs-xlsx (made by its make-fixtures.ts from the demo's public data).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from './helpers/engines';
import { importFile } from '../src/lib/server/imports';
import { coverageJson, DELIVERED, FIX, householdFigures, load, PBF, REFERENCE } from './helpers/deliveries';
import type { Db } from '../src/lib/server/db';
import { ImportFileError } from '$geo/types';

for (const engine of testEngines()) {
	describe(`agency deliveries (${engine.name})`, () => {
		let delivered: Db;
		let reference: Db;
		let reference2: typeof engine;
		beforeAll(async () => {
			delivered = await engine.open();
			reference2 = testEngines().find((e) => e.name === engine.name)!;
			reference = await reference2.open();
		}, 600_000);
		afterAll(async () => {
			await engine.cleanup();
			await reference2?.cleanup();
		});

		it('Gauss–Krüger boundaries and tables, an Excel register and OSM give the coverage of the WGS-84 files', async () => {
			const got = await load(delivered, DELIVERED);
			const want = await load(reference, REFERENCE);
			expect(got.map((s) => [s.layer, s.written, s.rejected])).toEqual(want.map((s) => [s.layer, s.written, s.rejected]));
			expect(
				got.every((s) => s.rejected === 0),
				JSON.stringify(got.flatMap((s) => s.rejectedIssues.slice(0, 3)))
			).toBe(true);
			expect(got.at(-1)!.format).toBe('xlsx');
			expect(got.at(-1)!.sheet).toEqual({ name: '实有房屋', headerRow: 3 }); // detected below the title rows
			expect(got.at(-1)!.written).toBe(42); // 40 buildings and 2 communities
			const coverage = await coverageJson(delivered);
			expect(coverage).toEqual(await coverageJson(reference));
			expect((coverage as unknown[]).length).toBeGreaterThan(24);
			expect(await householdFigures(delivered)).toEqual(await householdFigures(reference));
		}, 1_200_000);

		it('official counts replace estimates, are marked official, and keep the estimate beside them', async () => {
			const [b] = await delivered.query<{ n: number; estimated: number; kept: number; people: number }>(
				`SELECT count(*)::int n, count(*) FILTER (WHERE households_estimated)::int estimated,
					count(*) FILTER (WHERE households_estimate IS NOT NULL AND households <> households_estimate)::int kept,
					count(*) FILTER (WHERE population IS NOT NULL)::int people
				 FROM buildings WHERE households_official`
			);
			expect(b).toEqual({ n: 40, estimated: 0, kept: 40, people: 40 });
			const [c] = await delivered.query<{ n: number }>(
				`SELECT count(*)::int n FROM communities WHERE households_official AND population_official AND NOT households_estimated`
			);
			expect(c.n).toBe(2);
			// re-importing the footprints keeps the register's counts
			const before = await delivered.query(`SELECT source_id, households FROM buildings WHERE households_official ORDER BY source_id`);
			await load(delivered, [{ file: PBF, layer: 'buildings' }]);
			expect(await delivered.query(`SELECT source_id, households FROM buildings WHERE households_official ORDER BY source_id`)).toEqual(before);
		}, 300_000);

		it('keeps the facility attributes capacity rules need (seats, beds, opening hours)', async () => {
			const rows = await delivered.query<{ source_id: string; attributes: Record<string, unknown> }>(
				`SELECT source_id, attributes FROM facilities WHERE attributes IS NOT NULL ORDER BY source_id`
			);
			expect(rows.length).toBeGreaterThan(0);
			const fromCsv = rows.filter((r) => !r.source_id.includes('/')); // the table's rows have no id column of their own: content hashes
			const fromOsm = rows.filter((r) => r.source_id.includes('/'));
			expect(fromCsv.length).toBeGreaterThan(0);
			expect(fromOsm.length).toBeGreaterThan(0);
			expect(fromCsv.some((r) => typeof r.attributes.opening_hours === 'string')).toBe(true);
			expect(fromCsv.some((r) => typeof r.attributes.seats === 'number')).toBe(true);
		});

		it('refuses a register row naming an unknown building or community, naming the row', async () => {
			const csv = '楼栋编号,社区编码,实有户数\nway/0,,10\n,999999999999,20\n';
			const s = await importFile(delivered, { fileName: 'bad-register.csv', bytes: new TextEncoder().encode(csv), layer: 'registers', dryRun: true });
			expect(s.rejectedIssues.map((i) => i.rule)).toEqual(['unknown-building', 'unknown-community']);
			expect(s.rejectedIssues[0].message).toMatch(/第 2 行.*row 2/);
		});

		it('says the zone is wrong when metres land outside China', async () => {
			const csv = fs.readFileSync(`${FIX}/facilities-epsg4528.csv`);
			const s = await importFile(delivered, { fileName: 'zone.csv', bytes: new Uint8Array(csv), layer: 'facilities', crs: 'EPSG:4549', dryRun: true });
			expect(s.written).toBe(0);
			expect(s.rejectedIssues[0].rule).toBe('wrong-zone');
			expect(s.rejectedIssues[0].message).toMatch(/带号前缀 40 指向 EPSG:4528.*zone prefix 40, i\.e\. EPSG:4528/);
		});

		it('without --crs, Gauss–Krüger metres are refused with the code to give', async () => {
			const csv = fs.readFileSync(`${FIX}/facilities-epsg4528.csv`);
			const s = await importFile(delivered, { fileName: 'metres.csv', bytes: new Uint8Array(csv), layer: 'facilities', dryRun: true });
			expect(s.written).toBe(0);
			expect(s.rejectedIssues[0].message).toMatch(/--crs EPSG:4491–4554.*EPSG:4528/);
		});

		it('reads a named sheet and header row, and names the sheets when one is missing', async () => {
			const bytes = new Uint8Array(fs.readFileSync(`${FIX}/registers.xlsx`));
			const s = await importFile(delivered, { fileName: 'registers.xlsx', bytes, layer: 'registers', sheet: { name: '实有房屋', headerRow: 3 }, dryRun: true });
			expect([s.written, s.rejected]).toEqual([42, 0]);
			const error = await importFile(delivered, { fileName: 'registers.xlsx', bytes, layer: 'registers', sheet: { name: '房屋' } }).catch((e) => e);
			expect(error).toBeInstanceOf(ImportFileError);
			expect(error.rule).toBe('xlsx-sheet-missing');
			expect(error.message).toMatch(/说明、实有房屋.*说明, 实有房屋/);
			const noHeader = await importFile(delivered, { fileName: 'registers.xlsx', bytes, layer: 'registers', sheet: { name: '说明' } }).catch((e) => e);
			expect(noHeader.rule).toBe('xlsx-no-header');
		});
	});
}

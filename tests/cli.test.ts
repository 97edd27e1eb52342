// `npx gridatlas import …` end to end: the summary, exit codes, usage errors, and the guard that
// keeps the CLI off an embedded database another process holds (through the app: tests/cli-live.test.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/lib/server/db';
import { coverageJson, DELIVERED, householdFigures, load, REFERENCE } from './helpers/deliveries';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-cli-'));
const cli = (...args: string[]) =>
	spawnSync(process.execPath, ['bin/gridatlas.js', ...args], {
		encoding: 'utf8',
		env: { ...process.env, GRIDATLAS_DATA_DIR: dataDir, DATABASE_URL: '' }
	});

describe('gridatlas CLI', () => {
	afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

	it('imports the official subdistrict list and prints the summary; again without duplicates', () => {
		const first = cli('import', 'demo/admin-codes/nanjing-3201-subdistricts.csv', '--layer', 'subdistricts');
		expect(first.status, first.stderr).toBe(0);
		expect(first.stdout).toMatch(/read:\s+140/);
		expect(first.stdout).toMatch(/written:\s+140 \(新增 new 140, 更新 updated 0\)/);
		const again = cli('import', 'demo/admin-codes/nanjing-3201-subdistricts.csv', '--layer', 'subdistricts', '--dry-run');
		expect(again.stdout).toMatch(/dry run/);
		expect(again.stdout).toMatch(/新增 new 0, 更新 updated 140/);
	}, 120_000);

	it('imports OSM facilities into a database without the demo (the tag mapping comes from migrations)', () => {
		const r = cli('import', 'demo/osm/xinjiekou.osm.pbf', '--layer', 'facilities');
		expect(r.status, r.stderr).toBe(0);
		expect(Number(/written:\s+(\d+)/.exec(r.stdout)?.[1])).toBeGreaterThan(100);
		const list = cli('mapping', 'list');
		expect(list.stdout).toMatch(/amenity=school\s+→ school/);
		const add = cli('mapping', 'add', 'amenity=parking', 'no_such_category');
		expect(add.status).toBe(2);
		expect(add.stderr).toMatch(/unknown facility category "no_such_category"/);
	}, 120_000);

	it('takes an empty database through what agencies deliver (Gauss–Krüger, Excel, OSM) to the coverage of the same data in WGS-84', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-cli-gk-'));
		const run = (...args: string[]) =>
			spawnSync(process.execPath, ['bin/gridatlas.js', ...args], { encoding: 'utf8', env: { ...process.env, GRIDATLAS_DATA_DIR: dir, DATABASE_URL: '' } });
		try {
			for (const step of DELIVERED) {
				const r = run('import', step.file, '--layer', step.layer, ...(step.crs ? ['--crs', step.crs] : []));
				expect(r.status, `${step.file}: ${r.stderr}`).toBe(0);
				expect(r.stdout, step.file).toMatch(/rejected:\s+0\b/);
			}
			const coverage = run('coverage', '--format', 'json');
			expect(coverage.status, coverage.stderr).toBe(0);
			const reference = await openDb({ dataDir: 'memory://' });
			try {
				await load(reference, REFERENCE);
				expect(JSON.parse(coverage.stdout)).toEqual(await coverageJson(reference));
				const delivered = await openDb({ dataDir: path.join(dir, 'pglite') });
				try {
					expect(await householdFigures(delivered)).toEqual(await householdFigures(reference));
				} finally {
					await delivered.close();
				}
			} finally {
				await reference.close();
			}
			const bad = run('import', DELIVERED[0].file, '--layer', 'subdistricts', '--crs', 'EPSG:4600');
			expect(bad.status).toBe(2);
			expect(bad.stderr).toMatch(/EPSG:4600.*EPSG:4491–4501/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 1_800_000);

	it('refuses a file that is not a known format with exit code 1 and the reason', () => {
		const bad = path.join(dataDir, 'notes.txt');
		fs.writeFileSync(bad, '\u0000\u0001binary junk\u0002');
		const r = cli('import', bad, '--layer', 'facilities');
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('nothing written');
		expect(r.stderr).toContain('notes.txt');
	}, 120_000);

	it('explains usage errors with exit code 2, before opening any database', () => {
		const r = cli('import', 'demo/nanjing/grids.geojson', '--layer', 'parcels');
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/must be one of: subdistricts, communities, grids/);
		expect(cli('import', '--layer', 'grids').status).toBe(2);
		expect(cli('import', 'missing.geojson', '--layer', 'grids').stderr).toMatch(/no such file/);
	});

	it('will not open an embedded database another process holds, and says what to do', () => {
		// An app without a command channel (an older version): the CLI cannot run through it.
		fs.writeFileSync(path.join(dataDir, 'gridatlas.pid'), String(process.pid));
		try {
			const r = cli('import', 'demo/nanjing/grids.geojson', '--layer', 'grids');
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/in use by the running app \(pid \d+\), which has no command channel[^]*restart the app, or stop it first/);
		} finally {
			fs.rmSync(path.join(dataDir, 'gridatlas.pid'));
		}
		// Another command holds it (an import, a backup): wait for it.
		fs.writeFileSync(path.join(dataDir, 'gridatlas.pid'), `${process.pid}\ncli\n`);
		try {
			const r = cli('token', 'list');
			expect(r.status).toBe(1);
			expect(r.stderr).toMatch(/in use by another gridatlas command \(pid \d+\): wait for it to finish/);
		} finally {
			fs.rmSync(path.join(dataDir, 'gridatlas.pid'));
		}
	});
});

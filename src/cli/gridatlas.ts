// gridatlas — command line for GridAtlas: import data, run migrations, load the demo city.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ImportFileError, LAYERS, type LayerName } from '../../geo/types';
import { parseImportCrs } from '../../geo/crs/epsg-codes';
import { openDb, defaultDataDir } from '../lib/server/db';
import { importFile, ImportLimitError, ImportRejectedError, type ImportSummary } from '../lib/server/imports';
import { loadDemo } from '../lib/server/demo';
import { MAPPING_USAGE, MappingUsageError, runMapping } from './mapping';
import { assertDataDirFree } from '../lib/server/datadir-lock';
import { formatSummary } from './summary';
import { loadDemoTemplate, synthFileNames, writeSynthCity, writeSynthGeoJSON, type SynthRunOptions } from '../lib/server/synth';
import { planSynth, SynthOptionsError, type SynthPlan } from '../../geo/synth';
import { COVERAGE_USAGE, CoverageUsageError, runCoverage } from './coverage';
import { ISOCHRONE_USAGE, IsochroneUsageError, parseIsochroneArgs, runIsochrone } from './isochrone';
import { ACCOUNTS_USAGE, AccountsUsageError, runToken, runUser } from './accounts';
import { runAs } from '../lib/server/auth/actor';
import os from 'node:os';
import { SIMULATE_USAGE, SimulateUsageError, parseSimulateArgs, runSimulateCases } from './simulate-cases';
import { BACKUP_USAGE, runBackup, runRestore } from './backup';

const USAGE = `用法 / usage:
  gridatlas import <file> --layer <${LAYERS.join('|')}> [--crs wgs84|gcj02|bd09|EPSG:4490…4554] [--dry-run] [--strict]
                   [--lon-column <name>] [--lat-column <name>] [--delimiter <c>] [--illustrative]
                   [--sheet <name|n>] [--header-row <n>]   (.xlsx: sheet and header row; detected when left out)
                   [--dwelling-size <m²>] [--default-levels <n>] [--synthetic-codes]
  gridatlas migrate           apply database migrations
  gridatlas demo              (re)load the bundled Nanjing demo city
  gridatlas synth --buildings <n> [--grids <n>] [--seed 1] [--out city.geojson]
                              synthetic city (demo block repeated, codes 99…, illustrative) into the
                              database, or into city.{subdistricts,communities,grids,buildings}.geojson
                              (import those with --synthetic-codes: province 99 is refused otherwise)
${COVERAGE_USAGE}
${ISOCHRONE_USAGE}
${SIMULATE_USAGE}
${ACCOUNTS_USAGE}
${MAPPING_USAGE}
${BACKUP_USAGE}

Files: GeoJSON, zipped Shapefile (.zip), CSV or Excel .xlsx with longitude/latitude (or Gauss–Krüger x/y) columns,
OpenStreetMap .osm / .osm.pbf, registers of households/population by building id or community code,
and the official code-list CSVs (subdistricts / communities, no coordinates).
Database: DATABASE_URL=postgres://… for a PostgreSQL + PostGIS server; otherwise the embedded database
in GRIDATLAS_DATA_DIR (default ./data).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (!command || command === 'help' || command === '--help' || command === '-h') {
		console.log(USAGE);
		return command ? 0 : 2;
	}
	if (command === 'import') return runImport(rest);
	if (command === 'migrate') return withDb(async () => 0, 'migrate');
	if (command === 'demo') {
		return withDb(async (db) => {
			await loadDemo(db, (m) => console.log(m));
			return 0;
		});
	}
	if (command === 'synth') return runSynth(rest);
	if (command === 'coverage') return withDb((db) => runCoverage(db, rest));
	if (command === 'isochrone') {
		const req = parseIsochroneArgs(rest);
		return withDb((db) => runIsochrone(db, req));
	}
	if (command === 'user') return runUser(rest, withDb);
	if (command === 'token') return runToken(rest, withDb);
	if (command === 'mapping') return runMapping(rest, withDb);
	if (command === 'simulate-cases') return runSimulateCases(parseSimulateArgs(rest)); // HTTP only, no database
	if (command === 'backup') return runBackup(rest);
	if (command === 'restore') return runRestore(rest);
	throw new UsageError(`未知命令 / unknown command: ${command}`);
}

async function runSynth(args: string[]): Promise<number> {
	let values: Record<string, string | undefined>;
	try {
		({ values } = parseArgs({
			args,
			options: { buildings: { type: 'string' }, grids: { type: 'string' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } }
		}));
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
	const count = (flag: string) => {
		const text = values[flag];
		if (text === undefined) return undefined;
		if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${flag} 必须是非负整数 / --${flag} must be a non-negative integer`);
		return Number(text);
	};
	const options: SynthRunOptions = { buildings: count('buildings'), grids: count('grids'), seed: count('seed') };
	options.template = await loadDemoTemplate();
	let plan: SynthPlan;
	try {
		plan = planSynth(options.template, options);
	} catch (err) {
		if (err instanceof SynthOptionsError) throw new UsageError(err.message);
		throw err;
	}
	const target = values.out ? Object.values(synthFileNames(values.out)).join(', ') : process.env.DATABASE_URL ? 'PostgreSQL' : defaultDataDir();
	console.log(
		`合成城市 / synthetic city: ${plan.copies} 个副本 copies, ${plan.subdistricts} 街道 subdistricts, ${plan.communities} 社区 communities, ` +
			`${plan.grids} 网格 grids, ${plan.buildings} 建筑 buildings (seed ${plan.seed}) → ${target}`
	);
	// A bar on a terminal; otherwise (logs, CI) a line about every 10 %.
	const tty = process.stderr.isTTY;
	const bar = new cliProgress.SingleBar(
		{ format: 'synth [{bar}] {value}/{total} copies · {grids} grids · {buildings} buildings', stream: process.stderr, hideCursor: true },
		cliProgress.Presets.shades_classic
	);
	if (tty) bar.start(plan.copies, 0, { grids: 0, buildings: 0 });
	let lastTenth = 0;
	options.onProgress = (done) => {
		if (tty) bar.update(done.copies, done);
		else if (Math.floor((done.copies * 10) / plan.copies) > lastTenth || done.copies === plan.copies) {
			lastTenth = Math.floor((done.copies * 10) / plan.copies);
			console.log(`  ${done.copies}/${plan.copies} copies, ${done.grids} grids, ${done.buildings} buildings`);
		}
	};
	try {
		const summary = values.out ? await writeSynthGeoJSON(values.out, options) : await withDb((db) => writeSynthCity(db, options));
		if (tty) bar.stop();
		console.log(`完成 / done in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.written.grids} grids, ${summary.written.buildings} buildings`);
		return 0;
	} finally {
		if (tty) bar.stop();
	}
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>, what = 'open'): Promise<T> {
	const databaseUrl = process.env.DATABASE_URL || undefined;
	if (!databaseUrl) assertDataDirFree(defaultDataDir());
	const db = await openDb({ databaseUrl });
	try {
		const result = await fn(db);
		if (what === 'migrate') console.log(`migrations applied (${db.engine})`);
		return result;
	} finally {
		await db.close();
	}
}

async function runImport(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			layer: { type: 'string' },
			crs: { type: 'string', default: 'wgs84' },
			'dry-run': { type: 'boolean', default: false },
			strict: { type: 'boolean', default: false },
			illustrative: { type: 'boolean', default: false },
			'synthetic-codes': { type: 'boolean', default: false },
			'lon-column': { type: 'string' },
			'lat-column': { type: 'string' },
			delimiter: { type: 'string' },
			sheet: { type: 'string' },
			'header-row': { type: 'string' },
			'dwelling-size': { type: 'string' },
			'default-levels': { type: 'string' }
		}
	});
	if (positionals.length !== 1) throw new UsageError('请给出一个文件 / give exactly one file to import');
	const file = positionals[0];
	const layer = values.layer as LayerName;
	if (!LAYERS.includes(layer)) throw new UsageError(`--layer 必须是 / must be one of: ${LAYERS.join(', ')}`);
	const parsedCrs = parseImportCrs(values.crs ?? 'wgs84');
	if (!parsedCrs.ok) throw new UsageError(`--crs: ${parsedCrs.text.zh} / ${parsedCrs.text.en}`);
	const crs = parsedCrs.crs;
	const headerRow = values['header-row'];
	if (headerRow !== undefined && !/^[1-9][0-9]{0,5}$/.test(headerRow)) throw new UsageError('--header-row 必须是从 1 开始的行号 / must be a row number counted from 1');
	if (!fs.existsSync(file)) throw new UsageError(`文件不存在 / no such file: ${file}`);
	const households: Record<string, number> = {};
	for (const [flag, key] of [['dwelling-size', 'dwellingSizeM2'], ['default-levels', 'defaultLevels']] as const) {
		if (values[flag] === undefined) continue;
		const n = Number(values[flag]);
		if (!(n > 0)) throw new UsageError(`--${flag} 必须是正数 / must be a positive number`);
		households[key] = n;
	}
	const bytes = new Uint8Array(fs.readFileSync(file));
	const bar = new cliProgress.SingleBar(
		{ format: `${path.basename(file)} → ${layer} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
		cliProgress.Presets.shades_classic
	);
	let started = false;
	return withDb(async (db) => {
		let summary: ImportSummary;
		try {
			summary = await importFile(db, {
				fileName: file,
				bytes,
				layer,
				crs,
				dryRun: values['dry-run'],
				strict: values.strict,
				illustrative: values.illustrative,
				syntheticCodes: values['synthetic-codes'],
				csv: { lon: values['lon-column'], lat: values['lat-column'], delimiter: values.delimiter },
				sheet: { name: values.sheet, headerRow: headerRow === undefined ? undefined : Number(headerRow) },
				households,
				onProgress: (done, total) => {
					if (total < 2000) return;
					if (!started) bar.start(total, 0);
					started = true;
					bar.update(done);
				}
			});
		} finally {
			if (started) bar.stop();
		}
		console.log(formatSummary(summary));
		// Nothing taken from a file that had features is a failure for scripts, too.
		return summary.written === 0 && summary.rejected > 0 ? 1 : 0;
	});
}

// Changes made from the command line are audited as the operating-system user who made them.
const cliActor = `cli:${(() => {
	try {
		return os.userInfo().username;
	} catch {
		return 'unknown';
	}
})()}`;

runAs(cliActor, () => main(process.argv.slice(2))).then(
	(code) => process.exit(code),
	(err) => {
		if (err instanceof UsageError || err instanceof CoverageUsageError || err instanceof IsochroneUsageError || err instanceof SimulateUsageError || err instanceof AccountsUsageError || err instanceof MappingUsageError) {
			console.error(`${err.message}\n\n${USAGE}`);
			process.exit(2);
		}
		if (err instanceof ImportFileError || err instanceof ImportLimitError || err instanceof ImportRejectedError) {
			console.error(`导入失败，未写入任何数据 / import refused, nothing written:\n  ${err.message}`);
			process.exit(1);
		}
		console.error(err instanceof Error ? err.message : err);
		process.exit(1);
	}
);

// gridatlas — command line for GridAtlas: import data, run migrations, load the demo city.
import path from 'node:path';
import { LAYERS } from '$geo/types';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { openDb, defaultDataDir, type Db } from '../lib/server/db';
import { loadDemo } from '../lib/server/imports/demo';
import { MAPPING_USAGE } from './mapping';
import { claimDataDir, dataDirHolder, DataDirInUseError } from '../lib/server/runtime/datadir-lock';
import { loadDemoTemplate, synthFileNames, writeSynthCity, writeSynthGeoJSON, type SynthRunOptions } from '../lib/server/imports/synth';
import { planSynth, SynthOptionsError, type SynthPlan } from '$geo/synth';
import { COVERAGE_USAGE } from './coverage';
import { ISOCHRONE_USAGE } from './isochrone';
import { ACCOUNTS_USAGE } from './accounts';
import { runAs } from '../lib/server/auth/actor';
import { configureJobs } from '../lib/server/jobs/pool';
import { SIMULATE_USAGE, SimulateUsageError, parseSimulateArgs, runSimulateCases } from './simulate-cases';
import { BACKUP_USAGE, runBackup, runRestore } from './backup';
import { describeFailure, isDatabaseCommand, runDatabaseCommand } from './commands';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';
import type { CommandIO } from './io';
import { osUser, runThroughApp } from './remote';

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
in GRIDATLAS_DATA_DIR (default ./data). While the app runs on that directory, import, migrate, coverage,
isochrone, user, token and mapping run through it (its command channel); demo, synth, backup and restore
need it stopped.`;

async function main(argv: string[]): Promise<number> {
	// No other requests to keep answering here: heavy steps run on this thread (one copy of the data in
	// memory), except a streamed import's reading, on a worker while this thread writes what it has read.
	configureJobs({ size: 0 }, { size: 1 });
	const [command, ...rest] = argv;
	if (!command || command === 'help' || command === '--help' || command === '-h') {
		console.log(USAGE);
		return command ? 0 : 2;
	}
	if (isDatabaseCommand(command)) return runOnDatabase(argv);
	if (command === 'demo') {
		return withDb(
			async (db) => {
				await loadDemo(db, (m) => console.log(m));
				return 0;
			},
			{ zh: '重新载入示例城市需要先停止应用', en: 'stop the app to reload the demo city' }
		);
	}
	if (command === 'synth') return runSynth(rest);
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
		const summary = values.out
			? await writeSynthGeoJSON(values.out, options)
			: await withDb((db) => writeSynthCity(db, options), {
					zh: '合成城市写入数据库需要先停止应用（或用 --out 写成文件）',
					en: 'stop the app to write a synthetic city into its database (or write files with --out)'
				});
		if (tty) bar.stop();
		console.log(`完成 / done in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.written.grids} grids, ${summary.written.buildings} buildings`);
		return 0;
	} finally {
		if (tty) bar.stop();
	}
}

/** The embedded database, claimed for this process while fn runs (the app refuses to start meanwhile). */
async function withDb<T>(fn: (db: Db) => Promise<T>, advice?: { zh: string; en: string }): Promise<T> {
	const databaseUrl = process.env.DATABASE_URL || undefined;
	let release = () => {};
	if (!databaseUrl) {
		try {
			release = claimDataDir(defaultDataDir(), 'cli');
		} catch (err) {
			if (err instanceof DataDirInUseError && advice) throw new DataDirInUseError(err.holder, err.dir, err.holder.kind === 'app' ? advice : undefined);
			throw err;
		}
	}
	try {
		const db = await openDb({ databaseUrl });
		try {
			return await fn(db);
		} finally {
			await db.close();
		}
	} finally {
		release();
	}
}

/** Standard output and error of this process; a progress bar on stderr. */
function terminalIO(): CommandIO {
	let bar: cliProgress.SingleBar | undefined;
	return {
		write: (text) => void process.stdout.write(text),
		log: (line) => console.log(line),
		error: (line) => {
			bar?.stop();
			console.error(line);
		},
		progress(label, done, total) {
			if (!bar) {
				bar = new cliProgress.SingleBar(
					{ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
					cliProgress.Presets.shades_classic
				);
				bar.start(total, 0);
			}
			bar.update(done);
			if (done >= total) bar.stop();
		},
		async stdin() {
			const chunks: Buffer[] = [];
			for await (const c of process.stdin) chunks.push(c as Buffer);
			return Buffer.concat(chunks).toString('utf8');
		}
	};
}

/**
 * A command on the database: with DATABASE_URL, or an embedded data directory nobody holds, here;
 * when the running app holds it, through the app (src/cli/remote.ts) — again here if the app has
 * stopped by the time it is asked.
 */
async function runOnDatabase(argv: string[]): Promise<number> {
	if (!process.env.DATABASE_URL) {
		const dataDir = defaultDataDir();
		for (let holder = dataDirHolder(dataDir); holder; holder = dataDirHolder(dataDir)) {
			if (holder.kind === 'cli') throw new DataDirInUseError(holder, path.dirname(dataDir));
			const result = await runThroughApp(argv, holder, dataDir, USAGE);
			if (result !== 'gone') return result;
		}
	}
	return runDatabaseCommand(argv, { io: terminalIO(), withDb, cwd: process.cwd(), ownDatabase: true });
}

// Changes made from the command line are audited as the operating-system user who made them.
const cliActor = `cli:${osUser()}`;

/**
 * Exits once stdout and stderr have taken everything written: a pipe may be asynchronous, and
 * process.exit would cut a large report (`coverage --format json | …`) at 64 kB.
 */
function exitAfterOutput(code: number): void {
	let pending = 2;
	const done = () => {
		if (--pending === 0) process.exit(code);
	};
	process.stdout.write('', done);
	process.stderr.write('', done);
}

runAs(cliActor, () => main(process.argv.slice(2))).then(
	(code) => exitAfterOutput(code),
	(err) => {
		if (err instanceof SimulateUsageError) {
			console.error(`${err.message}\n\n${USAGE}`);
			return exitAfterOutput(USAGE_EXIT_CODE);
		}
		const failure = describeFailure(err);
		console.error(failure.usage ? `${failure.message}\n\n${USAGE}` : failure.message);
		exitAfterOutput(failure.code);
	}
);

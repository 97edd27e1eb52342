// The commands that work on the database — import, migrate, coverage, isochrone, user, token,
// mapping — written once for both ways they run: in the CLI's own process on a database it opened,
// or inside the running app for the CLI (src/lib/server/cli-channel), on the app's database. Output
// goes through the CommandIO; failures become the same message and exit code either way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImportFileError, LAYERS, type LayerName } from '$geo/types';
import { parseImportCrs } from '$geo/crs/epsg-codes';
import { importFile, ImportLimitError, ImportRejectedError, type ImportSummary } from '../lib/server/imports';
import { runMigrations } from '../lib/server/db/migrate';
import { CHANNEL_COMMANDS } from '../lib/server/cli-channel/protocol';
import { formatSummary } from './summary';
import { runCoverage } from './coverage';
import { parseIsochroneArgs, runIsochrone } from './isochrone';
import { runToken, runUser } from './accounts';
import { runMapping } from './mapping';
import type { CommandContext } from './io';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';

export const isDatabaseCommand = (command: string | undefined): boolean => (CHANNEL_COMMANDS as readonly string[]).includes(command ?? '');

/** Runs one database command (argv without the program name); throws what the user must be told. */
export async function runDatabaseCommand(argv: string[], ctx: CommandContext): Promise<number> {
	const [command, ...rest] = argv;
	if (command === 'import') return runImport(rest, ctx);
	if (command === 'migrate') {
		return ctx.withDb(async (db) => {
			await runMigrations(db);
			ctx.io.log(`migrations applied (${db.engine})`);
			return 0;
		});
	}
	if (command === 'coverage') return ctx.withDb((db) => runCoverage(db, rest, ctx.io.write, ctx.io.error));
	if (command === 'isochrone') {
		const req = parseIsochroneArgs(rest);
		return ctx.withDb((db) => runIsochrone(db, req, ctx.io.write));
	}
	if (command === 'user') return runUser(rest, ctx);
	if (command === 'token') return runToken(rest, ctx);
	if (command === 'mapping') return runMapping(rest, ctx);
	throw new UsageError(`未知命令 / unknown command: ${command}`);
}

const IMPORT_ERRORS = new Set(['ImportFileError', 'ImportLimitError', 'ImportRejectedError']);

export interface Failure {
	code: number;
	message: string;
	/** Show the usage text after the message. */
	usage: boolean;
	/** A refusal the commands foresee (usage, a refused import), not a fault to log. */
	known: boolean;
}

/** What to tell the user about a failed command, and its exit code: 2 for usage errors, else 1. */
export function describeFailure(err: unknown): Failure {
	const message = err instanceof Error ? err.message : String(err);
	if (err instanceof UsageError) return { code: USAGE_EXIT_CODE, message, usage: true, known: true };
	if (
		err instanceof ImportFileError ||
		err instanceof ImportLimitError ||
		err instanceof ImportRejectedError ||
		(err instanceof Error && IMPORT_ERRORS.has(err.name))
	) {
		return { code: 1, message: `导入失败，未写入任何数据 / import refused, nothing written:\n  ${message}`, usage: false, known: true };
	}
	return { code: 1, message, usage: false, known: false };
}

async function runImport(args: string[], ctx: CommandContext): Promise<number> {
	let values: Record<string, string | boolean | undefined>;
	let positionals: string[];
	try {
		({ values, positionals } = parseArgs({
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
		}));
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
	if (positionals.length !== 1) throw new UsageError('请给出一个文件 / give exactly one file to import');
	const file = positionals[0];
	const layer = values.layer as LayerName;
	if (!LAYERS.includes(layer)) throw new UsageError(`--layer 必须是 / must be one of: ${LAYERS.join(', ')}`);
	const parsedCrs = parseImportCrs((values.crs as string | undefined) ?? 'wgs84');
	if (!parsedCrs.ok) throw new UsageError(`--crs: ${parsedCrs.text.zh} / ${parsedCrs.text.en}`);
	const crs = parsedCrs.crs;
	const headerRow = values['header-row'] as string | undefined;
	if (headerRow !== undefined && !/^[1-9][0-9]{0,5}$/.test(headerRow))
		throw new UsageError('--header-row 必须是从 1 开始的行号 / must be a row number counted from 1');
	// The app reads the file itself (it runs as the same user), so only its name crosses the channel.
	const fullPath = path.resolve(ctx.cwd, file);
	try {
		fs.accessSync(fullPath, fs.constants.R_OK);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw new UsageError(`文件不存在 / no such file: ${file}`);
		const user = os.userInfo().username;
		throw new UsageError(
			`无法读取 ${file}（${code}）：文件须能被打开数据库的系统用户 ${user} 读取（应用运行时即应用的用户）/ ` +
				`cannot read ${file} (${code}): it must be readable by ${user}, the OS user opening the database (the app's, while it runs)`
		);
	}
	const households: Record<string, number> = {};
	for (const [flag, key] of [
		['dwelling-size', 'dwellingSizeM2'],
		['default-levels', 'defaultLevels']
	] as const) {
		if (values[flag] === undefined) continue;
		const n = Number(values[flag]);
		if (!(n > 0)) throw new UsageError(`--${flag} 必须是正数 / must be a positive number`);
		households[key] = n;
	}
	const bytes = new Uint8Array(fs.readFileSync(fullPath));
	const label = `${path.basename(file)} → ${layer}`;
	return ctx.withDb(async (db) => {
		const summary: ImportSummary = await importFile(db, {
			fileName: file,
			bytes,
			layer,
			crs,
			dryRun: values['dry-run'] === true,
			strict: values.strict === true,
			illustrative: values.illustrative === true,
			syntheticCodes: values['synthetic-codes'] === true,
			csv: {
				lon: values['lon-column'] as string | undefined,
				lat: values['lat-column'] as string | undefined,
				delimiter: values.delimiter as string | undefined
			},
			sheet: { name: values.sheet as string | undefined, headerRow: headerRow === undefined ? undefined : Number(headerRow) },
			households,
			statementMs: ctx.ownDatabase ? Infinity : undefined,
			onProgress: (done, total) => {
				if (total >= 2000) ctx.io.progress(label, done, total);
			}
		});
		ctx.io.log(formatSummary(summary));
		// Nothing taken from a file that had features is a failure for scripts, too.
		return summary.written === 0 && summary.rejected > 0 ? 1 : 0;
	});
}

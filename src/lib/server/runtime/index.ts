// The app's one database, opened in the background at start-up so HTTP answers at once:
// until it is ready, pages show a short "starting" state and the API answers 503.
import { GridAtlasError } from '$geo/errors';
import { defaultDataDir, openDb, type Db } from '../db';
import { claimDataDir } from './datadir-lock';
import { loadDemoIfEmpty } from '../imports/demo';
import { warmUp } from './warm-up';
import { ensureDemoAccounts, formatDemoAccounts } from '../auth/demo-accounts';
import { countUsers } from '../auth/users';
import { runAs } from '../auth/actor';
import { recheckCredentials } from '../auth/live-credentials';
import { sweepExpiredSessions } from '../auth/sessions';
import { versionTracker } from '../db/versions';
import { openCliChannel, type CliChannel } from '../cli-channel/server';
import { runInApp } from '../../../cli/in-app';
import { StartupClock } from './startup-steps';
import { attachTileStore, configuredTileStoreRoot } from '../map/tile-store';

export type RuntimeStatus = 'starting' | 'ok' | 'error';

interface RuntimeState {
	status: RuntimeStatus;
	db?: Db;
	error?: string;
	startedAt: number;
	readyAt?: number;
	demo?: string;
	/** The start-up's steps so far, and the one running (./startup-steps). */
	steps: StartupClock;
	/** The process's own start to the runtime's: loading the server's modules. */
	bootMs: number;
}

const state: RuntimeState = { status: 'starting', startedAt: Date.now(), steps: new StartupClock(), bootMs: Math.round(performance.now()) };
let starting: Promise<Db> | undefined;
let channel: CliChannel | undefined;
let stopSweep: (() => void) | undefined;

export class DatabaseStartingError extends GridAtlasError {
	constructor() {
		super('数据库正在启动，请稍候 / The database is starting, try again in a moment', { code: 'database_starting', status: 503 });
		this.name = 'DatabaseStartingError';
	}
}

/** Opens the database once (idempotent); resolves when migrations and the demo load are done. */
export function startRuntime(): Promise<Db> {
	starting ??= (async () => {
		const steps = state.steps;
		try {
			const databaseUrl = process.env.DATABASE_URL || undefined;
			if (!databaseUrl) {
				steps.step('data_dir', `claiming the data directory ${defaultDataDir()}`);
				claimDataDir(defaultDataDir());
				channel = await openChannel(defaultDataDir());
			}
			const db = await openDb({ databaseUrl, readUrl: process.env.DATABASE_READ_URL || undefined, steps });
			const tileStore = configuredTileStoreRoot();
			if (tileStore) attachTileStore(db, tileStore);
			steps.step('versions', 'reading the data versions');
			// Hear every writer's changes (server engine: LISTEN), so caches follow within a second; an
			// account changed elsewhere ends the open streams it no longer allows just as fast.
			const versions = versionTracker(db);
			versions.onChange((topics) => {
				if (topics.includes('accounts')) void recheckCredentials();
			});
			await versions.watch();
			steps.step('demo', 'checking for the demo city');
			await oneAtATime(db, async () => {
				if (process.env.GRIDATLAS_DEMO !== 'off') state.demo = await loadDemoIfEmpty(db, (msg) => steps.detail(msg));
				steps.step('accounts', 'checking accounts');
				// Demo accounts come with a freshly loaded demo city (or on request), never into a real database.
				if (state.demo === 'loaded' || process.env.GRIDATLAS_DEMO_ACCOUNTS === 'on') {
					const accounts = await runAs('system:demo', () => ensureDemoAccounts(db));
					if (accounts.length > 0) console.log(formatDemoAccounts(accounts));
				}
			});
			if ((await countUsers(db)) === 0) {
				console.log('GridAtlas: 还没有账户，请先创建管理员 / no accounts yet; create the first admin with:\n  npx gridatlas user add <name> --role admin');
			}
			steps.end();
			state.db = db;
			state.status = 'ok';
			state.readyAt = Date.now();
			console.log(`GridAtlas: ready in ${((state.readyAt - state.startedAt) / 1000).toFixed(1)} s (${steps.summary()})`);
			stopSweep = sweepExpiredSessions(db).stop;
			const warming = performance.now();
			void warmUp(db).then(
				() => steps.steps.push({ key: 'warm_up', label: 'warm-up (after ready)', ms: Math.round(performance.now() - warming) }),
				(err) => console.warn('GridAtlas: warm-up failed (harmless):', err instanceof Error ? err.message : err)
			);
			return db;
		} catch (err) {
			steps.end();
			state.status = 'error';
			state.error = err instanceof Error ? err.message : String(err);
			console.error('GridAtlas: database failed to start:', err);
			throw err;
		}
	})();
	return starting;
}

/**
 * The embedded engine's command channel: `gridatlas` commands run here while the app holds the data
 * directory. Without it (it could not be opened) the app still serves, and the CLI says what to do.
 */
async function openChannel(dataDir: string): Promise<CliChannel | undefined> {
	try {
		return await openCliChannel(
			dataDir,
			runInApp(startRuntime, () => state.status === 'ok')
		);
	} catch (err) {
		console.warn(
			'GridAtlas: 命令通道未能开启，应用运行时命令行无法使用此数据目录 / the command channel could not be opened; ' +
				'the CLI cannot use this data directory while the app runs:',
			err instanceof Error ? err.message : err
		);
		return undefined;
	}
}

/**
 * Start-up work that several app processes starting together on one server must not do twice (the
 * demo load, the demo accounts): the others wait on an advisory lock held by one open transaction,
 * then find it done. The embedded engine has one process, and one connection a transaction holds.
 */
async function oneAtATime(db: Db, fn: () => Promise<void>): Promise<void> {
	if (db.engine !== 'postgres') return fn();
	await db.transaction(async (tx) => {
		await tx.query("SELECT pg_advisory_xact_lock(hashtext('gridatlas_startup'))");
		await fn();
	});
}

export function runtimeState(): Readonly<RuntimeState> {
	return state;
}

/** The ready database, or DatabaseStartingError while it opens. */
export function requireDb(): Db {
	if (state.status === 'ok' && state.db) return state.db;
	if (state.status === 'error') throw new Error(`数据库启动失败 / database failed to start: ${state.error}`);
	throw new DatabaseStartingError();
}

/** Closes the database (on shutdown). */
export async function stopRuntime(): Promise<void> {
	// Commands the CLI is running through the app finish first (as open requests do), within SHUTDOWN_TIMEOUT.
	await channel?.close(Number(process.env.SHUTDOWN_TIMEOUT || 30) * 1000);
	channel = undefined;
	const db = state.db;
	stopSweep?.();
	stopSweep = undefined;
	state.status = 'starting';
	state.db = undefined;
	await db?.close();
}

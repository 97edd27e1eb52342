// GRIDATLAS_WORKERS=N (server engine): the process started by `npm start` only supervises — it forks
// N workers, each running scripts/serve.js on the same port (node:cluster hands them the
// connections in turn), starts a worker again if one dies, and on SIGTERM/SIGINT passes the signal
// on so each worker shuts down as a single process does (open requests finish, `sveltekit:shutdown`,
// the database closed), then exits when they have. Every worker keeps its own caches, kept coherent
// by the database's data versions (src/lib/server/db/versions.ts). The embedded database belongs to
// one process: asked for more without DATABASE_URL, it says so and runs one.
import cluster from 'node:cluster';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** A worker that dies this soon after it started counts towards giving up. */
const EARLY_MS = 10_000;
const MAX_EARLY_DEATHS = 5;

/** The number of processes asked for; exits with a message when the setting is not a count. */
export function requestedWorkers(text = process.env.GRIDATLAS_WORKERS) {
	if (text === undefined || text === '') return 1;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 64) {
		console.error(`GridAtlas: GRIDATLAS_WORKERS 须为 1–64 的整数（收到 “${text}”）/ GRIDATLAS_WORKERS must be a whole number from 1 to 64 (got "${text}")`);
		process.exit(2);
	}
	return n;
}

/**
 * In the first process with GRIDATLAS_WORKERS > 1 on the server engine: forks the workers and
 * returns true (this process then serves nothing). Otherwise false: this process is the server.
 */
export function superviseWorkers() {
	if (!cluster.isPrimary) return false;
	const n = requestedWorkers();
	if (n === 1) return false;
	if (!process.env.DATABASE_URL) {
		console.warn(
			`GridAtlas: 内嵌数据库只能由一个进程使用，忽略 GRIDATLAS_WORKERS=${n}，以单进程运行；多进程请设置 DATABASE_URL（PostgreSQL）。\n` +
				`GridAtlas: the embedded database belongs to one process: GRIDATLAS_WORKERS=${n} ignored, running one process; set DATABASE_URL (PostgreSQL) for several.`
		);
		return false;
	}
	cluster.setupPrimary({ exec: fileURLToPath(new URL('./serve.js', import.meta.url)) });
	console.log(`GridAtlas: ${n} 个工作进程 / ${n} worker processes (primary ${process.pid})`);
	let stopping = false;
	let earlyDeaths = 0;
	let failed = false;
	const started = new Map();
	const fork = (slot) => {
		const worker = cluster.fork({ GRIDATLAS_WORKER: String(slot) });
		started.set(worker.id, { slot, at: Date.now() });
	};
	for (let i = 1; i <= n; i++) fork(i);
	cluster.on('exit', (worker, code, signal) => {
		const { slot, at } = started.get(worker.id) ?? { slot: 0, at: 0 };
		started.delete(worker.id);
		if (stopping) {
			if (code !== 0 && code !== null) failed = true;
			if (started.size === 0) process.exit(failed ? 1 : 0);
			return;
		}
		console.error(`GridAtlas: 工作进程 ${slot} 退出（${signal ?? code}），重新启动 / worker ${slot} exited (${signal ?? code}); starting it again`);
		if (Date.now() - at < EARLY_MS && ++earlyDeaths >= MAX_EARLY_DEATHS) {
			console.error('GridAtlas: 工作进程反复启动失败，停止 / workers keep failing at start-up; giving up');
			stop('SIGTERM', true);
			return;
		}
		setTimeout(() => !stopping && fork(slot), 1000).unref();
	});
	const stop = (signal, asFailure = false) => {
		if (stopping) return;
		stopping = true;
		failed ||= asFailure;
		if (started.size === 0) process.exit(failed ? 1 : 0);
		for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
	return true;
}

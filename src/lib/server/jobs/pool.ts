// Heavy computation off the request thread: a small pool of worker threads running the pure
// functions of ./tasks.ts (geo/ underneath), each job under a time budget. A job over its budget has
// its worker terminated (the only way to stop a running computation) and answers 422; a full queue
// answers 503 at once; a worker that runs out of memory answers 413. Meanwhile the request thread
// keeps serving health checks, tiles and every other request.
import os from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { projectPath } from '../runtime/paths';
import { ImportFileError } from '$geo/types';
import { IsochroneError } from '$geo/isochrone';
import { SplitLineError } from '$geo/partition/split';
import { ProjectionError } from '$geo/crs/project';
import { OptimizeError } from '$geo/optimize/errors';
import { JobError, type JobKind } from './errors';
import { tasks as bundledTasks, type Tasks } from './tasks';

export { JobError, type JobKind } from './errors';

/** Seconds a job of each kind may run before it is stopped (GRIDATLAS_JOB_BUDGET_<KIND>_S). */
const DEFAULT_BUDGET_S: Record<JobKind, number> = { plan: 30, import: 180, coverage: 120 };

/** Workers in a row that may die before they are ready before the waiting jobs are failed. */
const MAX_FAILED_STARTS = 3;

/** Error classes a task may throw that callers test with instanceof: rebuilt on this side. */
const ERROR_CLASSES: Record<string, { prototype: Error }> = { ImportFileError, IsochroneError, SplitLineError, ProjectionError, OptimizeError };

export interface PoolOptions {
	/** Worker threads (0: run jobs inline on the calling thread, no budget). */
	size: number;
	/**
	 * Jobs of one kind that may wait for a worker before new ones of that kind are refused with 503
	 * (one figure: every kind).
	 */
	queueLimit: number | Record<JobKind, number>;
	/** Heap limit per worker (MB). */
	memoryMb: number;
	budgetMs: Record<JobKind, number>;
	/** The task module (tests use their own). */
	taskModule: string;
}

interface Job {
	id: number;
	task: string;
	args: unknown[];
	kind: JobKind;
	budgetMs: number;
	transfer: Transferable[];
	parts: unknown[];
	/** Streamed job: each part goes here, one at a time and in order; the worker reads ahead meanwhile (worker.mjs). */
	onPart?: (part: unknown) => Promise<void>;
	/** Parts received and not yet taken, and the chain taking them in order. */
	taking?: { count: number; chain: Promise<void>; budgetLeftMs: number };
	resolve: (value: unknown) => void;
	reject: (err: unknown) => void;
}

interface Slot {
	worker: Worker;
	ready: boolean;
	job: Job | null;
	timer: NodeJS.Timeout | null;
	/** What is left of the running job's budget (its clock stops while a consumer takes a part). */
	budgetLeftMs?: () => number;
}

const envNumber = (name: string, fallback: number) => {
	const v = Number(process.env[name]);
	return process.env[name] !== undefined && process.env[name] !== '' && Number.isFinite(v) && v >= 0 ? v : fallback;
};

const defaultTaskModule = () => projectPath('src/lib/server/jobs/tasks.ts');

export function defaultPoolOptions(): PoolOptions {
	const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
	const budgetMs = Object.fromEntries(
		(Object.keys(DEFAULT_BUDGET_S) as JobKind[]).map((k) => [k, envNumber(`GRIDATLAS_JOB_BUDGET_${k.toUpperCase()}_S`, DEFAULT_BUDGET_S[k]) * 1000])
	) as Record<JobKind, number>;
	return {
		size: Math.floor(envNumber('GRIDATLAS_JOB_WORKERS', Math.max(1, Math.min(4, cores - 1)))),
		queueLimit: {
			// a plan check is small and a planner waits for it: saves are never refused while heavy work queues
			plan: Math.floor(envNumber('GRIDATLAS_JOB_QUEUE_PLAN', 32)),
			import: Math.floor(envNumber('GRIDATLAS_JOB_QUEUE', 8)),
			coverage: Math.floor(envNumber('GRIDATLAS_JOB_QUEUE', 8))
		},
		memoryMb: envNumber('GRIDATLAS_JOB_MEMORY_MB', 4096),
		budgetMs,
		taskModule: defaultTaskModule()
	};
}

function rebuildError(e: { name: string; message: string; stack?: string; fields: Record<string, unknown> }): Error {
	const cls = ERROR_CLASSES[e.name];
	const err: Error = cls ? Object.create(cls.prototype) : new Error(e.message);
	Object.assign(err, e.fields);
	Object.defineProperty(err, 'message', { value: e.message, writable: true, configurable: true });
	if (e.stack) Object.defineProperty(err, 'stack', { value: e.stack, writable: true, configurable: true });
	err.name = e.name;
	return err;
}

export class JobPool {
	private slots: Slot[] = [];
	private queue: Job[] = [];
	private nextId = 1;
	private closed = false;
	private inlineTasks: Promise<Record<string, (...a: unknown[]) => unknown>> | null = null;
	/** Workers that died before they were ready, in a row. */
	private failedStarts = 0;
	readonly completed = new Map<string, number>();

	constructor(readonly options: PoolOptions) {}

	/** Start the workers now rather than on the first job (they take a moment to load geo/). */
	warm(): void {
		while (!this.closed && this.slots.length < this.options.size) this.slots.push(this.spawn());
	}

	stats() {
		return {
			workers: this.slots.length,
			busy: this.slots.filter((s) => s.job).length,
			queued: this.queue.length,
			completed: Object.fromEntries(this.completed)
		};
	}

	/**
	 * Run `task` with `args` on a worker. `transfer` lists buffers handed over rather than copied (the
	 * caller must not use them afterwards). Parts the task sends (ctx.part) arrive as `parts`, or, with
	 * `onPart`, are handed to it one at a time: the task waits until each is taken (so a large result
	 * never piles up in memory), and the budget counts the worker's own time, not the consumer's. A
	 * consumer that throws stops the job with its error.
	 */
	run<K extends keyof Tasks>(
		task: K,
		args: Parameters<Tasks[K]> extends [...infer A, unknown] ? A : never,
		opts: { kind: JobKind; transfer?: Transferable[]; onPart?: (part: unknown) => Promise<void> }
	): Promise<{ result: Awaited<ReturnType<Tasks[K]>>; parts: unknown[] }> {
		if (this.closed) return Promise.reject(new Error('the job pool is closed'));
		if (this.options.size === 0)
			return this.runInline(task, args as unknown[], opts.onPart) as Promise<{ result: Awaited<ReturnType<Tasks[K]>>; parts: unknown[] }>;
		return new Promise((resolve, reject) => {
			const job: Job = {
				id: this.nextId++,
				task,
				args: args as unknown[],
				kind: opts.kind,
				budgetMs: this.options.budgetMs[opts.kind],
				transfer: opts.transfer ?? [],
				parts: [],
				onPart: opts.onPart,
				resolve: resolve as (v: unknown) => void,
				reject
			};
			const idle = this.slots.find((s) => s.ready && !s.job);
			if (idle) return this.start(idle, job);
			const limit = typeof this.options.queueLimit === 'number' ? this.options.queueLimit : this.options.queueLimit[job.kind];
			if (this.queue.filter((q) => q.kind === job.kind).length >= limit) return reject(JobError.busy());
			this.queue.push(job);
			this.warm();
		});
	}

	async close(): Promise<void> {
		this.closed = true;
		for (const job of this.queue.splice(0)) job.reject(new Error('the job pool is closed'));
		await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
	}

	private async runInline(task: string, args: unknown[], onPart?: (part: unknown) => Promise<void>) {
		// The app's own tasks are part of its bundle; a test's task module is loaded by path.
		this.inlineTasks ??=
			this.options.taskModule === defaultTaskModule()
				? Promise.resolve(bundledTasks as unknown as Record<string, (...a: unknown[]) => unknown>)
				: import(/* @vite-ignore */ pathToFileURL(this.options.taskModule).href).then((m) => m.tasks);
		const parts: unknown[] = [];
		const part = async (p: unknown) => void (onPart ? await onPart(p) : parts.push(p));
		const result = await (await this.inlineTasks)[task](...args, { part });
		this.completed.set(task, (this.completed.get(task) ?? 0) + 1);
		return { result, parts };
	}

	private spawn(): Slot {
		const worker = new Worker(projectPath('src/lib/server/jobs/worker.mjs'), {
			workerData: { taskModule: pathToFileURL(this.options.taskModule).href },
			resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
			// the worker's own output goes where the app's does; no env copy needed beyond the default
			stdout: false,
			stderr: false
		});
		worker.unref();
		const slot: Slot = { worker, ready: false, job: null, timer: null };
		worker.on(
			'message',
			(msg: { ready?: boolean; id?: number; part?: unknown; ok?: boolean; result?: unknown; error?: Parameters<typeof rebuildError>[0] }) => {
				if (msg.ready) {
					slot.ready = true;
					this.failedStarts = 0;
					return this.next(slot);
				}
				const job = slot.job;
				if (!job || msg.id !== job.id) return;
				if ('part' in msg) return this.takePart(slot, job, msg.part);
				this.finish(slot);
				if (msg.ok) {
					this.completed.set(job.task, (this.completed.get(job.task) ?? 0) + 1);
					job.resolve({ result: msg.result, parts: job.parts });
				} else job.reject(rebuildError(msg.error!));
				this.next(slot);
			}
		);
		worker.on('error', (err: Error & { code?: string }) =>
			this.lose(slot, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? JobError.memory(this.options.memoryMb) : err)
		);
		worker.on('exit', () => this.lose(slot, new Error('a job worker stopped unexpectedly')));
		return slot;
	}

	private start(slot: Slot, job: Job) {
		slot.job = job;
		slot.worker.ref();
		this.startClock(slot, job, job.budgetMs);
		slot.worker.postMessage({ id: job.id, task: job.task, args: job.args, streamed: !!job.onPart }, job.transfer);
	}

	private startClock(slot: Slot, job: Job, ms: number) {
		const started = Date.now();
		slot.budgetLeftMs = () => ms - (Date.now() - started);
		slot.timer = setTimeout(() => this.lose(slot, JobError.budget(job.kind, job.budgetMs)), ms);
	}

	/**
	 * A part of a streamed job, taken after the ones before it. The clock stops while the consumer has
	 * parts to take (the worker reads on meanwhile, uncounted) and runs again once it has taken them all.
	 */
	private takePart(slot: Slot, job: Job, part: unknown) {
		const onPart = job.onPart;
		if (!onPart) return void job.parts.push(part);
		const taking = (job.taking ??= { count: 0, chain: Promise.resolve(), budgetLeftMs: job.budgetMs });
		if (taking.count++ === 0) {
			if (slot.timer) clearTimeout(slot.timer);
			slot.timer = null;
			taking.budgetLeftMs = slot.budgetLeftMs?.() ?? job.budgetMs;
		}
		taking.chain = taking.chain.then(async () => {
			if (slot.job !== job) return;
			await onPart(part);
			if (slot.job !== job) return;
			slot.worker.postMessage({ id: job.id, ack: true });
			if (--taking.count === 0) this.startClock(slot, job, Math.max(0, taking.budgetLeftMs));
		});
		taking.chain.catch((err) => {
			if (slot.job === job) this.lose(slot, err);
		});
	}

	private finish(slot: Slot) {
		if (slot.timer) clearTimeout(slot.timer);
		slot.timer = null;
		slot.job = null;
		slot.worker.unref();
	}

	/** The next job: a waiting plan check first (a planner is waiting on it, and it is short), else the oldest. */
	private next(slot: Slot) {
		const plan = this.queue.findIndex((j) => j.kind === 'plan');
		const [job] = this.queue.splice(plan >= 0 ? plan : 0, 1);
		if (job) this.start(slot, job);
	}

	/** A worker stopped (budget, memory, crash): fail its job and put a fresh worker in its place. */
	private lose(slot: Slot, err: unknown) {
		const at = this.slots.indexOf(slot);
		if (at < 0) return;
		const job = slot.job;
		this.finish(slot);
		this.slots.splice(at, 1);
		slot.worker.removeAllListeners('exit');
		void slot.worker.terminate();
		job?.reject(err);
		// A worker that dies before it is ready (its code does not load) would be replaced forever while the
		// queue waits: after a few in a row, the waiting jobs fail with the reason, and the next job tries again.
		if (!slot.ready && ++this.failedStarts >= MAX_FAILED_STARTS) {
			const reason = err instanceof Error ? err.message : String(err);
			for (const waiting of this.queue.splice(0)) waiting.reject(new Error(`job workers fail to start: ${reason}`));
			this.failedStarts = 0;
			return;
		}
		if (!this.closed && (this.queue.length > 0 || this.slots.length < this.options.size)) this.warm();
	}
}

let shared: JobPool | null = null;
let streams: JobPool | null = null;

/** The process's job pool. */
export function jobs(): JobPool {
	shared ??= new JobPool(defaultPoolOptions());
	return shared;
}

/**
 * The lane of streamed jobs (a large import, read on a worker while this thread writes it): one worker
 * of its own, so that minutes of writing never hold the pool's workers from plan saves and coverage;
 * further streamed jobs wait their turn (or are refused with 503 as the pool's are).
 */
export function streamJobs(): JobPool {
	const base = jobs().options;
	streams ??= new JobPool({ ...base, size: Math.min(1, base.size), memoryMb: streamMemoryMb() });
	return streams;
}

/**
 * The streamed lane's heap limit: what a streamed import keeps is small (its node coordinates live
 * outside the heap), and under a lower limit V8 collects before it grows — reading a 1,000,000-building
 * extract peaked at 744 MB RSS under the 4 GB default, 460 MB under 1 GB, in the same time.
 */
const streamMemoryMb = () => envNumber('GRIDATLAS_JOB_STREAM_MEMORY_MB', 1024);

/**
 * Replace the process's pools (tests; the CLI runs jobs inline). `streamed` sets the lane of streamed
 * jobs apart (the CLI reads a large import on a worker while it writes); by default it follows `options`.
 */
export function configureJobs(options: Partial<PoolOptions>, streamed?: Partial<PoolOptions>): JobPool {
	void shared?.close();
	void streams?.close();
	streams = null;
	shared = new JobPool({ ...defaultPoolOptions(), ...options });
	if (streamed) streams = new JobPool({ ...shared.options, memoryMb: streamMemoryMb(), ...streamed });
	return shared;
}

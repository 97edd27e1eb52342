// The job pool (src/lib/server/jobs/pool.ts): heavy work runs on worker threads under a budget; the
// request thread stays free; a full queue answers at once. Nothing here depends on how fast the
// machine is: the jobs that must be stopped never finish on their own.
import { afterEach, describe, expect, it } from 'vitest';
import { JobPool, configureJobs, defaultPoolOptions, jobs, streamJobs, type PoolOptions } from '../src/lib/server/jobs/pool';
import { JobError } from '../src/lib/server/jobs/errors';
import { ImportFileError } from '$geo/types';
import { projectPath } from '../src/lib/server/runtime/paths';

let pool: JobPool | null = null;
const make = (o: Partial<PoolOptions> = {}) =>
	(pool = new JobPool({ ...defaultPoolOptions(), size: 1, queueLimit: 4, taskModule: projectPath('tests/fixtures/job-tasks.ts'), ...o }));
// The fixture's tasks are not in the app's task table: call them by name.
const run = (p: JobPool, task: string, args: unknown[], kind: 'plan' | 'import' = 'plan') =>
	(p.run as (t: string, a: unknown[], o: { kind: 'plan' | 'import' }) => Promise<{ result: unknown; parts: unknown[] }>)(task, args, { kind });

afterEach(async () => {
	await pool?.close();
	pool = null;
});

describe('job pool', () => {
	it('runs a task on a worker and returns its result and parts', async () => {
		const p = make();
		expect(await run(p, 'echo', [{ a: [1, 2] }])).toEqual({ result: { a: [1, 2] }, parts: ['first', 'second'] });
		expect(p.stats().completed).toEqual({ echo: 1 });
	});

	it('stops a job over its budget with 422, keeps this thread free meanwhile, and serves the next job', async () => {
		const p = make({ budgetMs: { plan: 300, import: 300, coverage: 300 } });
		p.warm();
		let ticks = 0;
		const ticker = setInterval(() => ticks++, 10);
		const err = await run(p, 'spin', []).catch((e) => e);
		clearInterval(ticker);
		expect(err).toBeInstanceOf(JobError);
		expect(err).toMatchObject({ code: 'job_budget', status: 422 });
		expect(err.message).toMatch(/0 秒|limit/);
		// The spinning worker never gave this thread back a turn to lose: the timer kept firing.
		expect(ticks).toBeGreaterThan(3);
		expect((await run(p, 'echo', [7])).result).toBe(7);
	});

	it('answers 503 at once when every worker is busy and the queue is full', async () => {
		const p = make({ queueLimit: 1, budgetMs: { plan: 600_000, import: 600_000, coverage: 600_000 } });
		const spinning = run(p, 'spin', []).catch((e) => e);
		const queued = run(p, 'echo', [1]).catch((e) => e);
		const refused = await run(p, 'echo', [2]).catch((e) => e);
		expect(refused).toBeInstanceOf(JobError);
		expect(refused).toMatchObject({ code: 'job_busy', status: 503, retryAfterS: 10 });
		await p.close();
		expect(await queued).toBeInstanceOf(Error);
		expect(await spinning).toBeInstanceOf(Error);
	});

	it('queues each kind within its own limit, and a waiting plan check starts before older heavy jobs', async () => {
		// the spinning job (coverage) is stopped by its budget; nothing else can run out of time
		const p = make({ queueLimit: { plan: 2, import: 1, coverage: 1 }, budgetMs: { plan: 600_000, import: 600_000, coverage: 300 } });
		const started: string[] = [];
		await run(p, 'echo', ['the worker is ready']);
		const spinning = run(p, 'spin', [], 'coverage' as 'plan').catch((e) => e);
		const heavy = run(p, 'echo', ['heavy'], 'import').then((r) => (started.push('heavy'), r));
		// the import queue is full: another import is refused, while plan checks still wait in theirs
		expect(await run(p, 'echo', ['second heavy'], 'import').catch((e) => e)).toMatchObject({ code: 'job_busy', status: 503 });
		const plans = ['plan 1', 'plan 2'].map((name) => run(p, 'echo', [name]).then((r) => (started.push(name), r)));
		// settled by the assertions below; handled now so a failure there cannot leave them unhandled
		for (const job of [heavy, ...plans]) job.catch(() => {});
		expect(await run(p, 'echo', ['plan 3']).catch((e) => e)).toMatchObject({ code: 'job_busy' });
		expect(p.stats().queued).toBe(3);
		expect(await spinning).toMatchObject({ code: 'job_budget' });
		await Promise.all([heavy, ...plans]);
		expect(started).toEqual(['plan 1', 'plan 2', 'heavy']);
	});

	it('stops a worker that runs out of memory with 413', async () => {
		const p = make({ memoryMb: 64 });
		const err = await run(p, 'hog', []).catch((e) => e);
		expect(err).toMatchObject({ code: 'job_memory', status: 413 });
		expect((await run(p, 'echo', ['after'])).result).toBe('after');
	});

	it('rebuilds the typed errors a task throws', async () => {
		const p = make();
		const err = await run(p, 'refuse', []).catch((e) => e);
		expect(err).toBeInstanceOf(ImportFileError);
		expect(err).toMatchObject({ rule: 'damaged-file', file: 'plan.geojson' });
		expect(err.message).toMatch(/文件不完整.*the file is cut off/);
	});

	for (const size of [1, 0]) {
		it(`streams parts to a consumer one at a time, the budget counting the worker's time only (${size ? 'worker' : 'inline'})`, async () => {
			const p = make({ size, budgetMs: { plan: 1000, import: 1000, coverage: 1000 } });
			let active = 0;
			let most = 0;
			const taken: unknown[] = [];
			// Each part is held longer than the whole budget: a clock that kept running would stop the job.
			const onPart = async (part: unknown) => {
				most = Math.max(most, ++active);
				await new Promise((r) => setTimeout(r, 400));
				taken.push(part);
				active--;
			};
			const streamed = p.run.bind(p) as (t: string, a: unknown[], o: object) => Promise<{ result: unknown; parts: unknown[] }>;
			expect(await streamed('stream', [4], { kind: 'plan', onPart })).toEqual({ result: 4, parts: [] });
			expect(taken).toEqual([0, 1, 2, 3]);
			expect(most).toBe(1);
			// A consumer that fails stops the job with its error; the pool goes on.
			const failing = async () => {
				throw new Error('the writer failed');
			};
			await expect(streamed('stream', [3], { kind: 'plan', onPart: failing })).rejects.toThrow('the writer failed');
			expect((await run(p, 'echo', ['after'])).result).toBe('after');
		});
	}

	it('reads a streamed job ahead of its consumer, a bounded number of parts, and answers once every part is taken', async () => {
		const p = make();
		const started = new Int32Array(new SharedArrayBuffer(4));
		const streamed = p.run.bind(p) as (t: string, a: unknown[], o: object) => Promise<{ result: unknown; parts: unknown[] }>;
		const seen: number[] = [];
		const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
		const onPart = async (part: unknown) => {
			if (part === 0) {
				// The worker makes the next part while this one is being taken (it would wait here forever otherwise)…
				while (Atomics.load(started, 0) < 2) await sleep(5);
				await sleep(200);
				// …and no further than the read-ahead (worker.mjs): part 1 sent, part 2 not begun.
				expect(Atomics.load(started, 0)).toBe(2);
			}
			seen.push(part as number);
		};
		expect(await streamed('streamCounted', [5, started], { kind: 'plan', onPart })).toEqual({ result: 5, parts: [] });
		expect(seen).toEqual([0, 1, 2, 3, 4]);
	});

	it('runs streamed jobs in a lane of their own: a long import never holds the workers plan saves need', async () => {
		configureJobs({ size: 1, queueLimit: 4, taskModule: projectPath('tests/fixtures/job-tasks.ts') });
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		const call = (p: JobPool) => p.run.bind(p) as (t: string, a: unknown[], o: object) => Promise<{ result: unknown; parts: unknown[] }>;
		const streaming = call(streamJobs())('stream', [2], { kind: 'import', onPart: () => held });
		// The one pool worker answers while the streamed job waits on its consumer.
		expect((await call(jobs())('echo', ['meanwhile'], { kind: 'plan' })).result).toBe('meanwhile');
		release();
		expect((await streaming).result).toBe(2);
		configureJobs({});
	});

	it('fails the waiting jobs, with the reason, when its workers cannot start', async () => {
		const p = make({ taskModule: projectPath('tests/fixtures/job-tasks-broken.ts') });
		const err = await run(p, 'echo', ['x']).catch((e) => e);
		expect(err).toBeInstanceOf(Error);
		expect(err.message).toMatch(/job workers fail to start: .*this task module is broken/);
	});

	it('runs inline when it has no workers (the command line)', async () => {
		const p = make({ size: 0 });
		expect(await run(p, 'echo', ['x'])).toEqual({ result: 'x', parts: ['first', 'second'] });
	});
});

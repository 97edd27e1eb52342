// Running a bench at its smoke size from a test, so a bench cannot break unseen: `npm run bench --
// <name> --smoke` (GRIDATLAS_BENCH_SIZE=smoke) in a child process, its last `RESULT {json}` line parsed.
// The figures belong to the machine: a test asserts the keys a bench promises and its `identical` /
// `same` flags (smokeBench does both), never a timing.
//
//   const result = await smokeBench('coverage', ['ms', 'vs_turf', …]);
//
// The child gets no database from the environment (DATABASE_URL, BENCH_DATABASE_URL and their read
// replicas are removed), so a bench measures the embedded engine only unless the test passes one in `env`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { listBenches } from '../../scripts/bench-list.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every bench `npm run bench` knows: name and file (relative to the repository). */
export const BENCHES: { name: string; file: string }[] = listBenches(ROOT);

export interface BenchRun {
	/** Exit code (null: killed, e.g. by the time limit). */
	status: number | null;
	/** stdout and stderr, for failure messages. */
	out: string;
	/** The last RESULT line's JSON (undefined when there is none). */
	result?: Record<string, unknown>;
}

export interface BenchOptions {
	/** Extra environment (undefined removes a variable). */
	env?: Record<string, string | undefined>;
	/** Extra arguments after the name (besides --smoke). */
	args?: string[];
	/** Killed after this long (default 600 s: a loaded machine is slow, and nothing here is timed). */
	timeoutMs?: number;
	/** Run at the full size instead (default false: smoke size). */
	full?: boolean;
}

const NO_DATABASE = ['DATABASE_URL', 'DATABASE_READ_URL', 'BENCH_DATABASE_URL', 'BENCH_DATABASE_READ_URL'];

/** Runs `npm run bench -- <name> --smoke` and parses its last RESULT line. */
export function runBench(name: string, options: BenchOptions = {}): Promise<BenchRun> {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const k of NO_DATABASE) delete env[k];
	delete env.GRIDATLAS_BENCH_SIZE;
	for (const [k, v] of Object.entries(options.env ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	const args = ['scripts/bench.js', name, ...(options.full ? [] : ['--smoke']), ...(options.args ?? [])];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const timer = setTimeout(() => {
			out += `\n[killed after ${options.timeoutMs ?? 600_000} ms]`;
			child.kill('SIGKILL');
		}, options.timeoutMs ?? 600_000);
		child.on('error', reject);
		child.on('close', (status) => {
			clearTimeout(timer);
			const line = out
				.split('\n')
				.filter((l) => l.startsWith('RESULT '))
				.at(-1);
			resolve({ status, out, result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined });
		});
	});
}

/** A key that flags agreement with an independent path: it must be true in every run. */
export const isAgreementFlag = (key: string) => /(^|_)(identical|same)$/.test(key);

/**
 * Runs the bench at its smoke size and asserts: exit 0, a RESULT line with exactly `keys` (order aside),
 * and every `identical` / `same` flag true. Returns the RESULT for further checks.
 */
export async function smokeBench(name: string, keys: string[], options: BenchOptions = {}): Promise<Record<string, unknown>> {
	const run = await runBench(name, options);
	expect(run.status, run.out).toBe(0);
	expect(run.result, run.out).toBeDefined();
	const result = run.result!;
	expect(Object.keys(result).sort(), run.out).toEqual([...keys].sort());
	for (const [k, v] of Object.entries(result)) if (isAgreementFlag(k)) expect(v, `${k} in ${run.out}`).toBe(true);
	return result;
}

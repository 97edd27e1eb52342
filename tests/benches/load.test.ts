// `npm run bench -- load` at smoke size (a small city, a handful of users, seconds per run): the bench
// runs end to end on the server engine (with the replica when there is one) and ends with its RESULT
// line. Its timings belong to the machine: only the keys are asserted, and that nothing failed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/lib/server/db';
import { ROOT } from '../browser/helpers/app-server';

describe.skipIf(!process.env.TEST_DATABASE_URL)('npm run bench -- load (smoke size)', () => {
	it('runs 1 process, 2 processes (and 2 + the replica) and prints RESULT with every key', async () => {
		const name = `gridatlas_bench_smoke_${process.pid}`;
		try {
			const r = spawnSync(process.execPath, ['scripts/bench.js', 'load'], {
				cwd: ROOT,
				encoding: 'utf8',
				timeout: 400_000,
				env: {
					...process.env,
					BENCH_LOAD_SMOKE: '1',
					BENCH_LOAD_DB: name,
					BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL,
					BENCH_DATABASE_READ_URL: process.env.TEST_DATABASE_READ_URL ?? ''
				}
			});
			const out = `${r.stdout}\n${r.stderr}`;
			expect(r.status, out).toBe(0);
			const line = out.split('\n').find((l) => l.startsWith('RESULT '));
			expect(line, out).toBeDefined();
			const result = JSON.parse(line!.slice(7));
			expect(Object.keys(result).sort()).toEqual(['api_p95_ms', 'errors', 'post_to_wall_p99_ms', 'replica_ok', 'scale_2_vs_1', 'tiles_p95_ms']);
			expect(result.errors, out).toBe(0);
			expect(result.replica_ok).toBe(process.env.TEST_DATABASE_READ_URL ? true : null);
		} finally {
			const admin = await openDb({ databaseUrl: process.env.TEST_DATABASE_URL!, migrate: false });
			await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.close());
		}
	}, 420_000);
});

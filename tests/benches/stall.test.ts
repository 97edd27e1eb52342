// `npm run bench -- stall --smoke` inside `npm test`: the bench runs end to end (server, every heavy
// request kind, the naive comparison) and ends with its RESULT keys. Latencies are the bench's to
// report, never asserted here (they depend on the machine); the answers' statuses are.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../browser/helpers/app-server';

describe('npm run bench -- stall --smoke', () => {
	it('sends the heaviest request of each kind while probing, and ends with RESULT', () => {
		const run = spawnSync(process.execPath, ['scripts/bench.js', 'stall', '--smoke'], { cwd: ROOT, encoding: 'utf8', timeout: 580_000 });
		expect(run.status, run.stderr).toBe(0);
		const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
		expect(line, run.stdout).toBeDefined();
		const result = JSON.parse(line!.slice('RESULT '.length));
		for (const key of ['health_p99_ms', 'tile_p99_ms', 'heaviest_request', 'goal_met', 'naive_health_p99_ms', 'naive_tile_p99_ms', 'kinds', 'smoke'])
			expect(result, key).toHaveProperty(key);
		const kinds = result.kinds as Record<string, { status: number; samples: number }>;
		expect(Object.keys(kinds).map((k) => k.replace(/ \(.*\)$/, ''))).toEqual([
			'idle',
			'plan save',
			'rebalance by a viewer',
			'propose by a viewer',
			'plan import',
			'data import',
			'coverage recompute'
		]);
		// Every request was answered as it should be (the probes also answered throughout).
		for (const [kind, m] of Object.entries(kinds)) {
			expect(m.status, kind).toBeLessThan(300);
			expect(m.samples, kind).toBeGreaterThan(0);
		}
		expect(Number.isFinite(result.health_p99_ms)).toBe(true);
	}, 600_000);
});

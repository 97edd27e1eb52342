#!/usr/bin/env node
// `npm test`: the whole suite as two vitest runs side by side — the browser tests (one file at a
// time: each drives Chromium and a server) and everything else (one file at a time: the database
// tests share the test database) — and beside them `npm run lint` (Prettier, ESLint, svelte-check).
// A browser test keeps about one of the machine's cores busy, so the other runs the core tests
// meanwhile; the app is built once first, so neither run builds it under the other. With arguments
// (`npm test -- tests/plans.test.ts`) it is one plain vitest run.
import { spawn, spawnSync } from 'node:child_process';
import readline from 'node:readline';

const args = process.argv.slice(2);
const vitest = (extra, env = {}) =>
	spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...extra], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

if (args.length) {
	const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit' });
	process.exit(r.status ?? 1);
}

const build = spawnSync('npx', ['vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
if (build.status !== 0) {
	console.error(`vite build failed (exit ${build.status})`);
	process.exit(1);
}

function run(label, extra, env, child = vitest(extra, env)) {
	for (const stream of [child.stdout, child.stderr]) {
		readline.createInterface({ input: stream }).on('line', (line) => console.log(`[${label}] ${line}`));
	}
	return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0) })));
}

// as `npm run lint`, without its `svelte-kit sync` (the build above made .svelte-kit; the test runs read it)
const lint = spawn('npx prettier --check . && npx eslint . && npx svelte-check --tsconfig ./tsconfig.json --threshold error', {
	shell: true,
	stdio: ['ignore', 'pipe', 'pipe']
});
const results = await Promise.all([
	run('browser', [], { GRIDATLAS_TEST_SET: 'browser' }),
	run('core', [], { GRIDATLAS_TEST_SET: 'core' }),
	run('lint', [], {}, lint)
]);
for (const r of results) console.log(`${r.label} tests: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);

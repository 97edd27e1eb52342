import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { fs: { allow: ['geo'] } },
	test: {
		// scripts/test.js runs the browser tests and the rest side by side (GRIDATLAS_TEST_SET). The
		// security and cluster suites and the live CLI test start the production server too, so they run
		// with the browser set; the bench smoke tests (tests/benches/) and the longest server-only security
		// suite (tests/security/server-only/: no browser) run with the core set, so the two sets end
		// closer together.
		include:
			process.env.GRIDATLAS_TEST_SET === 'browser'
				? ['tests/browser/**/*.test.ts', 'tests/security/*.test.ts', 'tests/cluster/**/*.test.ts', 'tests/cli-live.test.ts']
				: ['geo/**/*.test.ts', 'tests/**/*.test.ts', 'src/**/*.test.ts'],
		exclude:
			process.env.GRIDATLAS_TEST_SET === 'core'
				? ['tests/browser/**', 'tests/security/*.test.ts', 'tests/cluster/**', 'tests/cli-live.test.ts', '**/node_modules/**']
				: ['**/node_modules/**'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		fileParallelism: false,
		globalSetup: ['tests/global-setup.ts']
	}
});

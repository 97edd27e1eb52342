// The $geo alias outside Vite. Vite (the app, its build, vitest) takes it from svelte.config.js's kit.alias;
// the TypeScript Node runs through tsx (the CLI, the job pool's worker threads, scripts and benches) takes it
// from tsconfig.node.json, named by path so that it resolves from any directory and before `svelte-kit sync`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import config from '../svelte.config.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('the $geo alias', () => {
	it('tsconfig.node.json maps every kit alias to the same folder', () => {
		const read = ts.readConfigFile(path.join(ROOT, 'tsconfig.node.json'), ts.sys.readFile);
		expect(read.error).toBeUndefined();
		const paths = read.config.compilerOptions.paths as Record<string, string[]>;
		const alias = config.kit?.alias ?? {};
		expect(Object.keys(alias)).toContain('$geo');
		for (const [name, target] of Object.entries(alias)) {
			expect(paths[name]).toEqual([`./${target}`]);
			expect(paths[`${name}/*`]).toEqual([`./${target}/*`]);
		}
	});

	it('resolves in the CLI started from another directory', () => {
		const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'gridatlas.js'), '--help'], { cwd: os.tmpdir(), encoding: 'utf8' });
		expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND/);
		expect(r.stdout).toMatch(/gridatlas import/);
	});

	it("resolves in a job worker thread of a process started from another directory (the app's own task module)", () => {
		const worker = pathToFileURL(path.join(ROOT, 'src', 'lib', 'server', 'jobs', 'worker.mjs')).href;
		const taskModule = pathToFileURL(path.join(ROOT, 'src', 'lib', 'server', 'jobs', 'tasks.ts')).href;
		// The worker answers `ready` once it has imported the task module, $geo imports and all.
		const script = `import { Worker } from 'node:worker_threads';
			const w = new Worker(new URL(${JSON.stringify(worker)}), { workerData: { taskModule: ${JSON.stringify(taskModule)} } });
			w.on('message', (m) => { if (m.ready) { console.log('ready'); process.exit(0); } });
			w.on('error', (e) => { console.error(e); process.exit(1); });`;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-alias-'));
		try {
			fs.writeFileSync(path.join(dir, 'start-worker.mjs'), script);
			const r = spawnSync(process.execPath, ['start-worker.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
			expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND/);
			expect(r.stdout.trim()).toBe('ready');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 90_000);
});

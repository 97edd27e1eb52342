#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// The server answers HTTP at once and opens the embedded database (and loads the demo) in the background.
// A build prints how long it has been running every 15 s, and on the embedded engine the engine cache
// (scripts/prepare-engine.ts) is made beside it, so the first start does not wait for initdb.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const built = path.join(root, 'build', 'index.js');

function newestMtime(dir) {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
	}
	return newest;
}

const sources = ['src', 'geo', 'static'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
const stale = !fs.existsSync(built) || Math.max(...sources.map(newestMtime), fs.statSync(path.join(root, 'package.json')).mtimeMs) > fs.statSync(built).mtimeMs;

/** Runs a command to its end; resolves with its exit code. */
function run(args, label) {
	// tsx reads the $geo alias from tsconfig.node.json: tsconfig.json extends .svelte-kit/, which the build is making meanwhile.
	const child = spawn(process.execPath, args, {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.node.json') }
	});
	return new Promise((resolve) => {
		child.once('error', (err) => {
			console.error(`GridAtlas: ${label} could not run: ${err.message}`);
			resolve(1);
		});
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

const seconds = (ms) => `${Math.round(ms / 1000)} s`;

if (stale) {
	const t0 = Date.now();
	console.log('GridAtlas: building the app (first start or changed sources; about a minute on an idle machine)…');
	const heartbeat = setInterval(() => console.log(`GridAtlas: still building… ${seconds(Date.now() - t0)}`), 15_000);
	const engine = process.env.DATABASE_URL ? Promise.resolve(0) : run(['--import', 'tsx', path.join(root, 'scripts', 'prepare-engine.ts')], 'the engine cache');
	const status = await run([path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], 'the build');
	clearInterval(heartbeat);
	if (status !== 0) {
		console.error(`GridAtlas: the build failed after ${seconds(Date.now() - t0)}`);
		process.exit(status);
	}
	console.log(`GridAtlas: build finished in ${seconds(Date.now() - t0)}`);
	// Not needed to start (the server makes what is missing), only faster: a failure was printed, and is no reason to stop.
	await engine;
}

process.env.PORT ??= '3000';
const scheme = process.env.GRIDATLAS_TLS_CERT ? 'https' : 'http';
console.log(
	`GridAtlas: ${scheme}://localhost:${process.env.PORT} (data: ${process.env.DATABASE_URL ? 'PostgreSQL server' : path.resolve(process.env.GRIDATLAS_DATA_DIR ?? './data')})`
);
await import('./serve.js');

#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// The server answers HTTP at once and opens the embedded database (and loads the demo) in the background.
import { spawnSync } from 'node:child_process';
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

if (stale) {
	console.log('GridAtlas: building the app (first start or changed sources)…');
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (r.status !== 0) process.exit(r.status ?? 1);
}

process.env.PORT ??= '3000';
const scheme = process.env.GRIDATLAS_TLS_CERT ? 'https' : 'http';
console.log(
	`GridAtlas: ${scheme}://localhost:${process.env.PORT} (data: ${process.env.DATABASE_URL ? 'PostgreSQL server' : path.resolve(process.env.GRIDATLAS_DATA_DIR ?? './data')})`
);
await import('./serve.js');

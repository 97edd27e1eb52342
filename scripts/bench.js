#!/usr/bin/env node
// `npm run bench -- <name>`: runs scripts/bench/<name>.ts (app-level) or geo/<name>/bench.ts (core).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const name = process.argv[2];
const candidates = name ? [`scripts/bench/${name}.ts`, `geo/${name}/bench.ts`] : [];
const file = candidates.map((c) => path.join(root, c)).find((p) => fs.existsSync(p));
if (!file) {
	const known = [
		...fs.readdirSync(path.join(root, 'scripts/bench')).map((f) => f.replace(/\.ts$/, '')),
		...fs.readdirSync(path.join(root, 'geo')).filter((d) => fs.existsSync(path.join(root, 'geo', d, 'bench.ts')))
	];
	console.error(`usage: npm run bench -- <${known.join('|')}>`);
	process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);

#!/usr/bin/env node
// `npm run bench -- <name> [--smoke]`: runs scripts/bench/<name>.ts (app-level) or geo/<name>/bench.ts
// (core; `geo/<name>` where an app-level bench has the same name). Every bench ends with one line
// `RESULT {json}`. --smoke (or GRIDATLAS_BENCH_SIZE=smoke) runs it at its smoke size: seconds, for the
// tests that keep every bench working (tests/helpers/bench.ts); the full size is the default.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { listBenches } from './bench-list.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const name = process.argv[2];
const known = listBenches(root);
const bench = known.find((b) => b.name === name);
if (!bench) {
	console.error(`usage: npm run bench -- <${known.map((b) => b.name).join('|')}> [--smoke]`);
	process.exit(2);
}
const args = process.argv.slice(3);
// tsx reads the $geo alias from tsconfig.node.json (tsconfig.json extends .svelte-kit/, made by `svelte-kit sync`).
const env = {
	...process.env,
	TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.node.json'),
	...(args.includes('--smoke') ? { GRIDATLAS_BENCH_SIZE: 'smoke' } : {})
};
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, bench.file), ...args], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);

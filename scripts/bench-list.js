// The benches `npm run bench -- <name>` knows (scripts/bench.js, and the smoke tests that check every
// one of them runs): each scripts/bench/<name>.ts that prints a `RESULT {json}` line (the others there
// are helpers the benches share), then each geo/<name>/bench.ts — named geo/<name> when an app-level
// bench already has the name (geo/tiles beside tiles).
import fs from 'node:fs';
import path from 'node:path';

/**
 * @param {string} root the repository
 * @returns {{ name: string, file: string }[]} each bench: its name and its file (relative to root)
 */
export function listBenches(root) {
	const out = [];
	for (const f of fs.readdirSync(path.join(root, 'scripts/bench')).sort()) {
		if (!f.endsWith('.ts')) continue;
		const file = `scripts/bench/${f}`;
		if (fs.readFileSync(path.join(root, file), 'utf8').includes('RESULT')) out.push({ name: f.replace(/\.ts$/, ''), file });
	}
	const taken = new Set(out.map((b) => b.name));
	for (const d of fs.readdirSync(path.join(root, 'geo')).sort()) {
		const file = `geo/${d}/bench.ts`;
		if (fs.existsSync(path.join(root, file))) out.push({ name: taken.has(d) ? `geo/${d}` : d, file });
	}
	return out;
}

// Where the project's own files are (migrations, bundled demo), whether we run from source
// (tsx, vitest), from the adapter-node build, or through `npx gridatlas`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
	if (cached) return cached;
	const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
	for (const start of starts) {
		let dir = start;
		for (;;) {
			if (fs.existsSync(path.join(dir, 'migrations')) && fs.existsSync(path.join(dir, 'package.json'))) {
				return (cached = dir);
			}
			const parent = path.dirname(dir);
			if (parent === dir) break;
			dir = parent;
		}
	}
	throw new Error('GridAtlas: cannot find the project folder (with migrations/ and package.json)');
}

export const projectPath = (...parts: string[]) => path.join(projectRoot(), ...parts);

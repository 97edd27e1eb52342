// Starts compiling the embedded engine's WebAssembly (PGlite, the PostGIS library: the files the engine
// cache lists in precompile.json) before the server's modules are loaded. V8 compiles on threads of
// its own, so this runs beside that loading; the app takes the results (src/lib/server/db/wasm-modules.ts)
// and compiles whatever is missing or failed here itself.
import fs from 'node:fs';
import path from 'node:path';

/** @param {string} root the project folder */
export function precompileEngine(root) {
	if (process.env.DATABASE_URL) return;
	// the engine cache's folder, as src/lib/server/db/engine-cache.ts names it
	const cache = path.resolve(process.env.GRIDATLAS_ENGINE_CACHE || path.join(root, '.cache', 'engine'));
	let files;
	try {
		files = JSON.parse(fs.readFileSync(path.join(cache, 'precompile.json'), 'utf8')).files;
	} catch {
		return; // not made yet: the first start makes it
	}
	if (!Array.isArray(files)) return;
	const started = new Map();
	for (const file of files) {
		if (typeof file !== 'string') continue;
		const module = fs.promises.readFile(file).then((bytes) => WebAssembly.compile(bytes));
		module.catch(() => {});
		started.set(file, module);
	}
	globalThis[Symbol.for('gridatlas.precompiled-wasm')] = started;
}

// WebAssembly the embedded engine runs (PGlite's pglite.wasm, PostGIS's library), compiled once per
// process and shared by every engine it opens. V8 compiles on its own threads: started before the
// server's modules are loaded (scripts/precompile-engine.js, which leaves its promises under
// PRECOMPILED), the compilation runs beside that loading instead of after it.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { writeFileAtomically } from '../runtime/files';

/** Where scripts/precompile-engine.js leaves the compilations it started: file → Promise<Module>. */
const PRECOMPILED = Symbol.for('gridatlas.precompiled-wasm');

/** What the production server compiles before loading the app, beside the engine cache (see writeWasmManifest). */
export const WASM_MANIFEST = 'precompile.json';

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module of a .wasm/.so file: started early by the server, else compiled now; once per process. */
export function compiledWasm(file: string): Promise<WebAssembly.Module> {
	let module = compiled.get(file);
	if (!module) {
		const early = (globalThis as { [PRECOMPILED]?: Map<string, Promise<WebAssembly.Module>> })[PRECOMPILED]?.get(file);
		module = (early ?? Promise.reject(new Error('not started'))).catch(() => fs.promises.readFile(file).then((bytes) => WebAssembly.compile(bytes)));
		compiled.set(file, module);
		// a failed compilation is not kept: the next engine tries again
		module.catch(() => compiled.delete(file));
	}
	return module;
}

/** pglite.wasm of the installed package, or undefined when it is not where this version keeps it. */
export function pgliteWasmFile(): string | undefined {
	try {
		const file = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
		return fs.existsSync(file) ? file : undefined;
	} catch {
		return undefined;
	}
}

/** PGlite's own module, compiled (PGlite then only instantiates it), or undefined to let PGlite compile. */
export async function pgliteWasmModule(): Promise<WebAssembly.Module | undefined> {
	const file = pgliteWasmFile();
	return file ? compiledWasm(file).catch(() => undefined) : undefined;
}

/** Records the files worth compiling early; rewritten only when they change. */
export function writeWasmManifest(cacheDir: string, files: string[]) {
	const file = path.join(cacheDir, WASM_MANIFEST);
	const text = JSON.stringify({ files });
	try {
		if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
		writeFileAtomically(file, text);
	} catch {
		// only a head start is lost
	}
}

/**
 * Shared buffers of the embedded engine unless GRIDATLAS_EMBEDDED_SHARED_BUFFERS says otherwise. The
 * engine zeroes them at every open and they stay resident; PostgreSQL's 128MB cost 0.3 s of every open
 * and 100 MB of memory, with the same tile and import times (docs/benchmarks.md, startup): the pages
 * that do not fit are read from the OS's cache.
 */
export const EMBEDDED_SHARED_BUFFERS = '32MB';

/** PGlite's start parameters with the embedded engine's shared buffers. */
export function embeddedStartParams(defaults: readonly string[]): string[] {
	const setting = process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS || EMBEDDED_SHARED_BUFFERS;
	if (!/^\d+(kB|MB|GB)$/.test(setting) || parseInt(setting, 10) === 0) {
		throw new Error(`GRIDATLAS_EMBEDDED_SHARED_BUFFERS=${setting}: give a size such as 32MB or 128MB`);
	}
	return [...defaults, '-c', `shared_buffers=${setting}`];
}

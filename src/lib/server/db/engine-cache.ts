// What the embedded engine (PGlite + PostGIS) would otherwise redo on every start, done once and kept
// in a cache folder (GRIDATLAS_ENGINE_CACHE, default .cache/engine in the project folder):
//
// - the PostGIS bundle. PGlite reads an extension as a .tar.gz, gunzips it, unpacks every file into
//   its in-memory file system and compiles *and links* every .so in it at open. pglite-postgis ships
//   95 MB (20 MB gzipped) with three 16 MB libraries: postgis-3, postgis_raster-3 and
//   postgis_topology-3; the app uses only the first (migrations/001_postgis.sql). The cached bundle
//   holds what `CREATE EXTENSION postgis` and its functions use (the library, its control and
//   scripts, proj's data), uncompressed inside a gzip envelope (level 0: PGlite insists on gzip):
//   opening an existing data directory took 4.0 s instead of 1.7 s with it (docs/benchmarks.md).
// - a new database. initdb and `CREATE EXTENSION postgis` take 20 s on the embedded engine (the
//   extension script alone is 7.5 MB of SQL); a new data directory starts as a copy of such a fresh
//   database, made once, and so does every in-memory database of the tests (`PGlite.loadDataDir`).
//
// Both are keyed by the versions of the two packages (and a format number), so an upgrade makes new
// ones. When the folder cannot be written, the engine opens as before, from the package's own bundle.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import type { Extension, PGlite as PGliteClass } from '@electric-sql/pglite';
import { projectPath } from '../runtime/paths';
import { writeFileAtomically } from '../runtime/files';
import { compiledWasm, pgliteWasmFile, writeWasmManifest } from './wasm-modules';

const FORMAT = 1;
/** The unpacked bundle's layout (1 was a trimmed .tar.gz). */
const BUNDLE_FORMAT = 2;

export function engineCacheDir(): string {
	return path.resolve(process.env.GRIDATLAS_ENGINE_CACHE || projectPath('.cache', 'engine'));
}

/** The files of pglite-postgis's bundle that GridAtlas never uses (other extensions, loose install scripts). */
const UNUSED = /(^|\/)(postgis_raster|postgis_topology|postgis_tiger_geocoder|address_standardizer)[-._]|^share\/postgresql\/contrib\/|--unpackaged/;
const LIBRARY = 'lib/postgresql/postgis-3.so';
const NEEDED = [LIBRARY, 'share/postgresql/extension/postgis.control'];

function packageVersion(name: string): string {
	try {
		let dir = path.dirname(createRequire(import.meta.url).resolve(name));
		for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
			const file = path.join(dir, 'package.json');
			if (!fs.existsSync(file)) continue;
			const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
			if (pkg.name === name) return pkg.version ?? 'unknown';
		}
	} catch {
		// not resolvable from here (an unusual install): the bundle's size still tells versions apart
	}
	return 'unknown';
}

let warned = false;
function warnOnce(what: string, err: unknown) {
	if (warned) return;
	warned = true;
	console.warn(`GridAtlas: 引擎缓存不可用 / the engine cache is not used (${what}):`, err instanceof Error ? err.message : err);
}

/** A ustar archive's regular files, read in place: [path, contents] (512-byte headers, data padded to 512). */
export function tarFiles(tar: Uint8Array): [string, Uint8Array][] {
	const buf = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
	const files: [string, Uint8Array][] = [];
	const text = (from: number, to: number, at: number) => buf.toString('latin1', at + from, at + to).replace(/\0[\s\S]*$/, '');
	let at = 0;
	while (at + 512 <= buf.length) {
		if (buf.subarray(at, at + 512).every((b) => b === 0)) break;
		const name = text(0, 100, at);
		const prefix = text(345, 500, at);
		const size = parseInt(text(124, 136, at).trim() || '0', 8);
		const type = text(156, 157, at);
		const full = prefix ? `${prefix}/${name}` : name;
		if ((type === '0' || type === '') && !full.endsWith('/')) files.push([full, buf.subarray(at + 512, at + 512 + size)]);
		at += 512 + Math.ceil(size / 512) * 512;
	}
	return files;
}

/** The unpacked bundle's folder in the cache (made from the package's bundle on first use), or undefined when it cannot be had. */
function unpackedBundle(stock: URL): string | undefined {
	try {
		const size = fs.statSync(stock).size;
		const dir = path.join(engineCacheDir(), `postgis-${packageVersion('@electric-sql/pglite-postgis')}-${size}-f${BUNDLE_FORMAT}`);
		if (NEEDED.every((n) => fs.existsSync(path.join(dir, n)))) return dir;
		const files = tarFiles(zlib.gunzipSync(fs.readFileSync(stock))).filter(([name]) => !UNUSED.test(name) && !path.basename(name).startsWith('.'));
		const missing = NEEDED.filter((n) => !files.some(([name]) => name === n));
		if (missing.length) throw new Error(`the PostGIS bundle has no ${missing.join(', ')}`);
		// made whole under another name, then renamed: a second process may be making the same one
		const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
		try {
			for (const [name, data] of files) {
				const file = path.join(tmp, name);
				if (path.relative(tmp, file).startsWith('..')) throw new Error(`the PostGIS bundle names a file outside it: ${name}`);
				fs.mkdirSync(path.dirname(file), { recursive: true });
				fs.writeFileSync(file, data);
			}
			try {
				fs.renameSync(tmp, dir);
			} catch (err) {
				if (!NEEDED.every((n) => fs.existsSync(path.join(dir, n)))) throw err;
			}
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
		// the earlier layout (a trimmed .tar.gz, read whole at every open) is never read again
		for (const old of fs.readdirSync(engineCacheDir())) if (/^postgis-.*-f1\.tar\.gz$/.test(old)) fs.rmSync(path.join(engineCacheDir(), old), { force: true });
		return dir;
	} catch (err) {
		warnOnce('PostGIS bundle', err);
		return undefined;
	}
}

/** Every file under `dir`, relative to it: listed once per process. */
const bundles = new Map<string, string[]>();
function bundleFiles(dir: string): string[] {
	let files = bundles.get(dir);
	if (!files) {
		const found: string[] = [];
		const walk = (rel: string) => {
			for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
				const name = rel ? `${rel}/${entry.name}` : entry.name;
				if (entry.isDirectory()) walk(name);
				else found.push(name);
			}
		};
		walk('');
		bundles.set(dir, (files = found));
	}
	return files;
}

/** The part of Emscripten's module the bundle is installed through (FS calls PGlite's own loaders make). */
interface EngineModule {
	WASM_PREFIX?: string;
	FS: {
		filesystems: { NODEFS: unknown };
		analyzePath(p: string): { exists: boolean };
		mkdir(p: string): void;
		mkdirTree(p: string): void;
		mount(type: unknown, opts: { root: string }, mountpoint: string): void;
		symlink(target: string, p: string): void;
		createPreloadedFile(
			parent: string,
			name: string,
			data: Uint8Array | WebAssembly.Module,
			canRead: boolean,
			canWrite: boolean,
			onload?: () => void,
			onerror?: () => void,
			dontCreateFile?: boolean
		): void;
	};
}

/** Where the cached bundle's folder appears inside the engine. */
const BUNDLE_MOUNT = '/gridatlas-postgis';

/**
 * Puts the bundle's files where PGlite's extension loader would (a preRun hook, before the engine
 * starts): the cache folder is mounted read through (NODEFS, as PGlite mounts the data directory) and
 * each file linked into place, so nothing is read until the engine opens it (the 15 MB of install
 * scripts, only on CREATE EXTENSION). The library is handed over to be linked: compiled ahead when that
 * could be done, else its bytes (compiled there); Emscripten waits for it before the engine starts.
 */
function installBundle(mod: EngineModule, dir: string, files: string[], library: WebAssembly.Module | undefined) {
	const prefix = mod.WASM_PREFIX ?? '/pglite';
	mod.FS.mkdir(BUNDLE_MOUNT);
	mod.FS.mount(mod.FS.filesystems.NODEFS, { root: dir }, BUNDLE_MOUNT);
	for (const name of files) {
		const file = `${prefix}/${name}`;
		const parent = path.posix.dirname(file);
		if (!mod.FS.analyzePath(parent).exists) mod.FS.mkdirTree(parent);
		mod.FS.symlink(`${BUNDLE_MOUNT}/${name}`, file);
		if (name.endsWith('.so')) {
			const code = (name === LIBRARY && library) || new Uint8Array(fs.readFileSync(path.join(dir, name)));
			const failed = () => console.warn(`GridAtlas: ${name} could not be linked ahead; the engine loads it when first used`);
			mod.FS.createPreloadedFile(parent, path.posix.basename(file), code, true, false, undefined, failed, true);
		}
	}
}

/**
 * pglite-postgis's extension, from the engine cache: the same settings, only the files the app uses,
 * written straight into the engine's file system, and the library compiled once per process (and, in
 * the production server, while its modules load). Without the cache, the package's own bundle.
 */
export async function postgisExtension(): Promise<Extension> {
	const { postgis } = await import('@electric-sql/pglite-postgis');
	return {
		name: postgis.name,
		async setup(pg, emscriptenOpts) {
			const result = await postgis.setup(pg, emscriptenOpts);
			const dir = result.bundlePath && unpackedBundle(result.bundlePath);
			if (!dir) return result;
			const files = bundleFiles(dir);
			const libraryFile = path.join(dir, LIBRARY);
			writeWasmManifest(
				engineCacheDir(),
				[pgliteWasmFile(), libraryFile].filter((f): f is string => Boolean(f))
			);
			const library = await compiledWasm(libraryFile).catch(() => undefined);
			const opts = result.emscriptenOpts ?? emscriptenOpts;
			const preRun = [opts.preRun ?? []].flat();
			return {
				...result,
				bundlePath: undefined,
				emscriptenOpts: { ...opts, preRun: [...preRun, (mod: EngineModule) => installBundle(mod, dir, files, library)] }
			};
		}
	};
}

function templatePath(): string {
	const key = `pglite-${packageVersion('@electric-sql/pglite')}-postgis-${packageVersion('@electric-sql/pglite-postgis')}-f${FORMAT}`;
	return path.join(engineCacheDir(), `new-database-${key}`);
}

/**
 * Makes the new database of the cache: initdb and CREATE EXTENSION (as any new database would),
 * kept twice: as a data directory (closed cleanly: copied as it is for a new data directory) and as a
 * tar of it (for an in-memory database, `loadDataDir`). A second process making it at the same time
 * keeps whichever was first.
 */
async function makeTemplate(PGlite: typeof PGliteClass, extension: Extension, dir: string): Promise<void> {
	const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
	fs.mkdirSync(tmp, { recursive: true });
	try {
		const pg = await PGlite.create(tmp, { extensions: { postgis: extension } });
		try {
			await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis; CHECKPOINT;');
			writeFileAtomically(`${dir}.tar`, new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer()));
		} finally {
			await pg.close();
		}
		try {
			fs.renameSync(tmp, dir);
		} catch (err) {
			if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw err;
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

/**
 * A new database with PostGIS already created, from the cache (made now, once, if missing): copied
 * into `dataDir` (returns undefined: PGlite then opens it as an existing one), or for an in-memory
 * database returned as a tar for `loadDataDir`. When the cache cannot be had, nothing is done and the
 * caller's PGlite creates the database the ordinary way.
 */
export async function newDatabase(
	PGlite: typeof PGliteClass,
	extension: Extension,
	dataDir: string,
	onProgress?: (msg: string) => void
): Promise<Blob | undefined> {
	try {
		const dir = templatePath();
		if (!fs.existsSync(path.join(dir, 'PG_VERSION')) || !fs.existsSync(`${dir}.tar`)) {
			onProgress?.('preparing the engine cache: a new database with PostGIS (once per install, ≈ 20 s)');
			await makeTemplate(PGlite, extension, dir);
		}
		if (dataDir.startsWith('memory://')) return new Blob([fs.readFileSync(`${dir}.tar`)]);
		fs.cpSync(dir, dataDir, { recursive: true });
		return undefined;
	} catch (err) {
		warnOnce('new database', err);
		return undefined;
	}
}

/** Makes whatever of the cache is missing (npm start runs this beside the first build): the bundle, then the new database. */
export async function prepareEngineCache(onProgress?: (msg: string) => void): Promise<void> {
	const { PGlite } = await import('@electric-sql/pglite');
	const extension = await postgisExtension();
	await extension.setup({} as never, { PGLITE_ENV: {} });
	const dir = templatePath();
	if (!fs.existsSync(path.join(dir, 'PG_VERSION')) || !fs.existsSync(`${dir}.tar`)) {
		onProgress?.('preparing the engine cache: a new database with PostGIS (once per install)');
		await makeTemplate(PGlite, extension, dir);
	}
}

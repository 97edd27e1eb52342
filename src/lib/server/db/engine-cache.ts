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
import { pathToFileURL } from 'node:url';
import type { Extension, PGlite as PGliteClass } from '@electric-sql/pglite';
import { projectPath } from '../runtime/paths';

const FORMAT = 1;

export function engineCacheDir(): string {
	return path.resolve(process.env.GRIDATLAS_ENGINE_CACHE || projectPath('.cache', 'engine'));
}

/** The files of pglite-postgis's bundle that GridAtlas never uses (other extensions, loose install scripts). */
const UNUSED = /(^|\/)(postgis_raster|postgis_topology|postgis_tiger_geocoder|address_standardizer)[-._]|^share\/postgresql\/contrib\/|--unpackaged/;
const NEEDED = ['lib/postgresql/postgis-3.so', 'share/postgresql/extension/postgis.control'];

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

/** Writes a file whole or not at all (a second process may be writing the same one). */
function writeAtomically(file: string, data: Uint8Array) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
	fs.writeFileSync(tmp, data);
	fs.renameSync(tmp, file);
}

/** The tar's entries that GridAtlas uses, as a new tar (ustar: 512-byte headers, data padded to 512). */
export function trimBundle(tar: Uint8Array): { tar: Buffer; kept: string[] } {
	const buf = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
	const parts: Buffer[] = [];
	const kept: string[] = [];
	const text = (from: number, to: number, at: number) => buf.toString('latin1', at + from, at + to).replace(/\0[\s\S]*$/, '');
	let at = 0;
	while (at + 512 <= buf.length) {
		if (buf.subarray(at, at + 512).every((b) => b === 0)) break;
		const name = text(0, 100, at);
		const prefix = text(345, 500, at);
		const size = parseInt(text(124, 136, at).trim() || '0', 8);
		const full = prefix ? `${prefix}/${name}` : name;
		const length = 512 + Math.ceil(size / 512) * 512;
		if (!UNUSED.test(full)) {
			parts.push(buf.subarray(at, at + length));
			kept.push(full);
		}
		at += length;
	}
	parts.push(Buffer.alloc(1024));
	return { tar: Buffer.concat(parts), kept };
}

/** The trimmed bundle in the cache (made from the package's on first use), or the package's own on failure. */
function postgisBundle(stock: URL): URL {
	try {
		const size = fs.statSync(stock).size;
		const file = path.join(engineCacheDir(), `postgis-${packageVersion('@electric-sql/pglite-postgis')}-${size}-f${FORMAT}.tar.gz`);
		if (!fs.existsSync(file)) {
			const { tar, kept } = trimBundle(zlib.gunzipSync(fs.readFileSync(stock)));
			const missing = NEEDED.filter((n) => !kept.includes(n));
			if (missing.length) throw new Error(`the PostGIS bundle has no ${missing.join(', ')}`);
			writeAtomically(file, zlib.gzipSync(tar, { level: 0 }));
		}
		return pathToFileURL(file);
	} catch (err) {
		warnOnce('PostGIS bundle', err);
		return stock;
	}
}

/** pglite-postgis's extension, reading the cached bundle: the same settings, fewer files, no inflating. */
export async function postgisExtension(): Promise<Extension> {
	const { postgis } = await import('@electric-sql/pglite-postgis');
	return {
		name: postgis.name,
		async setup(pg, emscriptenOpts) {
			const result = await postgis.setup(pg, emscriptenOpts);
			if (result.bundlePath) result.bundlePath = postgisBundle(result.bundlePath);
			return result;
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
			writeAtomically(`${dir}.tar`, new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer()));
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

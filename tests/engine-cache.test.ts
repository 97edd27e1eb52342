// The embedded engine's cache (src/lib/server/db/engine-cache.ts) and its compiled WebAssembly
// (src/lib/server/db/wasm-modules.ts, scripts/precompile-engine.js): what a warm start relies on; the
// engine's shared buffers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { postgisExtension, tarFiles } from '../src/lib/server/db/engine-cache';
import { compiledWasm, EMBEDDED_SHARED_BUFFERS, embeddedStartParams, pgliteWasmModule, WASM_MANIFEST } from '../src/lib/server/db/wasm-modules';
import { openDb } from '../src/lib/server/db';
import { precompileEngine } from '../scripts/precompile-engine.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-engine-cache-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A ustar archive of the given entries (regular files; a name ending in / is a folder). */
function tar(entries: [string, string][]): Uint8Array {
	const blocks: Buffer[] = [];
	for (const [name, text] of entries) {
		const header = Buffer.alloc(512);
		header.write(name, 0, 'latin1');
		header.write('0000644\0', 100, 'latin1');
		header.write(`${Buffer.byteLength(text).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
		header.write(name.endsWith('/') ? '5' : '0', 156, 'latin1');
		header.write('ustar\0', 257, 'latin1');
		blocks.push(header, Buffer.from(text), Buffer.alloc((512 - (Buffer.byteLength(text) % 512)) % 512));
	}
	blocks.push(Buffer.alloc(1024));
	return new Uint8Array(Buffer.concat(blocks));
}

/** The smallest valid WebAssembly module: the magic number and version. */
const EMPTY_WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

describe('tarFiles', () => {
	it('reads regular files in place, skipping folders, up to the end blocks', () => {
		const files = tarFiles(
			tar([
				['share/', ''],
				['share/a.sql', 'SELECT 1;'],
				['lib/b.so', 'x'.repeat(700)],
				['empty', '']
			])
		);
		expect(files.map(([name, data]) => [name, Buffer.from(data).toString()])).toEqual([
			['share/a.sql', 'SELECT 1;'],
			['lib/b.so', 'x'.repeat(700)],
			['empty', '']
		]);
	});
});

describe('compiled WebAssembly', () => {
	it('compiles a file once per process and hands every engine the same module', async () => {
		const file = path.join(scratch, 'once.wasm');
		fs.writeFileSync(file, EMPTY_WASM);
		const first = await compiledWasm(file);
		expect(first).toBeInstanceOf(WebAssembly.Module);
		expect(await compiledWasm(file)).toBe(first);
	});

	it('takes the compilation the server started before loading the app, and compiles itself when that failed', async () => {
		const cache = path.join(scratch, 'cache');
		fs.mkdirSync(cache);
		const good = path.join(scratch, 'early.wasm');
		const broken = path.join(scratch, 'broken-early.wasm');
		fs.writeFileSync(good, EMPTY_WASM);
		fs.writeFileSync(broken, 'not wasm yet');
		fs.writeFileSync(path.join(cache, WASM_MANIFEST), JSON.stringify({ files: [good, broken] }));
		const saved = process.env.GRIDATLAS_ENGINE_CACHE;
		process.env.GRIDATLAS_ENGINE_CACHE = cache;
		try {
			precompileEngine(scratch);
		} finally {
			if (saved === undefined) delete process.env.GRIDATLAS_ENGINE_CACHE;
			else process.env.GRIDATLAS_ENGINE_CACHE = saved;
		}
		const started = (globalThis as Record<symbol, Map<string, Promise<WebAssembly.Module>> | undefined>)[Symbol.for('gridatlas.precompiled-wasm')];
		expect([...(started?.keys() ?? [])]).toEqual([good, broken]);
		expect(await compiledWasm(good)).toBe(await started!.get(good));
		// the early compilation of the broken file failed; by now the file is whole and is compiled again
		fs.writeFileSync(broken, EMPTY_WASM);
		expect(await compiledWasm(broken)).toBeInstanceOf(WebAssembly.Module);
	});

	it('does nothing before the engine cache lists its files, and nothing on the server engine', () => {
		const key = Symbol.for('gridatlas.precompiled-wasm');
		delete (globalThis as Record<symbol, unknown>)[key];
		const saved = { cache: process.env.GRIDATLAS_ENGINE_CACHE, url: process.env.DATABASE_URL };
		try {
			process.env.GRIDATLAS_ENGINE_CACHE = path.join(scratch, 'no-such-cache');
			precompileEngine(scratch);
			expect((globalThis as Record<symbol, unknown>)[key]).toBeUndefined();
			process.env.GRIDATLAS_ENGINE_CACHE = path.join(scratch, 'cache');
			process.env.DATABASE_URL = 'postgres://example/db';
			precompileEngine(scratch);
			expect((globalThis as Record<symbol, unknown>)[key]).toBeUndefined();
		} finally {
			for (const [name, value] of [
				['GRIDATLAS_ENGINE_CACHE', saved.cache],
				['DATABASE_URL', saved.url]
			] as const) {
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
			}
		}
	});
});

describe('the PostGIS bundle from a new engine cache', () => {
	it('is unpacked once, without the libraries the app never loads, and serves PostGIS with proj data', { timeout: 180_000 }, async () => {
		const cache = path.join(scratch, 'fresh-cache');
		const saved = process.env.GRIDATLAS_ENGINE_CACHE;
		process.env.GRIDATLAS_ENGINE_CACHE = cache;
		// a cache of the earlier layout: its trimmed .tar.gz is removed once the unpacked folder is made
		fs.mkdirSync(cache, { recursive: true });
		fs.writeFileSync(path.join(cache, 'postgis-0.2.8-19760150-f1.tar.gz'), 'old');
		let pg: PGlite | undefined;
		try {
			pg = await PGlite.create('memory://', { extensions: { postgis: await postgisExtension() }, pgliteWasmModule: await pgliteWasmModule() });
			const [bundle] = fs.readdirSync(cache).filter((name) => name.startsWith('postgis-') && fs.statSync(path.join(cache, name)).isDirectory());
			expect(bundle).toBeDefined();
			expect(fs.existsSync(path.join(cache, 'postgis-0.2.8-19760150-f1.tar.gz'))).toBe(false);
			const libraries = fs.readdirSync(path.join(cache, bundle, 'lib', 'postgresql'));
			expect(libraries).toEqual(['postgis-3.so']);
			const manifest = JSON.parse(fs.readFileSync(path.join(cache, WASM_MANIFEST), 'utf8')) as { files: string[] };
			expect(manifest.files).toContain(path.join(cache, bundle, 'lib', 'postgresql', 'postgis-3.so'));
			// a new database: CREATE EXTENSION reads the install script through the engine's link to the cache
			await pg.exec('CREATE EXTENSION postgis');
			// EPSG:4549 (CGCS2000 / 3-degree Gauss–Kruger CM 120E) comes from proj.db, read the same way
			const [row] = (
				await pg.query<{ x: number; y: number }>(
					'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(118.78, 32.04), 4326), 4549) AS p) t'
				)
			).rows;
			expect(row.x).toBeCloseTo(384764.607, 2);
			expect(row.y).toBeCloseTo(3546938.841, 2);
		} finally {
			await pg?.close();
			if (saved === undefined) delete process.env.GRIDATLAS_ENGINE_CACHE;
			else process.env.GRIDATLAS_ENGINE_CACHE = saved;
		}
	});
});

describe('shared buffers of the embedded engine', () => {
	const withSetting = <T>(value: string | undefined, fn: () => T): T => {
		const saved = process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS;
		if (value === undefined) delete process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS;
		else process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS = value;
		try {
			return fn();
		} finally {
			if (saved === undefined) delete process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS;
			else process.env.GRIDATLAS_EMBEDDED_SHARED_BUFFERS = saved;
		}
	};

	it('are 32MB unless GRIDATLAS_EMBEDDED_SHARED_BUFFERS names a size, and a bad size is refused', () => {
		const defaults = ['--single', '-c', 'search_path=public'];
		expect(withSetting(undefined, () => embeddedStartParams(defaults))).toEqual([...defaults, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`]);
		expect(EMBEDDED_SHARED_BUFFERS).toBe('32MB');
		expect(withSetting('128MB', () => embeddedStartParams(defaults)).slice(-1)).toEqual(['shared_buffers=128MB']);
		for (const bad of ['lots', '0MB', '32 MB', '32MB -c fsync=off']) {
			expect(() => withSetting(bad, () => embeddedStartParams(defaults)), bad).toThrow(/GRIDATLAS_EMBEDDED_SHARED_BUFFERS=.*32MB or 128MB/);
		}
	});

	it('are what the app’s embedded database opens with', async () => {
		const db = await openDb({ dataDir: 'memory://', migrate: false });
		try {
			expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: EMBEDDED_SHARED_BUFFERS }]);
		} finally {
			await db.close();
		}
	});
});

// The class behind issue 16's finding 3: decompressing user-supplied bytes without a running output
// cap. Every decompression in the code that serves uploads (src/, geo/, bin/, scripts/) goes through
// geo/archive/inflate.ts, which has the caps; this test reads the sources and fails on any other, so a
// new upload path (or a new library that unzips for you) cannot bring the hole back unnoticed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNED = ['src', 'geo', 'bin', 'scripts'];
const SOURCE = /\.(ts|js|mjs|cjs|svelte)$/;

/** The one place allowed to decompress, and why any other file may. */
const ALLOWED: Record<string, string> = {
	'geo/archive/inflate.ts': 'the capped inflater itself',
	'scripts/bench/bomb.ts': "the bench's naive baseline (inflating a bomb whole, to show what the caps save); never fed by an upload",
	'src/lib/server/db/engine-cache.ts':
		"unpacks the installed @electric-sql/pglite-postgis package's own PostGIS bundle (node_modules) once into the engine cache; never an upload"
};

/** Calls and names that decompress: node:zlib's inflating side, the web's DecompressionStream, JSZip reading. */
const DECOMPRESSING: [RegExp, string][] = [
	[/\b(inflateSync|inflateRaw|inflateRawSync|gunzip|gunzipSync|unzipSync|createInflate|createInflateRaw|createGunzip|createUnzip)\b/, 'node:zlib inflating'],
	[/\b(brotliDecompress\w*|createBrotliDecompress|zstdDecompress\w*|createZstdDecompress)\b/, 'node:zlib brotli/zstd'],
	[/\b(inflate|unzip)\s*\(/, 'an inflate/unzip call'],
	[/\bzlib\s*\.\s*(inflate|unzip)\b/, 'zlib.inflate/unzip'],
	[/\bDecompressionStream\b/, 'DecompressionStream'],
	[/\.loadAsync\s*\(/, 'JSZip reading a zip']
];

/** Packages that decompress on their own, with the only files allowed to import them and what they must be given. */
const PACKAGES: Record<string, string[]> = {
	'but-unzip': [],
	'tiny-inflate': [],
	pako: [],
	fflate: [],
	'adm-zip': [],
	yauzl: [],
	unzipper: [],
	decompress: [],
	tar: [],
	// shpjs unzips whole zips itself when handed one: only the Shapefile reader imports it, and hands it the parts (below).
	shpjs: ['geo/readers/shapefile.ts'],
	// tiny-osmpbf inflates blobs with tiny-inflate, uncapped: only the PBF reader imports it, after inflating every blob itself.
	'tiny-osmpbf': ['geo/osm/pbf.ts'],
	// read-excel-file unzips for itself: only the Excel reader imports it, and hands it a stored re-pack (below).
	'read-excel-file': ['geo/readers/xlsx.ts'],
	// JSZip only writes zips here (Shapefile exports); .loadAsync is refused above.
	jszip: ['src/lib/server/plans/shapefile-writer.ts']
};

function sources(dir: string): string[] {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const rel = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : sources(rel);
		return SOURCE.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [rel] : [];
	});
}

/** The code without its comments (comments may name what they warn about). */
function code(file: string): string {
	return fs
		.readFileSync(path.join(ROOT, file), 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
		.replace(/<!--[\s\S]*?-->/g, '');
}

const imports = (text: string, pkg: string) =>
	new RegExp(`(from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+)['"]${pkg.replace('.', '\\.')}(/[^'"]*)?['"]`).test(text);

describe('decompression of uploaded bytes', () => {
	const files = SCANNED.flatMap(sources);

	it('scans the sources (the test would pass vacuously otherwise)', () => {
		expect(files.length).toBeGreaterThan(100);
		for (const f of Object.keys(ALLOWED)) expect(files, `allow-listed ${f} no longer exists: drop it from ALLOWED`).toContain(f);
		expect(code('geo/archive/inflate.ts')).toMatch(/new DecompressionStream\(/);
	});

	it('happens only in geo/archive/inflate.ts (inflateCapped), never directly', () => {
		const found = files
			.filter((f) => !(f in ALLOWED))
			.flatMap((f) => {
				const text = code(f);
				return DECOMPRESSING.filter(([re]) => re.test(text)).map(([re, what]) => `${f}: ${what} (${re.exec(text)![0]})`);
			});
		expect(found, 'decompress through inflateCapped / readZipEntries (geo/archive) instead').toEqual([]);
	});

	it('never through a package that decompresses on its own, except where it is fed inflated bytes', () => {
		const found = files.flatMap((f) => {
			const text = code(f);
			return Object.entries(PACKAGES)
				.filter(([pkg, allowed]) => imports(text, pkg) && !allowed.includes(f))
				.map(([pkg]) => `${f} imports ${pkg}`);
		});
		expect(found).toEqual([]);
	});

	it('hands shpjs the parts, never a zip, read-excel-file a stored re-pack, and tiny-osmpbf each block as inflated by pbfBlobs', () => {
		const shapefile = code('geo/readers/shapefile.ts');
		expect([...shapefile.matchAll(/getShapefile\s*\(\s*(\S)/g)].map((m) => m[1])).toEqual(['{']);
		const xlsx = code('geo/readers/xlsx.ts');
		// the workbook's parts inflated by readZipEntries, re-packed stored: the library only copies bytes
		expect(xlsx).toMatch(/readZipEntries\(entries, limits\)/);
		expect([...xlsx.matchAll(/readXlsxFile\s*\(([^,)]*)/g)].map((m) => m[1])).toEqual(['stored.buffer as ArrayBuffer']);
		expect(xlsx).toMatch(/const stored = await unpackCapped\(/);
		const pbf = code('geo/osm/pbf.ts');
		expect([...pbf.matchAll(/tinyOsmPbf\s*\(([^)]*\))/g)].map((m) => m[1])).toEqual(['concatBytes([header, rawFramed(blob.type, blob.raw)']);
		expect(pbf).toMatch(/for await \(const blob of pbfBlobs\(bytes, limits, only\)\)/);
	});
});

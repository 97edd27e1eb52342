/// <reference path="../vendor.d.ts" />
// Zipped Shapefile → FeatureCollection. The zip is opened here (not inside shpjs) so we can
// say precisely what is missing, refuse zips with several layers, and guess the DBF text
// encoding: Chinese shapefiles without a .cpg are usually GBK, which shpjs would garble as UTF-8.
import getShapefile from 'shpjs';
import { unzip } from 'but-unzip';
import type { FeatureCollection } from 'geojson';
import { fileError } from '../issues';

interface ShapefileEntries {
	shp?: Uint8Array;
	shx?: Uint8Array;
	dbf?: Uint8Array;
	prj?: string;
	cpg?: string;
}

const PART_EXTENSIONS = ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const;
type PartExtension = (typeof PART_EXTENSIONS)[number];

/** dBase "language driver id" byte values that mean Simplified Chinese (GBK / code page 936). */
const DBF_GBK_LANGUAGE_DRIVERS = new Set([0x4d, 0x7a]);

/** Encoding of the DBF text fields: the .cpg when present, else GBK when the bytes are not UTF-8. */
export function guessDbfEncoding(dbf: Uint8Array, cpg?: string): string | undefined {
	if (cpg && cpg.trim() !== '') return cpg.trim();
	if (dbf.length < 32) return undefined;
	if (DBF_GBK_LANGUAGE_DRIVERS.has(dbf[29])) return 'gbk';
	// Only the records are text; the header holds binary counts that are not valid UTF-8 by design.
	const headerLength = dbf[8] | (dbf[9] << 8);
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(headerLength));
		return undefined; // UTF-8 (or plain ASCII): shpjs's default is right
	} catch {
		return 'gbk';
	}
}

/**
 * A zip ends with an "end of central directory" record ("PK\x05\x06") within its last 64 KiB + 22 bytes.
 * but-unzip loops forever on input without one (a truncated upload), so look for it first.
 */
export function hasEndOfCentralDirectory(bytes: Uint8Array): boolean {
	const earliest = Math.max(0, bytes.length - 22 - 0xffff);
	for (let i = bytes.length - 22; i >= earliest; i--) {
		if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return true;
	}
	return false;
}

async function groupEntriesByLayer(bytes: Uint8Array): Promise<Map<string, ShapefileEntries>> {
	if (!hasEndOfCentralDirectory(bytes)) throw new Error('no end-of-central-directory record; the file is truncated');
	const layers = new Map<string, ShapefileEntries>();
	for (const item of unzip(bytes)) {
		if (item.filename.includes('__MACOSX/')) continue; // macOS resource forks, not data
		const match = /^(.*)\.([^./]+)$/.exec(item.filename);
		if (!match) continue;
		const extension = match[2].toLowerCase() as PartExtension;
		if (!PART_EXTENSIONS.includes(extension)) continue;
		const base = match[1];
		const entries = layers.get(base) ?? {};
		const content = await item.read();
		if (extension === 'prj' || extension === 'cpg') entries[extension] = new TextDecoder().decode(content);
		else entries[extension] = content;
		layers.set(base, entries);
	}
	return layers;
}

async function openZip(bytes: Uint8Array, fileName: string): Promise<Map<string, ShapefileEntries>> {
	try {
		return await groupEntriesByLayer(bytes);
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		throw fileError(fileName, 'invalid-zip', {
			zh: `压缩包已损坏或无法打开（${detail}），请重新压缩后上传`,
			en: `the zip file is damaged or cannot be opened (${detail}); zip the files again and re-upload`
		});
	}
}

/**
 * Reads a zipped Shapefile. The .prj (if any) reprojects to WGS-84 through proj4.
 * Throws ImportFileError "shapefile-missing-shp", "shapefile-multiple-layers", "invalid-zip",
 * "invalid-shapefile" and "empty-file".
 */
export async function readShapefileZip(bytes: Uint8Array, fileName = 'Shapefile'): Promise<FeatureCollection> {
	const layers = [...(await openZip(bytes, fileName)).entries()].filter(([, parts]) => parts.shp);
	if (layers.length === 0) {
		throw fileError(fileName, 'shapefile-missing-shp', {
			zh: '压缩包里没有 .shp 文件；请把同名的 .shp、.shx、.dbf、.prj 一起压缩后上传',
			en: 'the zip contains no .shp file; zip the .shp, .shx, .dbf and .prj files of one layer together'
		});
	}
	if (layers.length > 1) {
		const names = layers.map(([base]) => `${base}.shp`).join('、');
		throw fileError(fileName, 'shapefile-multiple-layers', {
			zh: `压缩包里有多个图层（${names}），请每次只上传一个图层`,
			en: `the zip holds several layers (${names.replaceAll('、', ', ')}); upload one layer per file`
		});
	}
	const [, parts] = layers[0];
	let collection: FeatureCollection;
	try {
		collection = await getShapefile({
			shp: parts.shp!,
			dbf: parts.dbf,
			prj: parts.prj,
			cpg: parts.dbf ? guessDbfEncoding(parts.dbf, parts.cpg) : undefined
		});
	} catch (error) {
		throw fileError(fileName, 'invalid-shapefile', {
			zh: `Shapefile 无法读取（${error instanceof Error ? error.message : error}）`,
			en: `the Shapefile cannot be read (${error instanceof Error ? error.message : error})`
		});
	}
	if (collection.features.length === 0) {
		throw fileError(fileName, 'empty-file', { zh: 'Shapefile 中没有任何要素', en: 'the Shapefile has no features' });
	}
	return collection;
}

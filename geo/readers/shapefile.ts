/// <reference path="../vendor.d.ts" />
// Zipped Shapefile → FeatureCollection. The zip is opened here (not inside shpjs, which would inflate
// every entry whole, bombs included) so we can say precisely what is missing, refuse zips with several
// layers before inflating anything, inflate only the one layer's parts within the archive limits
// (../archive), and guess the DBF text encoding: Chinese shapefiles without a .cpg are usually GBK,
// which shpjs would garble as UTF-8.
import getShapefile from 'shpjs';
import type { FeatureCollection } from 'geojson';
import { fileError, fileProblemError } from '../issues';
import { DEFAULT_ARCHIVE_LIMITS, listZip, readZipEntries, type ArchiveLimits, type ZipEntry } from '../archive';

interface ShapefileParts {
	shp?: Uint8Array;
	dbf?: Uint8Array;
	prj?: string;
	cpg?: string;
}

/** What shpjs reads (it does without the .shx index, so that is never inflated). */
const PART_EXTENSIONS = ['shp', 'dbf', 'prj', 'cpg'] as const;
type PartExtension = (typeof PART_EXTENSIONS)[number];
type LayerEntries = Partial<Record<PartExtension, ZipEntry>>;

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

/** The entries of each layer (by base name) that the reader needs: .shp, .dbf, .prj, .cpg; nothing inflated yet. */
function groupEntriesByLayer(entries: ZipEntry[]): Map<string, LayerEntries> {
	const layers = new Map<string, LayerEntries>();
	for (const entry of entries) {
		if (entry.name.includes('__MACOSX/')) continue; // macOS resource forks, not data
		const [, base, ext] = /^(.*)\.([^./]+)$/.exec(entry.name) ?? [];
		const extension = ext?.toLowerCase() as PartExtension;
		if (base === undefined || !PART_EXTENSIONS.includes(extension)) continue;
		layers.set(base, { ...layers.get(base), [extension]: entry });
	}
	return layers;
}

/** Runs a step on the zip, turning its failures into the import's errors for `fileName`. */
async function onZip<T>(fileName: string, step: () => T | Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		const problem = fileProblemError(fileName, error);
		if (problem) throw problem;
		const detail = error instanceof Error ? error.message : String(error);
		throw fileError(fileName, 'invalid-zip', {
			zh: `压缩包已损坏或无法打开（${detail}），请重新压缩后上传`,
			en: `the zip file is damaged or cannot be opened (${detail}); zip the files again and re-upload`
		});
	}
}

/** The one layer's parts, inflated (within the archive limits) only once the zip is known to hold one layer. */
async function readLayerParts(layer: LayerEntries, limits: ArchiveLimits): Promise<ShapefileParts> {
	const present = PART_EXTENSIONS.filter((extension) => layer[extension]);
	const contents = await readZipEntries(
		present.map((extension) => layer[extension]!),
		limits
	);
	const parts: ShapefileParts = {};
	present.forEach((extension, i) => {
		if (extension === 'prj' || extension === 'cpg') parts[extension] = new TextDecoder().decode(contents[i]);
		else parts[extension] = contents[i];
	});
	return parts;
}

/**
 * Reads a zipped Shapefile. The .prj (if any) reprojects to WGS-84 through proj4.
 * Throws ImportFileError "shapefile-missing-shp", "shapefile-multiple-layers", "invalid-zip",
 * "damaged-file" (truncated), "zip-bomb" and "archive-too-large" (../archive/limits.ts),
 * "invalid-shapefile" and "empty-file".
 */
export async function readShapefileZip(bytes: Uint8Array, fileName = 'Shapefile', limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<FeatureCollection> {
	const entries = await onZip(fileName, () => listZip(bytes, limits));
	const layers = [...groupEntriesByLayer(entries).entries()].filter(([, layer]) => layer.shp);
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
	const parts = await onZip(fileName, () => readLayerParts(layers[0][1], limits));
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

// Step 1 of an import: bytes → the list of features to consider for the layer, whatever the format.
import type { Feature } from 'geojson';
import type { ImportCrs, FeatureIssue, LayerName, ParseOptions, SourceFormat, TagMapping } from '../types';
import { fileError, fileProblemError } from '../issues';
import { readCsv, readGeoJSON, readShapefileZip, readTable, LATITUDE_COLUMNS, LONGITUDE_COLUMNS, type CsvReadResult } from '../readers';
import { FIELD_ALIASES } from './properties';
import { resolveFormat } from './sniff';
import { shownList } from './text';
import { osmToGeoJSON, isOsmBuilding, osmFacilityCategory, osmRoad, unmappedPoiTags } from '../osm';
import { osmLandcoverKind } from '../osm/landcover';
import { osmPbfBuildings } from '../osm/pbf-buildings';
import { ALLOWED_GEOMETRY_TYPES, ATTRIBUTE_ONLY_LAYERS, LAYER_LABELS } from '../validate';

export interface SourceFeature {
	/** Position in the file: feature number, OSM feature number, or CSV data row. */
	index: number;
	feature: Feature;
	/** A problem the reader already found (CSV rows with bad coordinates). */
	readerIssue?: FeatureIssue;
}

export interface LayerSource {
	format: SourceFormat;
	features: SourceFeature[];
	fromOsm: boolean;
	/** CSV rows are reported by line number. */
	csvRows: boolean;
	/** CRS of the raw coordinates (OSM is always WGS-84). */
	crs: ImportCrs;
	/** Attribute-only code list: features carry no geometry, and that is fine. */
	attributeOnly: boolean;
	/** Excel: the sheet read and its header row. */
	sheet?: { name: string; headerRow: number };
}

const OSM_LAYERS: ReadonlySet<LayerName> = new Set(['buildings', 'roads', 'facilities', 'landcover']);

/** The OSM features that belong to the layer (a building is a building=* area, a road a highway line…). */
function osmCandidates(features: Feature[], layer: LayerName, mapping: TagMapping[]): SourceFeature[] {
	const belongs: (feature: Feature) => boolean =
		layer === 'buildings'
			? isOsmBuilding
			: layer === 'roads'
				? (f) => osmRoad(f) !== null
				: layer === 'landcover'
					? (f) => osmLandcoverKind(f) !== null
					: (f) => osmFacilityCategory(f, mapping) !== null;
	return features.flatMap((feature, index) => (belongs(feature) ? [{ index, feature }] : []));
}

/** Truncated files and bombs say so (damaged-file, zip-bomb, archive-too-large); the rest is unreadable. */
function osmReadError(fileName: string, error: unknown) {
	return (
		fileProblemError(fileName, error) ??
		fileError(fileName, 'invalid-osm', {
			zh: `OSM 文件无法解析（${error instanceof Error ? error.message : error}），文件可能不完整`,
			en: `the OSM file cannot be parsed (${error instanceof Error ? error.message : error}); it may be incomplete`
		})
	);
}

async function readOsm(bytes: Uint8Array, format: 'osm-xml' | 'osm-pbf', options: ParseOptions, mapping: TagMapping[]): Promise<LayerSource> {
	if (!OSM_LAYERS.has(options.layer)) {
		const label = LAYER_LABELS[options.layer];
		throw fileError(options.fileName, 'osm-layer-unsupported', {
			zh: `OSM 数据只能导入建筑、道路、设施、地表覆盖图层，不能导入${label.zh}图层；${label.zh}请使用 GeoJSON、Shapefile 或 CSV`,
			en: `OSM data can fill the buildings, roads, facilities and land cover layers only, not ${label.en}; use GeoJSON, Shapefile or CSV for ${label.en}`
		});
	}
	let collection;
	try {
		collection = await osmToGeoJSON(bytes, format, options.archiveLimits);
	} catch (error) {
		throw osmReadError(options.fileName, error);
	}
	const features = osmCandidates(collection.features, options.layer, mapping);
	if (options.layer === 'facilities' && features.length === 0 && collection.features.length > 0) {
		throw noFacilityMatched(options.fileName, collection.features, mapping);
	}
	// OSM coordinates are WGS-84 by definition, whatever CRS the upload form says.
	return { format, features, fromOsm: true, csvRows: false, crs: 'wgs84', attributeOnly: false };
}

/** The command that adds a tag mapping (the CLI and the readiness page name it). */
export const ADD_MAPPING_COMMAND = 'npx gridatlas mapping add <key>=<value> <category>';

/**
 * A non-empty OSM file in which the mapping finds no facility: say why — the mapping is empty, or the
 * file's point-of-interest tags are ones it does not take (the most frequent named) — and how to add one.
 */
function noFacilityMatched(fileName: string, features: Feature[], mapping: TagMapping[]) {
	const unmapped = unmappedPoiTags(features, mapping);
	const tags = unmapped.map((t) => `${t.tag} (${t.count})`).join(', ');
	const example = unmapped[0] ? ADD_MAPPING_COMMAND.replace('<key>=<value>', unmapped[0].tag) : ADD_MAPPING_COMMAND;
	const why =
		mapping.length === 0
			? { zh: '设施标签映射为空（facility_tag_mappings 无记录）', en: 'the facility tag mapping is empty (facility_tag_mappings has no rows)' }
			: unmapped.length === 0
				? {
						zh: '文件中没有兴趣点标签（amenity、shop、leisure 等），可能只含道路或建筑',
						en: 'the file has no point-of-interest tags (amenity, shop, leisure …): it may hold only roads or buildings'
					}
				: {
						zh: `现有 ${mapping.length} 条标签映射都不匹配；最常见的未映射标签：${tags}`,
						en: `none of the ${mapping.length} tag mappings matches; most frequent unmapped tags: ${tags}`
					};
	return fileError(fileName, 'no-facility-matched', {
		zh: `文件含 ${features.length} 个 OSM 要素，但没有一个是设施：${why.zh}。添加映射：${example}（类别见 npx gridatlas mapping list），然后重新导入`,
		en: `the file holds ${features.length} OSM features but none is a facility: ${why.en}. Add a mapping: ${example} (categories: npx gridatlas mapping list), then import again`
	});
}

/** Column names any layer recognises: what finds an Excel sheet's header row. */
const KNOWN_COLUMNS = new Set([...LONGITUDE_COLUMNS, ...LATITUDE_COLUMNS, ...Object.values(FIELD_ALIASES).flat()].map((c) => c.toLowerCase()));
export const isKnownColumn = (column: string) => KNOWN_COLUMNS.has(column.trim().toLowerCase());

async function readXlsxSource(bytes: Uint8Array, options: ParseOptions): Promise<LayerSource> {
	const { fileName } = options;
	// loaded when a workbook arrives: the Excel library is not needed by any other import
	const { readXlsx } = await import('../readers/xlsx');
	const sheet = await readXlsx(bytes, fileName, isKnownColumn, options.sheet, options.archiveLimits);
	const table = readTable(sheet.header, sheet.rows, { ...options.csv, fileName }, sheet.headerRow - 1);
	return { ...tableSource(table, options), format: 'xlsx', sheet: { name: sheet.sheet, headerRow: sheet.headerRow } };
}

function readCsvSource(text: string, options: ParseOptions): LayerSource {
	return tableSource(readCsv(text, { ...options.csv, fileName: options.fileName }), options);
}

/** A table's rows (CSV, or an Excel sheet) as the layer's candidates. */
function tableSource(csv: Omit<CsvReadResult, 'delimiter'>, options: ParseOptions): LayerSource {
	const { layer, fileName } = options;
	const label = LAYER_LABELS[layer];
	// A CSV cannot draw a boundary, so for subdistricts/communities it is always a code list;
	// any point columns (e.g. the office location) are not boundaries and are not used.
	if (ATTRIBUTE_ONLY_LAYERS.has(layer)) {
		return {
			format: 'csv',
			features: csv.collection.features.map((feature, i) => ({
				index: csv.rowIndexes[i],
				feature: { ...feature, geometry: null as unknown as Feature['geometry'] }
			})),
			fromOsm: false,
			csvRows: true,
			crs: options.crs,
			attributeOnly: true
		};
	}
	if (!csv.coordinateColumns) {
		throw fileError(fileName, 'csv-no-coordinates', {
			zh: `CSV 中没有经纬度列；${label.zh}图层需要点位，请添加经度列（${LONGITUDE_COLUMNS.join('/')}）和纬度列（${LATITUDE_COLUMNS.join('/')}）。现有列：${shownList(csv.columns, '、')}`,
			en: `the CSV has no coordinate columns; the ${label.en} layer needs points: add a longitude column (${LONGITUDE_COLUMNS.join('/')}) and a latitude column (${LATITUDE_COLUMNS.join('/')}). Columns present: ${shownList(csv.columns, ', ')}`
		});
	}
	if (!ALLOWED_GEOMETRY_TYPES[layer].includes('Point')) {
		throw fileError(fileName, 'geometry-type', {
			zh: `CSV 只能提供点位，${label.zh}图层需要${layer === 'roads' ? '线' : '面'}；请改用 GeoJSON、Shapefile 或 OSM 数据`,
			en: `a CSV can only carry points, but the ${label.en} layer needs ${layer === 'roads' ? 'lines' : 'polygons'}; use GeoJSON, a Shapefile or OSM data`
		});
	}
	const issuesByRow = new Map(csv.rowIssues.map((issue) => [issue.index, issue]));
	return {
		format: 'csv',
		features: csv.collection.features.map((feature, i) => ({ index: csv.rowIndexes[i], feature, readerIssue: issuesByRow.get(csv.rowIndexes[i]) })),
		fromOsm: false,
		csvRows: true,
		crs: options.crs,
		attributeOnly: false
	};
}

/** Candidates for the layer a batch at a time, with how far into the file the reader is (0–1). */
export interface SourceBatch {
	features: SourceFeature[];
	fraction: number;
}

export interface LayerSourceStream extends Omit<LayerSource, 'features'> {
	batches: AsyncIterable<SourceBatch>;
}

/** An OSM PBF's buildings as they are read (../osm/pbf-buildings): a city's extract is never held whole. */
async function* pbfBuildingBatches(bytes: Uint8Array, options: ParseOptions): AsyncGenerator<SourceBatch> {
	let index = 0;
	try {
		for await (const batch of osmPbfBuildings(bytes, options.archiveLimits)) {
			yield { features: batch.features.map((feature) => ({ index: index++, feature })), fraction: batch.fraction };
		}
	} catch (error) {
		throw osmReadError(options.fileName, error);
	}
}

/**
 * The layer's candidate features in batches. OSM PBF buildings are read as they come (memory grows
 * with the file's nodes, not its features); every other source is read whole and given as one batch.
 */
export async function streamLayerSource(bytes: Uint8Array, options: ParseOptions, mapping: TagMapping[]): Promise<LayerSourceStream> {
	const resolved = resolveFormat(options.fileName, bytes);
	if (resolved.format === 'osm-pbf' && options.layer === 'buildings') {
		return { format: 'osm-pbf', fromOsm: true, csvRows: false, crs: 'wgs84', attributeOnly: false, batches: pbfBuildingBatches(bytes, options) };
	}
	const { features, ...source } = await readLayerSource(bytes, options, mapping, resolved);
	return {
		...source,
		batches: (async function* () {
			yield { features, fraction: 1 };
		})()
	};
}

/** Detects the format from the content (./sniff.ts) and reads the features that are candidates for the layer. */
export async function readLayerSource(
	bytes: Uint8Array,
	options: ParseOptions,
	mapping: TagMapping[],
	resolved = resolveFormat(options.fileName, bytes)
): Promise<LayerSource> {
	const { format, text = '' } = resolved;
	const table = (features: Feature[]): LayerSource => ({
		format,
		features: features.map((feature, index) => ({ index, feature })),
		fromOsm: false,
		csvRows: false,
		crs: options.crs,
		attributeOnly: false
	});
	switch (format) {
		case 'osm-xml':
		case 'osm-pbf':
			return readOsm(bytes, format, options, mapping);
		case 'csv':
			return readCsvSource(text, options);
		case 'xlsx':
			return readXlsxSource(bytes, options);
		case 'geojson':
			return table(readGeoJSON(text, options.fileName).features);
		case 'shapefile-zip':
			return table((await readShapefileZip(bytes, options.fileName, options.archiveLimits)).features);
	}
}

// The one entry point the server calls: bytes of one uploaded file → validated WGS-84 records of one layer.
import type { Feature } from 'geojson';
import {
	DEFAULT_HOUSEHOLD_OPTIONS,
	type FeatureIssue,
	type LayerName,
	type LayerRecordMap,
	type ParsedLayer,
	type ParseOptions,
	type RecordBase
} from '../types';
import { featureIssue, type FeatureLocation } from '../issues';
import { validateGeometry } from '../validate';
import { DEFAULT_TAG_MAPPING } from '../osm/tag-mapping';
import { PropertyReader, FIELD_ALIASES } from './properties';
import { normaliseCode } from './codes';
import { contentHash } from './source-id';
import { LAYER_BUILDERS, type BuildInput } from './layers';
import { streamLayerSource, type LayerSource, type SourceFeature } from './source';
import { geometryShape } from './geometry-shape';
import { countSelfIntersections, MAX_SELF_INTERSECTIONS } from './crossings';
import { shown, storable, storableText } from './text';

export { knownCategoryCodes } from './layers';
export { isSubdistrictCode, isCommunityCode, isGridCode } from './codes';
export { contentHash } from './source-id';
export { toIsoTimestamp } from './dates';

const CODE_ALIASES: Partial<Record<LayerName, readonly string[]>> = {
	subdistricts: FIELD_ALIASES.subdistrictCode,
	communities: FIELD_ALIASES.communityCode,
	grids: FIELD_ALIASES.gridCode
};

/** Longer ids are not ids (and would not fit the database's unique index); as for the case API. */
const MAX_ID_LENGTH = 128;

/** How the record is identified: its own code/id, or (failing that) a hash of its content. */
interface Identity {
	/** Shown in messages; undefined when the feature has no id of its own. */
	label?: string;
	sourceId: string;
	kind: 'code' | 'id' | 'hash';
}

/** The identity, with a source id PostgreSQL can store (so duplicates are found on what is stored). */
function identify(layer: LayerName, source: SourceFeature, reader: PropertyReader, fromOsm: boolean): Identity {
	const identity = ownIdentity(layer, source, reader, fromOsm);
	return { ...identity, sourceId: storableText(identity.sourceId) };
}

function ownIdentity(layer: LayerName, source: SourceFeature, reader: PropertyReader, fromOsm: boolean): Identity {
	const { feature } = source;
	const codeAliases = CODE_ALIASES[layer];
	const code = codeAliases ? reader.text(codeAliases) : undefined;
	if (code !== undefined) return { label: shown(normaliseCode(code), 40), sourceId: normaliseCode(code), kind: 'code' };
	const osmId = fromOsm ? String(feature.properties?.['@id'] ?? '') : '';
	if (osmId) return { label: osmId, sourceId: osmId, kind: 'id' };
	const featureId = typeof feature.id === 'string' || typeof feature.id === 'number' ? String(feature.id) : '';
	if (layer === 'registers') {
		const key = reader.text(FIELD_ALIASES.buildingId) ?? reader.text(FIELD_ALIASES.registerCommunityCode);
		if (key !== undefined) return { label: shown(key, 40), sourceId: key, kind: 'id' };
	}
	const ownId = featureId !== '' ? featureId : reader.text(layer === 'cases' ? FIELD_ALIASES.caseId : FIELD_ALIASES.featureId);
	if (ownId !== undefined) return { label: shown(ownId, 40), sourceId: ownId, kind: 'id' };
	return { sourceId: contentHash({ geometry: feature.geometry, properties: feature.properties }), kind: 'hash' };
}

function duplicateIssue(at: FeatureLocation, identity: Identity, firstIndex: number, csvRows: boolean): FeatureIssue {
	const first = csvRows
		? { zh: `第 ${firstIndex + 2} 行`, en: `row ${firstIndex + 2}` }
		: { zh: `第 ${firstIndex + 1} 个要素`, en: `feature ${firstIndex + 1}` };
	if (identity.kind === 'code') {
		return featureIssue(at, 'duplicate-code', {
			zh: `编码 ${identity.label} 与${first.zh}重复，本条未导入（保留${first.zh}）`,
			en: `code ${identity.label} repeats ${first.en}; this one was skipped (${first.en} kept)`
		});
	}
	if (identity.kind === 'id') {
		return featureIssue(at, 'duplicate-id', {
			zh: `编号 ${identity.label} 与${first.zh}重复，本条未导入`,
			en: `id ${identity.label} repeats ${first.en}; this one was skipped`
		});
	}
	return featureIssue(at, 'duplicate-feature', {
		zh: `与${first.zh}完全相同（几何和属性都一样），本条未导入`,
		en: `identical to ${first.en} (same geometry and attributes); this one was skipped`
	});
}

/** Drops undefined fields so records only carry what the file said (or what was derived). */
function withoutUndefined<T extends object>(...parts: object[]): T {
	const out: Record<string, unknown> = {};
	for (const part of parts) {
		for (const key in part) {
			const value = (part as Record<string, unknown>)[key];
			if (value !== undefined) out[key] = value;
		}
	}
	return out as T;
}

/** Records and issues of a layer as its features are taken one at a time. */
interface RecordMaker<L extends LayerName> {
	take(item: SourceFeature): void;
	records: LayerRecordMap[L][];
	rejected: FeatureIssue[];
	repaired: FeatureIssue[];
	read: number;
}

function recordMaker<L extends LayerName>(options: ParseOptions & { layer: L }, source: Omit<LayerSource, 'features'>): RecordMaker<L> {
	const layer = options.layer;
	const tagMapping = options.tagMapping ?? DEFAULT_TAG_MAPPING;
	const households = { ...DEFAULT_HOUSEHOLD_OPTIONS, ...options.households };
	const build = LAYER_BUILDERS[layer] as (input: BuildInput) => ReturnType<(typeof LAYER_BUILDERS)[L]>;
	const firstIndexBySourceId = new Map<string, number>();
	const maker: RecordMaker<L> = { records: [], rejected: [], repaired: [], read: 0, take };
	const { rejected, repaired } = maker;

	function take(item: SourceFeature) {
		maker.read++;
		const { feature, index } = item;
		if (item.readerIssue) {
			rejected.push(item.readerIssue);
			return;
		}
		const reader = new PropertyReader(feature.properties);
		const identity = identify(layer, item, reader, source.fromOsm);
		const at: FeatureLocation = { fileName: options.fileName, index, id: identity.label, csvRow: source.csvRows };

		if (identity.kind === 'id' && identity.sourceId.length > MAX_ID_LENGTH) {
			rejected.push(
				featureIssue(at, 'id-too-long', {
					zh: `编号长达 ${identity.sourceId.length} 个字符（最多 ${MAX_ID_LENGTH} 个），请检查编号列`,
					en: `the id is ${identity.sourceId.length} characters long (at most ${MAX_ID_LENGTH}); check the id column`
				})
			);
			return;
		}
		// Registers are tables of counts: a geometry a GeoJSON register carries is not looked at.
		const attributeOnly = source.attributeOnly || layer === 'registers';
		const shape = attributeOnly ? { ok: true as const, geometry: null } : geometryShape(feature.geometry);
		if (!shape.ok) {
			rejected.push(featureIssue(at, 'malformed-geometry', shape.text));
			return;
		}
		const verdict = validateGeometry(shape.geometry, { ...at, layer, crs: source.crs, allowMissingGeometry: attributeOnly });
		if (!verdict.ok) {
			rejected.push(verdict.issue);
			return;
		}
		// Counted only where a crossing was found or could not be looked for: none found means none to count.
		if (verdict.geometry && verdict.repair === 'make-valid' && countSelfIntersections(verdict.geometry) > MAX_SELF_INTERSECTIONS) {
			rejected.push(
				featureIssue(at, 'too-many-self-intersections', {
					zh: `边界自相交超过 ${MAX_SELF_INTERSECTIONS} 处，无法自动修复；请在 GIS 软件中检查并修复该边界后重新导入`,
					en: `the boundary crosses itself more than ${MAX_SELF_INTERSECTIONS} times, too often to repair automatically; check and fix it in a GIS, then import again`
				})
			);
			return;
		}
		const built = build({
			reader,
			feature: feature as Feature,
			geometry: verdict.geometry,
			fromOsm: source.fromOsm,
			tagMapping,
			households,
			syntheticCodes: options.syntheticCodes
		});
		if (!built.ok) {
			rejected.push(featureIssue(at, built.rule, built.text));
			return;
		}
		const firstIndex = firstIndexBySourceId.get(identity.sourceId);
		if (firstIndex !== undefined) {
			rejected.push(duplicateIssue(at, identity, firstIndex, source.csvRows));
			return;
		}
		firstIndexBySourceId.set(identity.sourceId, index);
		repaired.push(...verdict.repaired);
		const base: RecordBase = { index, sourceId: identity.sourceId, geometry: verdict.geometry, repair: verdict.repair };
		// Text goes to PostgreSQL as it is, minus what it cannot store (NUL, unpaired surrogates).
		maker.records.push(withoutUndefined<LayerRecordMap[L]>(base, storable(built.fields)));
	}
	return maker;
}

/**
 * Detects the format of `bytes`, reads its features, converts them to WGS-84, validates them for
 * `options.layer` and builds that layer's records. Throws ImportFileError for problems with the whole
 * file; problems with single features are returned in `rejected` (not imported) and `repaired`
 * (imported after a fix, or to be fixed by the server with ST_MakeValid).
 */
export async function parseLayer<L extends LayerName>(bytes: Uint8Array, options: ParseOptions & { layer: L }): Promise<ParsedLayer<L>> {
	const records: LayerRecordMap[L][] = [];
	const repaired: FeatureIssue[] = [];
	const parsed = await parseLayerStream(bytes, options, async (batch) => {
		records.push(...batch.records);
		repaired.push(...batch.repaired);
	});
	return { ...parsed, records, repaired };
}

/** Records made so far, the repairs reported for them (as they must be known when they are written), and how far into the file the reader is (0–1). */
export interface RecordBatch<L extends LayerName> {
	records: LayerRecordMap[L][];
	repaired: FeatureIssue[];
	fraction: number;
}

/**
 * parseLayer handing the records to `emit` about `batchSize` at a time, as they are made (waiting for
 * each batch to be taken): with an OSM PBF's buildings, the file's features are never all in memory.
 * The answer holds the rejected features and the counts; records and repairs went with the batches.
 */
export async function parseLayerStream<L extends LayerName>(
	bytes: Uint8Array,
	options: ParseOptions & { layer: L },
	emit: (batch: RecordBatch<L>) => Promise<void>,
	batchSize = 2000
): Promise<ParsedLayer<L>> {
	const { batches, ...source } = await streamLayerSource(bytes, options, options.tagMapping ?? DEFAULT_TAG_MAPPING);
	const maker = recordMaker(options, source);
	const send = (fraction: number) => emit({ records: maker.records.splice(0), repaired: storable(maker.repaired.splice(0)), fraction });
	for await (const batch of batches) {
		for (const item of batch.features) {
			maker.take(item);
			if (maker.records.length >= batchSize) await send(batch.fraction);
		}
	}
	if (maker.records.length > 0 || maker.repaired.length > 0) await send(1);
	return {
		layer: options.layer,
		format: source.format,
		read: maker.read,
		records: [],
		rejected: storable(maker.rejected),
		repaired: [],
		sheet: source.sheet
	};
}

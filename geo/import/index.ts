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
import { readLayerSource, type SourceFeature } from './source';
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
function withoutUndefined<T extends object>(record: T): T {
	return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Detects the format of `bytes`, reads its features, converts them to WGS-84, validates them for
 * `options.layer` and builds that layer's records. Throws ImportFileError for problems with the whole
 * file; problems with single features are returned in `rejected` (not imported) and `repaired`
 * (imported after a fix, or to be fixed by the server with ST_MakeValid).
 */
export async function parseLayer<L extends LayerName>(bytes: Uint8Array, options: ParseOptions & { layer: L }): Promise<ParsedLayer<L>> {
	const layer = options.layer;
	const tagMapping = options.tagMapping ?? DEFAULT_TAG_MAPPING;
	const households = { ...DEFAULT_HOUSEHOLD_OPTIONS, ...options.households };
	const source = await readLayerSource(bytes, options, tagMapping);
	const build = LAYER_BUILDERS[layer] as (input: BuildInput) => ReturnType<(typeof LAYER_BUILDERS)[L]>;

	const records: LayerRecordMap[L][] = [];
	const rejected: FeatureIssue[] = [];
	const repaired: FeatureIssue[] = [];
	const firstIndexBySourceId = new Map<string, number>();

	for (const item of source.features) {
		const { feature, index } = item;
		if (item.readerIssue) {
			rejected.push(item.readerIssue);
			continue;
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
			continue;
		}
		// Registers are tables of counts: a geometry a GeoJSON register carries is not looked at.
		const attributeOnly = source.attributeOnly || layer === 'registers';
		const shape = attributeOnly ? { ok: true as const, geometry: null } : geometryShape(feature.geometry);
		if (!shape.ok) {
			rejected.push(featureIssue(at, 'malformed-geometry', shape.text));
			continue;
		}
		const verdict = validateGeometry(shape.geometry, { ...at, layer, crs: source.crs, allowMissingGeometry: attributeOnly });
		if (!verdict.ok) {
			rejected.push(verdict.issue);
			continue;
		}
		if (verdict.geometry && countSelfIntersections(verdict.geometry) > MAX_SELF_INTERSECTIONS) {
			rejected.push(
				featureIssue(at, 'too-many-self-intersections', {
					zh: `边界自相交超过 ${MAX_SELF_INTERSECTIONS} 处，无法自动修复；请在 GIS 软件中检查并修复该边界后重新导入`,
					en: `the boundary crosses itself more than ${MAX_SELF_INTERSECTIONS} times, too often to repair automatically; check and fix it in a GIS, then import again`
				})
			);
			continue;
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
			continue;
		}
		const firstIndex = firstIndexBySourceId.get(identity.sourceId);
		if (firstIndex !== undefined) {
			rejected.push(duplicateIssue(at, identity, firstIndex, source.csvRows));
			continue;
		}
		firstIndexBySourceId.set(identity.sourceId, index);
		repaired.push(...verdict.repaired);
		const base: RecordBase = { index, sourceId: identity.sourceId, geometry: verdict.geometry, repair: verdict.repair };
		// Text goes to PostgreSQL as it is, minus what it cannot store (NUL, unpaired surrogates).
		records.push(withoutUndefined({ ...base, ...storable(built.fields) }) as LayerRecordMap[L]);
	}

	return {
		layer,
		format: source.format,
		read: source.features.length,
		records,
		rejected: storable(rejected),
		repaired: storable(repaired),
		sheet: source.sheet
	};
}

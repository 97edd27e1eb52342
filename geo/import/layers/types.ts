import type { Feature, Geometry } from 'geojson';
import type { HouseholdEstimateOptions, LayerRecordMap, LayerName, RecordBase, TagMapping } from '../../types';
import type { BilingualText } from '../../issues';
import type { PropertyReader } from '../properties';
import { shown } from '../text';

/** Everything a layer needs to turn one accepted feature into its record fields. */
export interface BuildInput {
	reader: PropertyReader;
	feature: Feature;
	/** Validated WGS-84 geometry (null only for attribute-only code lists). */
	geometry: Geometry | null;
	/** OSM input: tags follow OSM conventions and facilities are classified by the tag mapping. */
	fromOsm: boolean;
	tagMapping: TagMapping[];
	households: HouseholdEstimateOptions;
	/** Accept the synthetic cities' province code 99 (ParseOptions.syntheticCodes). */
	syntheticCodes?: boolean;
}

/** A layer's own fields, without the common RecordBase ones. */
export type LayerFields<L extends LayerName> = Omit<LayerRecordMap[L], keyof RecordBase>;

export type BuildResult<L extends LayerName> =
	| { ok: true; fields: LayerFields<L>; /** Identity from the data itself (a code), when the layer has one. */ code?: string }
	| { ok: false; rule: string; text: BilingualText };

export type LayerBuilder<L extends LayerName> = (input: BuildInput) => BuildResult<L>;

export const fail = (rule: string, text: BilingualText) => ({ ok: false, rule, text }) as const;

/** The largest count the database stores (PostgreSQL integer). */
export const MAX_COUNT = 2_147_483_647;

/** Optional numeric field: undefined if absent, an error if present but not a non-negative number (within MAX_COUNT). */
export function optionalCount(
	input: BuildInput,
	aliases: readonly string[],
	label: BilingualText
): { ok: true; value: number | undefined } | { ok: false; rule: string; text: BilingualText } {
	const value = input.reader.number(aliases);
	if (value === undefined) return { ok: true, value: undefined };
	if (Number.isNaN(value) || value < 0) {
		const raw = shown(input.reader.text(aliases));
		return fail('number-format', {
			zh: `${label.zh}“${raw}”不是有效的非负数字`,
			en: `${label.en} "${raw}" is not a valid non-negative number`
		});
	}
	if (!Number.isFinite(value) || value > MAX_COUNT) {
		const raw = shown(input.reader.text(aliases));
		return fail('number-format', {
			zh: `${label.zh}“${raw}”大得不合理（最大 ${MAX_COUNT}），请检查该列`,
			en: `${label.en} "${raw}" is implausibly large (at most ${MAX_COUNT}); check the column`
		});
	}
	return { ok: true, value };
}

// Bilingual (Chinese first, English after) problem reports that name the file, the feature and the rule.
// Every module builds its messages here so the wording and layout stay the same everywhere.
import { GridAtlasError } from '../errors';
import { ImportFileError, type FeatureIssue } from '../types';

/** Where a feature sits in its file: GeoJSON/Shapefile/OSM features are counted, CSV rows are file lines. */
export interface FeatureLocation {
	fileName: string;
	/** 0-based feature or data-row position. */
	index: number;
	/** The feature's own id or code, when it has one. */
	id?: string;
	/** CSV rows are named by their line number (header = line 1), as a spreadsheet shows them. */
	csvRow?: boolean;
}

import type { BilingualText } from '../bilingual';
export type { BilingualText };

function featureLabelZh(at: FeatureLocation): string {
	const position = at.csvRow ? `第 ${at.index + 2} 行` : `第 ${at.index + 1} 个要素`;
	return at.id ? `${position}（${at.id}）` : position;
}

function featureLabelEn(at: FeatureLocation): string {
	const position = at.csvRow ? `row ${at.index + 2}` : `feature ${at.index + 1}`;
	return at.id ? `${position} (${at.id})` : position;
}

/**
 * "nanjing.geojson 第 3 个要素（way/12）：纬度 118.79 超出范围 —— 请交换列 [lat-lon-swapped] /
 *  nanjing.geojson feature 3 (way/12): latitude 118.79 out of range — swap the columns [lat-lon-swapped]"
 */
export function featureIssue(at: FeatureLocation, rule: string, text: BilingualText): FeatureIssue {
	const zh = `${at.fileName} ${featureLabelZh(at)}：${text.zh} [${rule}]`;
	const en = `${at.fileName} ${featureLabelEn(at)}: ${text.en} [${rule}]`;
	const issue: FeatureIssue = { index: at.index, rule, message: `${zh} / ${en}` };
	if (at.id !== undefined) issue.id = at.id;
	return issue;
}

/** A whole-file error; ImportFileError itself prefixes the file name. */
export function fileError(fileName: string, rule: string, text: BilingualText): ImportFileError {
	return new ImportFileError(fileName, rule, `${text.zh} [${rule}] / ${text.en} [${rule}]`);
}

/**
 * A whole-file problem found by code that does not know the file's name (the zip and PBF readers,
 * the capped inflater): the reader that does names it with {@link fileProblemError}.
 */
export class FileProblem extends GridAtlasError {
	constructor(
		readonly rule: string,
		readonly text: BilingualText
	) {
		super(`${text.en} [${rule}]`, { code: 'bad_file', zh: text.zh, en: text.en, details: { rule } });
		this.name = 'FileProblem';
	}
}

/** The FileProblem as the import's usual error for `fileName`; undefined for any other error. */
export function fileProblemError(fileName: string, error: unknown): ImportFileError | undefined {
	return error instanceof FileProblem ? fileError(fileName, error.rule, error.text) : undefined;
}

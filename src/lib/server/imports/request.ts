// What an import is asked to do and what it reports, its size limit, and the refusals of a whole file.
import { GridAtlasError } from '$geo/errors';
import type { ImportCrs, FeatureIssue, HouseholdEstimateOptions, LayerName, SheetOptions, SourceFormat } from '$geo/types';

export const DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export class ImportLimitError extends GridAtlasError {
	constructor(
		public readonly file: string,
		public readonly bytes: number,
		public readonly limit: number
	) {
		super(
			`${file}: 文件大小 ${(bytes / 1048576).toFixed(1)} MB 超过上限 ${(limit / 1048576).toFixed(0)} MB，请拆分文件或调整 GRIDATLAS_MAX_IMPORT_MB / ` +
				`file is ${(bytes / 1048576).toFixed(1)} MB, over the ${(limit / 1048576).toFixed(0)} MB limit: split it or raise GRIDATLAS_MAX_IMPORT_MB`,
			{ code: 'file_too_large', status: 413 }
		);
		this.name = 'ImportLimitError';
	}
}

/** --strict: any rejected feature refuses the whole file. */
export class ImportRejectedError extends GridAtlasError {
	constructor(
		public readonly file: string,
		public readonly rejected: FeatureIssue[]
	) {
		super(
			`${file}: ${rejected.length} 个要素被拒绝，严格模式下整个文件未导入 / ${rejected.length} features rejected; in strict mode nothing was imported. ` +
				`First: ${rejected[0]?.message ?? ''}`,
			{ code: 'features_rejected', status: 422 }
		);
		this.name = 'ImportRejectedError';
	}
}

export interface ImportRequest {
	fileName: string;
	bytes: Uint8Array;
	layer: LayerName;
	crs?: ImportCrs;
	dryRun?: boolean;
	strict?: boolean;
	/**
	 * How long one write statement should take (ms): set by importFile from the engine — short on the
	 * embedded engine, which runs statements on the request thread; unbounded on a server.
	 */
	statementMs?: number;
	/** Mark written boundaries as illustrative (示意), as the demo city does. */
	illustrative?: boolean;
	csv?: { lon?: string; lat?: string; delimiter?: string };
	sheet?: SheetOptions;
	households?: Partial<HouseholdEstimateOptions>;
	/** Accept province-99 codes (a synthetic city written by `gridatlas synth --out`). */
	syntheticCodes?: boolean;
	maxBytes?: number;
	onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
	fileName: string;
	layer: LayerName;
	crs: ImportCrs;
	format: SourceFormat;
	/** Excel: the sheet read and its header row (from 1). */
	sheet?: { name: string; headerRow: number };
	read: number;
	written: number;
	/** Of the written: new rows, and rows that already existed (same code / source id) and were updated. */
	inserted: number;
	updated: number;
	repaired: number;
	rejected: number;
	repairedIssues: FeatureIssue[];
	rejectedIssues: FeatureIssue[];
	/** Written but worth a look: buildings whose household count does not fit their size (geo/households/plausibility). */
	flaggedIssues: FeatureIssue[];
	dryRun: boolean;
	durationMs: number;
}

export const statementMs = (req: ImportRequest) => req.statementMs ?? Infinity;

export function maxImportBytes(): number {
	const mb = Number(process.env.GRIDATLAS_MAX_IMPORT_MB);
	return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_IMPORT_BYTES;
}

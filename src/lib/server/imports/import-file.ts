// One import = one file, one layer, one transaction: parse off the main thread, write through the
// layer's writer, record the run; a dry run rolls everything back.
import { jobs } from '../jobs/pool';
import { archiveLimits } from '$geo/archive';
import { storable, storableText } from '$geo/import/text';
import {
	DEFAULT_HOUSEHOLD_OPTIONS,
	type FeatureIssue,
	type HouseholdEstimateOptions,
	type LayerName,
	type LayerRecordMap,
	type ParsedLayer,
	type ParseOptions,
	type RecordBase
} from '$geo/types';
import type { Db, Queryable } from '../db';
import { afterCaseCommit } from '../cases/events';
import { loadTagMapping } from '../layers/facilities';
import type { UpsertCounts } from '../layers/types';
import { statementTargetMs } from '../db/sql';
import { ImportLimitError, ImportRejectedError, type ImportRequest, type ImportSummary, maxImportBytes } from './request';
import { type Issues, repairPolygons } from './write-common';
import { writeCommunities, writeGrids, writeSubdistricts } from './write-units';
import { writeBuildings, writeCases, writeFacilities, writeLandcover, writeRegisters, writeRoads } from './write-layers';

class DryRunRollback extends Error {}

async function parseOffThread(bytes: Uint8Array, options: ParseOptions & { layer: LayerName }): Promise<ParsedLayer> {
	const { result, parts } = await jobs().run('parseImport', [bytes, options], { kind: 'import' });
	return { ...result, records: (parts as ParsedLayer['records'][]).flat() } as ParsedLayer;
}

export async function importFile(db: Db, request: ImportRequest): Promise<ImportSummary> {
	const started = Date.now();
	// The name is stored (import_runs, source_file): without what PostgreSQL cannot hold.
	const req = { ...request, fileName: storableText(request.fileName), statementMs: request.statementMs ?? statementTargetMs(db) };
	const crs = req.crs ?? 'wgs84';
	const limit = req.maxBytes ?? maxImportBytes();
	if (req.bytes.byteLength > limit) throw new ImportLimitError(req.fileName, req.bytes.byteLength, limit);

	// Reading, converting and checking a file grows with its size: on a worker thread, under the import
	// job budget; the records come back in parts so taking them in never holds this thread for long.
	const parsed = await parseOffThread(req.bytes, {
		layer: req.layer,
		crs,
		fileName: req.fileName,
		tagMapping: req.layer === 'facilities' ? await loadTagMapping(db) : undefined,
		csv: req.csv,
		sheet: req.sheet,
		households: { ...DEFAULT_HOUSEHOLD_OPTIONS, ...(await householdSettings(db)), ...req.households },
		syntheticCodes: req.syntheticCodes,
		archiveLimits: archiveLimits(limit)
	});
	const issues: Issues = { rejected: [...parsed.rejected], repaired: [...parsed.repaired], flagged: [] };
	let counts: UpsertCounts = { inserted: 0, updated: 0 };

	try {
		await db.transaction(async (tx) => {
			counts = await writeLayer(tx, parsed, issues, req);
			if (req.strict && issues.rejected.length > 0) throw new ImportRejectedError(req.fileName, issues.rejected);
			if (req.dryRun) throw new DryRunRollback();
			await tx.query(
				`INSERT INTO import_runs (file_name, layer, crs, format, features_read, written, repaired, rejected, issues)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
				[
					req.fileName,
					req.layer,
					crs,
					parsed.format,
					parsed.read,
					counts.inserted + counts.updated,
					issues.repaired.length,
					issues.rejected.length,
					JSON.stringify(storable({ rejected: issues.rejected.slice(0, 1000), repaired: issues.repaired.slice(0, 1000) }))
				]
			);
		});
	} catch (err) {
		if (!(err instanceof DryRunRollback)) throw err;
	}
	if (!req.dryRun && req.layer === 'cases') afterCaseCommit(db); // the live case stream

	const byIndex = (a: FeatureIssue, b: FeatureIssue) => a.index - b.index;
	return {
		fileName: req.fileName,
		layer: req.layer,
		crs,
		format: parsed.format,
		sheet: parsed.sheet,
		read: parsed.read,
		written: counts.inserted + counts.updated,
		inserted: counts.inserted,
		updated: counts.updated,
		repaired: issues.repaired.length,
		rejected: issues.rejected.length,
		repairedIssues: issues.repaired.sort(byIndex),
		rejectedIssues: issues.rejected.sort(byIndex),
		flaggedIssues: issues.flagged.sort(byIndex),
		dryRun: !!req.dryRun,
		durationMs: Date.now() - started
	};
}

async function householdSettings(db: Queryable): Promise<Partial<HouseholdEstimateOptions>> {
	const rows = await db.query<{ value: Partial<HouseholdEstimateOptions> }>(`SELECT value FROM app_settings WHERE key = 'households'`);
	return rows[0]?.value ?? {};
}

type Writer<L extends LayerName> = (tx: Queryable, records: LayerRecordMap[L][], issues: Issues, req: ImportRequest) => Promise<UpsertCounts>;

const writers: { [L in LayerName]: Writer<L> } = {
	subdistricts: writeSubdistricts,
	communities: writeCommunities,
	grids: writeGrids,
	buildings: writeBuildings,
	facilities: writeFacilities,
	roads: writeRoads,
	landcover: writeLandcover,
	cases: writeCases,
	registers: writeRegisters
};

async function writeLayer(tx: Queryable, parsed: ParsedLayer, issues: Issues, req: ImportRequest) {
	const records = await repairPolygons(tx, parsed.records as RecordBase[], issues, req);
	const writer = writers[parsed.layer] as Writer<LayerName>;
	return writer(tx, records as never, issues, req);
}

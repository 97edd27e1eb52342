// One import = one file, one layer, one transaction: parse off the main thread, write through the
// layer's writer, record the run; a dry run rolls everything back.
import { jobs, streamJobs } from '../jobs/pool';
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
import type { RecordBatch } from '$geo/import';
import type { Db, Queryable } from '../db';
import { afterCaseCommit } from '../cases/events';
import { loadTagMapping } from '../layers/facilities';
import type { UpsertCounts } from '../layers/types';
import { statementTargetMs } from '../db/sql';
import { ImportLimitError, ImportRejectedError, type ImportRequest, type ImportSummary, maxImportBytes } from './request';
import { type Issues, repairPolygons } from './write-common';
import { writeCommunities, writeGrids, writeSubdistricts } from './write-units';
import { buildingsWriter, writeBuildings, writeCases, writeFacilities, writeLandcover, writeRegisters, writeRoads } from './write-layers';

class DryRunRollback extends Error {}

async function parseOffThread(bytes: Uint8Array, options: ParseOptions & { layer: LayerName }): Promise<ParsedLayer> {
	const { result, parts } = await jobs().run('parseImport', [bytes, options], { kind: 'import' });
	const batches = parts as RecordBatch<LayerName>[];
	return { ...result, records: batches.flatMap((b) => b.records), repaired: batches.flatMap((b) => b.repaired) } as ParsedLayer;
}

/** A layer written as its file is read, a batch at a time (see importFile). */
interface StreamWriter {
	start(tx: Queryable, req: ImportRequest): Promise<void>;
	/** A part the reading worker sent (parseImport, jobs/tasks: for buildings, their columns). */
	batch(tx: Queryable, part: never, issues: Issues, req: ImportRequest): Promise<UpsertCounts>;
	finish(tx: Queryable): Promise<void>;
}

/** Layers whose files may be too large to hold as records (an OSM extract's million buildings): a writer per import. */
const streamWriters: Partial<Record<LayerName, (db: Db) => StreamWriter>> = { buildings: buildingsWriter };

/**
 * Reads the file on a worker while this thread writes what it has read, inside the caller's
 * transaction: the worker reads at most a few batches ahead, so memory holds a few batches, and the
 * import's time budget counts the reading only. With `behind` (a server, which runs statements in a
 * process of its own) the next batch is sent while the last is still being written, so the database
 * never waits on this thread between two batches; results are taken in order all the same.
 */
async function parseAndWrite(
	tx: Queryable,
	writer: StreamWriter,
	options: ParseOptions & { layer: LayerName },
	issues: Issues,
	req: ImportRequest,
	behind: boolean
) {
	await writer.start(tx, req);
	const counts: UpsertCounts = { inserted: 0, updated: 0 };
	const quiet = { ...req, onProgress: undefined };
	let writing: Promise<void> = Promise.resolve();
	const onPart = async (part: unknown) => {
		const batch = part as Pick<RecordBatch<LayerName>, 'repaired' | 'fraction'>;
		issues.repaired.push(...batch.repaired);
		const previous = writing;
		// the writer checks and repairs polygons itself, in the statement that writes them
		writing = writer.batch(tx, part as never, issues, quiet).then(async (c) => {
			await previous;
			counts.inserted += c.inserted;
			counts.updated += c.updated;
			const done = counts.inserted + counts.updated;
			req.onProgress?.(done, Math.max(done, Math.round(done / Math.max(batch.fraction, 1e-6))));
		});
		// a failure is thrown where it is awaited (below, or by the next part): not left unhandled meanwhile
		writing.catch(() => {});
		await (behind ? previous : writing);
	};
	let result: Awaited<ReturnType<typeof parseLayerStreamJob>>['result'];
	try {
		({ result } = await parseLayerStreamJob(req.bytes, options, onPart));
	} finally {
		// the transaction ends after the last statement sent, whatever stopped the reading
		await writing.catch(() => {});
	}
	await writing;
	issues.rejected.push(...result.rejected);
	await writer.finish(tx);
	return { parsed: result as ParsedLayer, counts };
}

const parseLayerStreamJob = (bytes: Uint8Array, options: ParseOptions & { layer: LayerName }, onPart: (part: unknown) => Promise<void>) =>
	streamJobs().run('parseImport', [bytes, options], { kind: 'import', onPart });

export async function importFile(db: Db, request: ImportRequest): Promise<ImportSummary> {
	const started = Date.now();
	// The name is stored (import_runs, source_file): without what PostgreSQL cannot hold.
	const req = { ...request, fileName: storableText(request.fileName), statementMs: request.statementMs ?? statementTargetMs(db) };
	const crs = req.crs ?? 'wgs84';
	const limit = req.maxBytes ?? maxImportBytes();
	if (req.bytes.byteLength > limit) throw new ImportLimitError(req.fileName, req.bytes.byteLength, limit);

	// Reading, converting and checking a file grows with its size: on a worker thread, under the import
	// job budget; the records come back in parts so taking them in never holds this thread for long.
	const options = {
		layer: req.layer,
		crs,
		fileName: req.fileName,
		tagMapping: req.layer === 'facilities' ? await loadTagMapping(db) : undefined,
		csv: req.csv,
		sheet: req.sheet,
		households: { ...DEFAULT_HOUSEHOLD_OPTIONS, ...(await householdSettings(db)), ...req.households },
		syntheticCodes: req.syntheticCodes,
		archiveLimits: archiveLimits(limit)
	};
	const streamWriter = streamWriters[req.layer]?.(db);
	let parsed = streamWriter ? null : await parseOffThread(req.bytes, options);
	const issues: Issues = { rejected: [...(parsed?.rejected ?? [])], repaired: [...(parsed?.repaired ?? [])], flagged: [] };
	let counts: UpsertCounts = { inserted: 0, updated: 0 };

	try {
		await db.transaction(async (tx) => {
			if (streamWriter) ({ parsed, counts } = await parseAndWrite(tx, streamWriter, options, issues, req, db.engine !== 'pglite'));
			else counts = await writeLayer(tx, parsed!, issues, req);
			const { format, read } = parsed!;
			if (req.strict && issues.rejected.length > 0) throw new ImportRejectedError(req.fileName, issues.rejected);
			if (req.dryRun) throw new DryRunRollback();
			await tx.query(
				`INSERT INTO import_runs (file_name, layer, crs, format, features_read, written, repaired, rejected, issues)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
				[
					req.fileName,
					req.layer,
					crs,
					format,
					read,
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
	if (!parsed) throw new Error('the import was neither read nor written');

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
	const records = streamWriters[parsed.layer] ? parsed.records : await repairPolygons(tx, parsed.records as RecordBase[], issues, req);
	const writer = writers[parsed.layer] as Writer<LayerName>;
	return writer(tx, records as never, issues, req);
}
